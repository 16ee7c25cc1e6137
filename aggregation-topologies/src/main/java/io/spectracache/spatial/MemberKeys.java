package io.spectracache.spatial;

import io.spectracache.serialization.Varints;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.Bytes;

/**
 * The key layout of {@code spatial-fence-members}, so that one fence's members are one contiguous range in device-id
 * order:
 * <pre>
 * uvarint  length of the fence id, then its UTF-8 bytes   ← one fence = one range (its prefix)
 * n bytes  the device id, UTF-8
 * </pre>
 */
public final class MemberKeys {
    private MemberKeys() {
    }

    /** The key of one device in one fence. */
    public static Bytes of(String fenceId, String deviceId) {
        byte[] fence = fenceId.getBytes(StandardCharsets.UTF_8);
        byte[] device = deviceId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer key = ByteBuffer.allocate(Varints.sizeOfUnsignedVarint(fence.length) + fence.length + device.length);
        Varints.writeUnsignedVarint(fence.length, key);
        key.put(fence).put(device);
        return Bytes.wrap(key.array());
    }

    /** The prefix of every key of a fence: its members are {@code [prefix, rangeEnd]}. */
    public static Bytes fencePrefix(String fenceId) {
        byte[] fence = fenceId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer key = ByteBuffer.allocate(Varints.sizeOfUnsignedVarint(fence.length) + fence.length);
        Varints.writeUnsignedVarint(fence.length, key);
        return Bytes.wrap(key.put(fence).array());
    }

    /** The inclusive end of a fence's range: its prefix and 0xFF, after every device id (UTF-8 never holds 0xFF). */
    public static Bytes fenceRangeEnd(String fenceId) {
        byte[] prefix = fencePrefix(fenceId).get();
        byte[] end = Arrays.copyOf(prefix, prefix.length + 1);
        end[prefix.length] = (byte) 0xFF;
        return Bytes.wrap(end);
    }

    /** The fence and device of a key. */
    public record MemberKey(String fenceId, String deviceId) {
    }

    /**
     * Reads a key back.
     *
     * @throws SerializationException if the bytes are not a member key
     */
    public static MemberKey decode(Bytes key) {
        try {
            ByteBuffer in = ByteBuffer.wrap(key.get());
            String fence = SpatialSerdes.readString(in);
            String device = new String(in.array(), in.position(), in.remaining(), StandardCharsets.UTF_8);
            return new MemberKey(fence, device);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new SerializationException("not a fence member key", e);
        }
    }
}
