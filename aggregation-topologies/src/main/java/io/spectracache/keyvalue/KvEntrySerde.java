package io.spectracache.keyvalue;

import io.spectracache.serialization.StatelessSerde;
import io.spectracache.serialization.Varints;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The binary form of a {@link KvEntry} in the {@code kv-cache} store and its changelog. Stateless and thread-safe.
 *
 * <p>Format version 1, all integers big-endian:
 * <pre>
 * byte    version      = 1
 * byte    flags        bit 0: a content type follows; other bits are 0
 * int64   writtenAt    epoch ms
 * int64   expiresAt    epoch ms, 0 = never
 * [uvarint length, UTF-8 bytes]   content type, only if flag bit 0
 * bytes   value        everything up to the end
 * </pre>
 * The value needs no length because it is last. A reader rejects versions and flags it does not know with
 * Kafka's {@link SerializationException}, so a newer format is never misread. {@code KvEntrySerdeTest} decodes a
 * committed golden file: changing this format means a new version number, never an edit of version 1.
 */
final class KvEntrySerde extends StatelessSerde<KvEntry> {
    static final byte VERSION_1 = 1;
    private static final int FLAG_CONTENT_TYPE = 1;
    private static final int HEADER_BYTES = 2 + Long.BYTES + Long.BYTES;

    @Override
    public byte[] serialize(String topic, KvEntry entry) {
        if (entry == null) {
            return null;
        }
        byte[] contentType = entry.contentType() == null ? null : entry.contentType().getBytes(StandardCharsets.UTF_8);
        byte[] value = entry.valueArray();
        int size = sizeOf(value.length, contentType);
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(VERSION_1);
        out.put((byte) (contentType == null ? 0 : FLAG_CONTENT_TYPE));
        out.putLong(entry.writtenAt());
        out.putLong(entry.expiresAt());
        if (contentType != null) {
            Varints.writeUnsignedVarint(contentType.length, out);
            out.put(contentType);
        }
        out.put(value);
        return out.array();
    }

    /** Exactly the length {@link #serialize} gives an entry with this many value bytes and this content type. */
    static long encodedSize(int valueBytes, String contentType) {
        return sizeOf(valueBytes, contentType == null ? null : contentType.getBytes(StandardCharsets.UTF_8));
    }

    private static int sizeOf(int valueBytes, byte[] contentType) {
        return HEADER_BYTES + valueBytes
                + (contentType == null ? 0 : Varints.sizeOfUnsignedVarint(contentType.length) + contentType.length);
    }

    @Override
    public KvEntry deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            byte version = in.get();
            if (version != VERSION_1) {
                throw new SerializationException("unknown KvEntry format version " + version);
            }
            int flags = in.get();
            if ((flags & ~FLAG_CONTENT_TYPE) != 0) {
                throw new SerializationException("unknown KvEntry flags " + flags);
            }
            long writtenAt = in.getLong();
            long expiresAt = in.getLong();
            String contentType = null;
            if ((flags & FLAG_CONTENT_TYPE) != 0) {
                int length = Varints.readUnsignedVarint(in);
                if (length > in.remaining()) {
                    throw new SerializationException("KvEntry content type longer than the record");
                }
                contentType = new String(data, in.position(), length, StandardCharsets.UTF_8);
                in.position(in.position() + length);
            }
            byte[] value = new byte[in.remaining()];
            in.get(value);
            return KvEntry.wrap(value, contentType, writtenAt, expiresAt);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new SerializationException("not a valid KvEntry: " + e, e);
        }
    }
}
