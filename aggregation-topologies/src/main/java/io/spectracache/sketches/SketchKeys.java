package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import io.spectracache.serialization.Varints;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.Bytes;

/**
 * The key layout of the sketch stores, so that RocksDB's byte order is the order reads need.
 *
 * <p>{@code sketches-windows}, one sketch per partition, name, group, window size and window start:
 * <pre>
 * uvarint  length of the sketch name, then its UTF-8 bytes           ← one sketch = one contiguous range
 * byte     0x00 = all groups together, or
 *          0x01 = one group, then uvarint length + UTF-8 of its value  ← one lane = one contiguous range in it
 * 8 bytes  window size, ms, big-endian                               ← one size of a lane = one range in it
 * 8 bytes  window start, epoch ms, big-endian with the sign bit flipped ← in time order
 * </pre>
 * So a range read over one (name, group, size) walks its windows in time order, negative times included; the
 * all-groups lane sorts before every group. The first two fields are a <em>lane</em> ({@link #lane}), the key of
 * {@code sketches-seen} (when a lane was first and last seen), where the single byte {@code 0x00} ({@link #CLOCK},
 * not a lane: a name is never empty) holds the partition's clock.
 *
 * <p>{@code sketches-filters}, one Bloom block per partition, filter, layer and block:
 * <pre>
 * uvarint  length of the filter name, then its UTF-8 bytes
 * 4 bytes  layer index, big-endian (0 = the first, smallest layer)
 * 4 bytes  block index within the layer, big-endian
 * </pre>
 *
 * <pre>{@code Bytes key = SketchKeys.window("devices", "acme", 3_600_000L, 1_795_546_800_000L);}</pre>
 */
public final class SketchKeys {
    /** The key of the partition's clock in {@code sketches-seen}. */
    public static final Bytes CLOCK = Bytes.wrap(new byte[] {0});

    private static final byte ALL_GROUPS = 0;
    private static final byte ONE_GROUP = 1;

    private SketchKeys() {
    }

    /** One decoded window key; {@code group} is null for all groups. */
    public record WindowKey(String name, String group, long size, long start) {
        public WindowKey {
            requireNonNull(name, "name");
        }
    }

    /** One decoded lane; {@code group} is null for all groups. */
    public record Lane(String name, String group) {
        public Lane {
            requireNonNull(name, "name");
        }
    }

    /** The lane of sketch {@code name} and {@code group} (null: all groups together). */
    public static Bytes lane(String name, String group) {
        byte[] sketch = name.getBytes(StandardCharsets.UTF_8);
        byte[] value = group == null ? null : group.getBytes(StandardCharsets.UTF_8);
        ByteBuffer key = ByteBuffer.allocate(Varints.sizeOfUnsignedVarint(sketch.length) + sketch.length + 1
                + (value == null ? 0 : Varints.sizeOfUnsignedVarint(value.length) + value.length));
        Varints.writeUnsignedVarint(sketch.length, key);
        key.put(sketch);
        if (value == null) {
            key.put(ALL_GROUPS);
        } else {
            key.put(ONE_GROUP);
            Varints.writeUnsignedVarint(value.length, key);
            key.put(value);
        }
        return Bytes.wrap(key.array());
    }

    /** The key of the window of {@code size} starting at {@code start} in {@code lane}. */
    public static Bytes window(Bytes lane, long size, long start) {
        byte[] prefix = lane.get();
        ByteBuffer key = ByteBuffer.allocate(prefix.length + 2 * Long.BYTES);
        key.put(prefix);
        key.putLong(size);
        key.putLong(start ^ Long.MIN_VALUE);
        return Bytes.wrap(key.array());
    }

    /** The key of one window of sketch {@code name}, {@code group} (null: all groups). */
    public static Bytes window(String name, String group, long size, long start) {
        return window(lane(name, group), size, start);
    }

