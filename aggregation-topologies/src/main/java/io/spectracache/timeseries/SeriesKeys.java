package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import io.spectracache.serialization.Varints;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.Bytes;

/**
 * The key layout of every time-series store, so that RocksDB's byte order is the order queries and erasure need:
 * <pre>
 * uvarint  length of the device id, then its UTF-8 bytes     ← one device = one contiguous key range (its prefix)
 * uvarint  length of the metric name, then its UTF-8 bytes   ← one series = one contiguous range within it
 * 8 bytes  the start of the chunk or bucket, epoch ms, big-endian with the sign bit flipped
 * </pre>
 * Flipping the sign bit makes the unsigned byte order of the last field the signed order of the time, so a range
 * scan over one series walks it in time order, negative times (before 1970) included. Length prefixes keep device
 * {@code "a"} with metric {@code "bc"} apart from device {@code "ab"} with metric {@code "c"}.
 *
 * <pre>{@code Bytes key = SeriesKeys.of("truck-0042", "temp", 1_795_546_800_000L);}</pre>
 */
public final class SeriesKeys {
    private SeriesKeys() {
    }

    /** One decoded key. */
    public record SeriesKey(String deviceId, String metric, long start) {
        public SeriesKey {
            requireNonNull(deviceId, "deviceId");
            requireNonNull(metric, "metric");
        }
    }

    /** The key of the chunk or bucket of {@code metric} of {@code deviceId} that starts at {@code start}. */
    public static Bytes of(String deviceId, String metric, long start) {
        byte[] device = deviceId.getBytes(StandardCharsets.UTF_8);
        byte[] name = metric.getBytes(StandardCharsets.UTF_8);
        ByteBuffer key = ByteBuffer.allocate(Varints.sizeOfUnsignedVarint(device.length) + device.length
                + Varints.sizeOfUnsignedVarint(name.length) + name.length + Long.BYTES);
        Varints.writeUnsignedVarint(device.length, key);
        key.put(device);
        Varints.writeUnsignedVarint(name.length, key);
        key.put(name);
        key.putLong(start ^ Long.MIN_VALUE);
        return Bytes.wrap(key.array());
    }

    /** The prefix every key of {@code deviceId} starts with, in every series store. */
    public static Bytes devicePrefix(String deviceId) {
        byte[] device = deviceId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer prefix = ByteBuffer.allocate(Varints.sizeOfUnsignedVarint(device.length) + device.length);
        Varints.writeUnsignedVarint(device.length, prefix);
        prefix.put(device);
        return Bytes.wrap(prefix.array());
    }

    /**
     * The inclusive upper end of {@code deviceId}'s key range: greater than every key of the device in every series
     * store, smaller than every key of any other device after it. With {@link #devicePrefix} as the lower end, a
     * range read such as {@code WindowStore.fetch(devicePrefix(id), deviceRangeEnd(id), from, to)} lists exactly
     * the device's entries. (Five 0xFF bytes: a metric's length prefix is a varint of at most five bytes whose
     * fifth is at most 0x0F, and UTF-8 never contains 0xFF.)
     */
    public static Bytes deviceRangeEnd(String deviceId) {
        byte[] prefix = devicePrefix(deviceId).get();
        byte[] end = java.util.Arrays.copyOf(prefix, prefix.length + 5);
        java.util.Arrays.fill(end, prefix.length, end.length, (byte) 0xFF);
        return Bytes.wrap(end);
    }

    /** The prefix every key of one series starts with. */
    public static Bytes seriesPrefix(String deviceId, String metric) {
        Bytes full = of(deviceId, metric, 0);
        byte[] bytes = full.get();
        byte[] prefix = new byte[bytes.length - Long.BYTES];
        System.arraycopy(bytes, 0, prefix, 0, prefix.length);
        return Bytes.wrap(prefix);
    }

    /** The device and metric of one series, as a {@link #seriesPrefix} names them. */
    public record SeriesId(String deviceId, String metric) {
        public SeriesId {
            requireNonNull(deviceId, "deviceId");
            requireNonNull(metric, "metric");
        }
    }

    /**
     * Reads a {@link #seriesPrefix} back.
     *
     * @throws SerializationException if the bytes are not a series prefix
     */
    public static SeriesId decodeSeries(Bytes seriesPrefix) {
        try {
            ByteBuffer in = ByteBuffer.wrap(seriesPrefix.get());
            String device = readString(in);
            String metric = readString(in);
            if (in.hasRemaining()) {
                throw new SerializationException("series prefix has bytes after its metric");
            }
            return new SeriesId(device, metric);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new SerializationException("not a series prefix", e);
        }
    }

    /**
     * Reads a key back.
     *
     * @throws SerializationException if the bytes are not a series key
     */
    public static SeriesKey decode(Bytes key) {
        try {
            ByteBuffer in = ByteBuffer.wrap(key.get());
            String device = readString(in);
            String metric = readString(in);
            long start = in.getLong() ^ Long.MIN_VALUE;
            if (in.hasRemaining()) {
                throw new SerializationException("series key has bytes after its start time");
            }
            return new SeriesKey(device, metric, start);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new SerializationException("not a series key", e);
        }
    }

    private static String readString(ByteBuffer in) {
        int length = Varints.readUnsignedVarint(in);
        if (length < 0 || length > in.remaining()) {
            throw new SerializationException("series key field of " + length + " bytes exceeds the key");
        }
        String text = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return text;
    }
}
