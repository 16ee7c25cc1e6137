package io.spectracache.timeseries.codec;

import io.spectracache.serialization.Varints;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Compresses a {@link Chunk} as Facebook's Gorilla does (Pelkonen et al., "Gorilla: A Fast, Scalable, In-Memory
 * Time Series Database", VLDB 2015): delta-of-delta timestamps and XOR-encoded doubles, adapted to millisecond
 * timestamps. No maintained Java library implements it, so it is ours; {@code GorillaCodecTest} holds it to this
 * description with property tests and a golden chunk. Stateless and thread-safe.
 *
 * <p>Format version 1:
 * <pre>
 * byte      version = 1
 * uvarint   n, the number of points (0 ends the chunk here)
 * varlong   t0, the first timestamp (epoch ms, zig-zag)
 * 64 bits   v0, the first value's IEEE 754 bits                      ← the bit stream starts here, most significant
 *                                                                     bit first, padded with 0 bits to a whole byte
 * then for each further point i = 1..n-1:
 *   timestamp, with d = t[i] - t[i-1] and D = d - d_prev (d_prev = 0 for i = 1):
 *     '0'                     D = 0
 *     '10'   + 7 bits         D in [-63, 64]        (stored as D + 63)
 *     '110'  + 9 bits         D in [-255, 256]      (stored as D + 255)
 *     '1110' + 12 bits        D in [-2047, 2048]    (stored as D + 2047)
 *     '1111' + 64 bits        any other D (two's complement)
 *   value, with x = bits(v[i]) XOR bits(v[i-1]):
 *     '0'                     x = 0 (the same value)
 *     '10' + the meaningful bits of x, when x fits the previous window: its leading zeros are at least the
 *            previous window's and its trailing zeros too; the window's width of bits is written
 *     '11' + 5 bits leading zeros (capped at 31) + 6 bits width (64 written as 0) + width bits; this becomes the window
 * </pre>
 * The first point's delta-of-delta uses d_prev = 0, so a regular series costs one bit per timestamp after the second.
 * Timestamps may go backwards (a negative delta is just another D); the series layer keeps chunks sorted.
 */
public final class GorillaCodec implements Serde<Chunk>, Serializer<Chunk>, Deserializer<Chunk> {
    static final byte VERSION_1 = 1;

    /** Encodes {@code chunk} in format version 1. */
    public static byte[] encode(Chunk chunk) {
        int n = chunk.size();
        ByteBuffer header = ByteBuffer.allocate(1 + 5 + Varints.MAX_VARLONG_BYTES);
        header.put(VERSION_1);
        Varints.writeUnsignedVarint(n, header);
        if (n == 0) {
            return java.util.Arrays.copyOf(header.array(), header.position());
        }
        Varints.writeVarlong(chunk.timestamp(0), header);
        BitOutput bits = new BitOutput(8 + n * 3);
        long previousBits = Double.doubleToRawLongBits(chunk.value(0));
        bits.write(previousBits, 64);
        long previousTimestamp = chunk.timestamp(0);
        long previousDelta = 0;
        int windowLeading = -1;
        int windowTrailing = 0;
        for (int i = 1; i < n; i++) {
            long delta = chunk.timestamp(i) - previousTimestamp;
            writeDeltaOfDelta(bits, delta - previousDelta);
            previousDelta = delta;
            previousTimestamp = chunk.timestamp(i);

            long valueBits = Double.doubleToRawLongBits(chunk.value(i));
            long xor = valueBits ^ previousBits;
            previousBits = valueBits;
            if (xor == 0) {
                bits.writeBit(0);
                continue;
            }
            int leading = Math.min(31, Long.numberOfLeadingZeros(xor));
            int trailing = Long.numberOfTrailingZeros(xor);
            if (windowLeading >= 0 && leading >= windowLeading && trailing >= windowTrailing) {
                bits.write(0b10, 2);
                bits.write(xor >>> windowTrailing, 64 - windowLeading - windowTrailing);
            } else {
                int width = 64 - leading - trailing;
                bits.write(0b11, 2);
                bits.write(leading, 5);
                bits.write(width == 64 ? 0 : width, 6);
                bits.write(xor >>> trailing, width);
                windowLeading = leading;
                windowTrailing = trailing;
            }
        }
        byte[] body = bits.toByteArray();
        byte[] out = new byte[header.position() + body.length];
        System.arraycopy(header.array(), 0, out, 0, header.position());
        System.arraycopy(body, 0, out, header.position(), body.length);
        return out;
    }

    private static void writeDeltaOfDelta(BitOutput bits, long dod) {
        if (dod == 0) {
            bits.writeBit(0);
        } else if (dod >= -63 && dod <= 64) {
            bits.write(0b10, 2);
            bits.write(dod + 63, 7);
        } else if (dod >= -255 && dod <= 256) {
            bits.write(0b110, 3);
            bits.write(dod + 255, 9);
        } else if (dod >= -2047 && dod <= 2048) {
            bits.write(0b1110, 4);
            bits.write(dod + 2047, 12);
        } else {
            bits.write(0b1111, 4);
            bits.write(dod, 64);
        }
    }

    /**
     * Decodes a chunk of format version 1.
     *
     * @throws SerializationException if the bytes are not one
     */
    public static Chunk decode(byte[] data) {
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            byte version = in.get();
            if (version != VERSION_1) {
                throw new SerializationException("unknown time-series chunk version " + version);
            }
            int n = Varints.readUnsignedVarint(in);
            if (n < 0 || (n > 0 && n > 1 + (long) (in.remaining() - 1) * 8)) {
                throw new SerializationException("time-series chunk claims " + n + " points in " + data.length + " bytes");
            }
            long[] timestamps = new long[n];
            double[] values = new double[n];
            if (n == 0) {
                requireEnd(in.remaining() == 0);
                return Chunk.adopt(timestamps, values);
            }
            timestamps[0] = Varints.readVarlong(in);
            BitInput bits = new BitInput(data, in.position(), in.remaining());
            long previousBits = bits.read(64);
            values[0] = Double.longBitsToDouble(previousBits);
            long previousDelta = 0;
            int windowLeading = 0;
            int windowTrailing = 0;
            for (int i = 1; i < n; i++) {
                long delta = previousDelta + readDeltaOfDelta(bits);
                timestamps[i] = timestamps[i - 1] + delta;
                previousDelta = delta;
                if (bits.readBit() == 0) {
                    values[i] = Double.longBitsToDouble(previousBits);
                    continue;
                }
                if (bits.readBit() == 1) {
                    windowLeading = (int) bits.read(5);
                    int width = (int) bits.read(6);
                    width = width == 0 ? 64 : width;
                    windowTrailing = 64 - windowLeading - width;
                    if (windowTrailing < 0) {
                        throw new SerializationException("time-series chunk has a value window wider than 64 bits");
                    }
                }
                long meaningful = bits.read(64 - windowLeading - windowTrailing);
                previousBits ^= meaningful << windowTrailing;
                values[i] = Double.longBitsToDouble(previousBits);
            }
            requireEnd(bits.remaining() < 8);
            return Chunk.adopt(timestamps, values);
        } catch (java.nio.BufferUnderflowException e) {
            throw new SerializationException("time-series chunk is truncated", e);
        }
    }

    private static long readDeltaOfDelta(BitInput bits) {
        if (bits.readBit() == 0) {
            return 0;
        }
        if (bits.readBit() == 0) {
            return bits.read(7) - 63;
        }
        if (bits.readBit() == 0) {
            return bits.read(9) - 255;
        }
        if (bits.readBit() == 0) {
            return bits.read(12) - 2047;
        }
        return bits.read(64);
    }

    private static void requireEnd(boolean atEnd) {
        if (!atEnd) {
            throw new SerializationException("time-series chunk has bytes after its last point");
        }
    }

    @Override
    public byte[] serialize(String topic, Chunk chunk) {
        return chunk == null ? null : encode(chunk);
    }

    @Override
    public Chunk deserialize(String topic, byte[] data) {
        return data == null ? null : decode(data);
    }

    @Override
    public Serializer<Chunk> serializer() {
        return this;
    }

    @Override
    public Deserializer<Chunk> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure
    }

    @Override
    public void close() {
        // nothing to release
    }
}