    /** The first byte string of every key of sketch or filter {@code name}, in any sketch store. */
    public static Bytes namePrefix(String name) {
        byte[] sketch = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer prefix = ByteBuffer.allocate(Varints.sizeOfUnsignedVarint(sketch.length) + sketch.length);
        Varints.writeUnsignedVarint(sketch.length, prefix);
        prefix.put(sketch);
        return Bytes.wrap(prefix.array());
    }

    /**
     * The inclusive upper end of {@code name}'s keys in every sketch store: with {@link #namePrefix} as the lower
     * end, a range read lists exactly that name's entries (the byte after a name is a group tag, 0x00 or 0x01, or the
     * first byte of a layer index, which is below 0x80).
     */
    public static Bytes nameRangeEnd(String name) {
        byte[] prefix = namePrefix(name).get();
        byte[] end = Arrays.copyOf(prefix, prefix.length + 1);
        end[prefix.length] = (byte) 0xFF;
        return Bytes.wrap(end);
    }

    /** One decoded block key of a filter. */
    public record BlockKey(String name, int layer, int block) {
        public BlockKey {
            requireNonNull(name, "name");
        }
    }

    /** The key of block {@code block} of layer {@code layer} of filter {@code name}. */
    public static Bytes block(String name, int layer, int block) {
        if (layer < 0 || block < 0) {
            throw new IllegalArgumentException("layer and block indexes are not negative, were " + layer + ", " + block);
        }
        byte[] prefix = namePrefix(name).get();
        ByteBuffer key = ByteBuffer.allocate(prefix.length + 2 * Integer.BYTES);
        key.put(prefix);
        key.putInt(layer);
        key.putInt(block);
        return Bytes.wrap(key.array());
    }

    /**
     * Reads a window key back.
     *
     * @throws SerializationException if the bytes are not a window key
     */
    public static WindowKey decodeWindow(Bytes key) {
        try {
            ByteBuffer in = ByteBuffer.wrap(key.get());
            String name = readString(in);
            String group = readGroup(in);
            long size = in.getLong();
            long start = in.getLong() ^ Long.MIN_VALUE;
            if (in.hasRemaining()) {
                throw new SerializationException("window key has bytes after its start");
            }
            return new WindowKey(name, group, size, start);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new SerializationException("not a window key", e);
        }
    }

    /**
     * Reads a lane back.
     *
     * @throws SerializationException if the bytes are not a lane (the {@link #CLOCK} key is not one)
     */
    public static Lane decodeLane(Bytes key) {
        try {
            ByteBuffer in = ByteBuffer.wrap(key.get());
            String name = readString(in);
            if (name.isEmpty()) {
                throw new SerializationException("not a lane: the name is empty");
            }
            String group = readGroup(in);
            if (in.hasRemaining()) {
                throw new SerializationException("lane has bytes after its group");
            }
            return new Lane(name, group);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new SerializationException("not a lane", e);
        }
    }

    /**
     * Reads a filter block key back.
     *
     * @throws SerializationException if the bytes are not a block key
     */
    public static BlockKey decodeBlock(Bytes key) {
        try {
            ByteBuffer in = ByteBuffer.wrap(key.get());
            String name = readString(in);
            int layer = in.getInt();
            int block = in.getInt();
            if (in.hasRemaining() || layer < 0 || block < 0) {
                throw new SerializationException("not a block key");
            }
            return new BlockKey(name, layer, block);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new SerializationException("not a block key", e);
        }
    }

    private static String readGroup(ByteBuffer in) {
        byte tag = in.get();
        if (tag == ALL_GROUPS) {
            return null;
        }
        if (tag != ONE_GROUP) {
            throw new SerializationException("unknown group tag " + tag);
        }
        return readString(in);
    }

    private static String readString(ByteBuffer in) {
        int length = Varints.readUnsignedVarint(in);
        if (length < 0 || length > in.remaining()) {
            throw new SerializationException("sketch key field of " + length + " bytes exceeds the key");
        }
        String text = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return text;
    }
}
