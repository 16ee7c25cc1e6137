package io.spectracache.timeseries.codec;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Gorilla's XOR coding of doubles, bit-exact for every IEEE 754 pattern (NaN payloads, -0.0, subnormals,
 * infinities): the first value's 64 bits, then per value its XOR with the previous one, as {@code '0'} (the same
 * bits), {@code '10'} + the meaningful bits inside the previous window, or {@code '11'} + 5 bits of leading zeros
 * (capped at 31) + 6 bits of width (64 written as 0) + the meaningful bits, which become the window. Part of
 * {@link GorillaCodec}'s formats 1 and 2. Stateless and thread-safe.
 */
final class XorValues {
    private XorValues() {
    }

    /** Writes {@code values[0..count)}, {@code count >= 1}. */
    static void write(BitOutput out, double[] values, int count) {
        long previous = Double.doubleToRawLongBits(values[0]);
        out.write(previous, 64);
        int windowLeading = -1;
        int windowTrailing = 0;
        for (int i = 1; i < count; i++) {
            long bits = Double.doubleToRawLongBits(values[i]);
            long xor = bits ^ previous;
            previous = bits;
            if (xor == 0) {
                out.write(0, 1);
                continue;
            }
            int leading = Math.min(31, Long.numberOfLeadingZeros(xor));
            int trailing = Long.numberOfTrailingZeros(xor);
            if (windowLeading >= 0 && leading >= windowLeading && trailing >= windowTrailing) {
                out.write(0b10, 2);
                out.write(xor >>> windowTrailing, 64 - windowLeading - windowTrailing);
            } else {
                int width = 64 - leading - trailing;
                out.write(0b11, 2);
                out.write(leading, 5);
                out.write(width == 64 ? 0 : width, 6);
                out.write(xor >>> trailing, width);
                windowLeading = leading;
                windowTrailing = trailing;
            }
        }
    }

    /** How many bits {@link #write} writes for {@code values[0..count)}. */
    static long bits(double[] values, int count) {
        long previous = Double.doubleToRawLongBits(values[0]);
        long total = 64;
        int windowLeading = -1;
        int windowTrailing = 0;
        for (int i = 1; i < count; i++) {
            long bits = Double.doubleToRawLongBits(values[i]);
            long xor = bits ^ previous;
            previous = bits;
            if (xor == 0) {
                total += 1;
                continue;
            }
            int leading = Math.min(31, Long.numberOfLeadingZeros(xor));
            int trailing = Long.numberOfTrailingZeros(xor);
            if (windowLeading >= 0 && leading >= windowLeading && trailing >= windowTrailing) {
                total += 2 + 64 - windowLeading - windowTrailing;
            } else {
                total += 2 + 5 + 6 + 64 - leading - trailing;
                windowLeading = leading;
                windowTrailing = trailing;
            }
        }
        return total;
    }

    /** Reads {@code count >= 1} values into {@code values[at..at + count)}. */
    static void read(BitInput in, double[] values, int at, int count) {
        long previous = in.read(64);
        values[at] = Double.longBitsToDouble(previous);
        int windowLeading = 0;
        int windowTrailing = 0;
        int end = at + count;
        for (int i = at + 1; i < end; i++) {
            if (in.readBit() == 0) {
                values[i] = Double.longBitsToDouble(previous);
                continue;
            }
            if (in.readBit() == 1) {
                windowLeading = (int) in.read(5);
                int width = (int) in.read(6);
                width = width == 0 ? 64 : width;
                windowTrailing = 64 - windowLeading - width;
                if (windowTrailing < 0) {
                    throw new SerializationException("time-series chunk has a value window wider than 64 bits");
                }
            }
            previous ^= in.read(64 - windowLeading - windowTrailing) << windowTrailing;
            values[i] = Double.longBitsToDouble(previous);
        }
    }
}
