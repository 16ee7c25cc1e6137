package io.spectracache.timeseries.codec;

import io.spectracache.serialization.Varints;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Format version 1 of {@link GorillaCodec}: Gorilla's delta-of-delta timestamps and XOR doubles, interleaved point by
 * point (the format is described in {@link GorillaCodec}). Stores written before version 2 hold it, so it is still
 * read; it is written only by tests and benchmarks, to compare. Stateless and thread-safe.
 */
final class GorillaVersion1 {
    static final byte VERSION_1 = 1;

    private GorillaVersion1() {
    }

    /** Encodes {@code chunk} in format version 1. */
    static byte[] encode(Chunk chunk) {
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
    static Chunk decode(byte[] data) {
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
        } catch (SerializationException e) {
            throw e.getMessage() != null && e.getMessage().startsWith("time-series chunk") ? e
                    : new SerializationException("time-series chunk has a corrupt header: " + e.getMessage(), e);
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
}
