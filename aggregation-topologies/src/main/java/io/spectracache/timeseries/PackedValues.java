package io.spectracache.timeseries;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A sequence of doubles written bit-exactly in a few bytes each when they are decimals with up to 3 digits after the
 * point (what JSON sensors send, and what a quantile sketch of their readings holds), each relative to the one
 * before it. Used where a base writes many values at once: the open chunk's points and the items of an open bucket's
 * KLL sketch ({@link OpenSeriesSerde}'s base version 3). Not thread-safe: one writer or reader per sequence.
 *
 * <p>Each value is one uvarlong {@code head}; {@code head & 3} is its code:
 * <pre>
 * code k = 1, 2, 3: the value is the decimal u / 10^k for an integer u with |u| &lt;= 2^53 (the double that division
 *                   gives, bit for bit; the writer tries the previous value's k first, then the others from 1 up, and
 *                   takes the first that holds, while the prediction p below is within 2^54);
 *                   head = zigzag(u - p) &lt;&lt; 2 | k, where
 *                   p = (long) Math.rint(previous value * 10^k) (the first value's previous: 0.0)
 * code 0:           head = 0, then uvarlong the value's IEEE 754 bits XOR the previous value's bits
 * </pre>
 * (zigzag and LEB128 as {@link io.spectracache.serialization.Varints}.) Two-decimal readings take 2–3 bytes instead of
 * 8, and the sorted levels of a sketch 1–2.
 */
final class PackedValues {
    private static final double[] POWERS = {1, 1e1, 1e2, 1e3};
    /** Integers up to this magnitude are exact as doubles. */
    private static final long EXACT = 1L << 53;
    /** The largest prediction a decimal code is written against, so that {@code zigzag(u - p) << 2} fits in 64 bits. */
    private static final long PREDICTABLE = 1L << 54;

    /** What {@link #units} answers for a value that is not such a decimal. */
    static final long NOT_DECIMAL = Long.MIN_VALUE;
    private static final long[] TENS = {1, 10, 100, 1000};

    private PackedValues() {
    }

    /**
     * The integer u with {@code u / 10^k} (IEEE 754 division) equal to the double of {@code bits}, bit for bit, and
     * |u| &lt;= 2^53; or {@link #NOT_DECIMAL}. For k = 1..3. The same answer as computing
     * {@code u = (long) Math.rint(v * 10^k)} and checking the division, in integer arithmetic for normal values (a
     * base packs hundreds of values, and the division was most of their cost): with v = m 2^-s, the quotient rounds
     * to v exactly when |u 2^s - m 10^k| is under half of 10^k (a quarter below a power of two, where the next double
     * down is half as far; on a tie, when m is even).
     */
    static long units(long bits, int k) {
        int exponent = (int) (bits >>> 52) & 0x7FF;
        int s = 1075 - exponent;
        if (exponent == 0 || exponent == 0x7FF || s >= 63) {
            // Zeros, subnormals, tiny values, infinities and NaN: rare, by the division itself.
            return bits == 0 ? 0 : exponent == 0x7FF ? NOT_DECIMAL : dividedUnits(bits, k);
        }
        if (s <= 11) {
            // |v| >= 2^41: v 10^k could lie near half an integer, where the rounded product and the exact one may
            // round to different integers. Rare; by the division.
            return dividedUnits(bits, k);
        }
        long m = bits & 0xF_FFFF_FFFF_FFFFL | 1L << 52;
        long p = m * TENS[k]; // under 2^53 * 1000 < 2^63
        long u = p >>> s;
        long rest = p - (u << s);
        long distance; // |u 2^s - p|, u rounded to nearest
        boolean below; // u / 10^k < v
        if (rest >= 1L << (s - 1)) {
            u++;
            distance = (1L << s) - rest;
            below = false;
        } else {
            distance = rest;
            below = rest != 0;
        }
        if (u > EXACT) {
            return NOT_DECIMAL;
        }
        long twice = 2 * distance;
        long ten = TENS[k];
        boolean nearest;
        if (below && m == 1L << 52) {
            nearest = 2 * twice <= ten; // the double below is half as far; a tie goes to m, which is even
        } else {
            nearest = twice < ten || twice == ten && (m & 1) == 0;
        }
        if (!nearest) {
            return NOT_DECIMAL;
        }
        return bits < 0 ? -u : u;
    }

    /** {@link #units} by the division: the definition. */
    static long dividedUnits(long bits, int k) {
        double value = Double.longBitsToDouble(bits);
        long u = (long) Math.rint(value * POWERS[k]);
        return u >= -EXACT && u <= EXACT && Double.doubleToRawLongBits(u / POWERS[k]) == bits ? u : NOT_DECIMAL;
    }

    /** Writes values one after the other. */
    static final class Writer {
        private final ByteWriter out;
        private long previousBits;
        /** The code the previous value took (0: none yet or not a decimal), tried first: sensors keep their scale. */
        private int previousCode;

        Writer(ByteWriter out) {
            this.out = out;
        }

        void write(double value) {
            writeBits(Double.doubleToRawLongBits(value));
        }

        void writeBits(long bits) {
            if (previousCode != 0 && decimal(previousCode, bits)) {
                return;
            }
            for (int k = 1; k < POWERS.length; k++) {
                if (k != previousCode && decimal(k, bits)) {
                    return;
                }
            }
            out.unsigned(0);
            out.unsigned(bits ^ previousBits);
            previousBits = bits;
            previousCode = 0;
        }

        /** Writes the value as code {@code k} if it is such a decimal (and its prediction in range); whether it did. */
        private boolean decimal(int k, long bits) {
            long u = units(bits, k);
            if (u == NOT_DECIMAL) {
                return false;
            }
            long p = (long) Math.rint(Double.longBitsToDouble(previousBits) * POWERS[k]);
            if (p < -PREDICTABLE || p > PREDICTABLE) {
                return false;
            }
            long difference = u - p;
            out.unsigned(((difference << 1) ^ (difference >> 63)) << 2 | k);
            previousBits = bits;
            previousCode = k;
            return true;
        }
    }

    /** Reads values as a {@link Writer} wrote them. */
    static final class Reader {
        private final ByteBuffer in;
        private long previousBits;

        Reader(ByteBuffer in) {
            this.in = in;
        }

        double read() {
            return Double.longBitsToDouble(readBits());
        }

        /**
         * The next value's bits.
         *
         * @throws SerializationException if the bytes are not a packed value
         * @throws java.nio.BufferUnderflowException if they end inside one
         */
        long readBits() {
            long head = readUnsigned(in);
            int k = (int) (head & 3);
            long bits;
            if (k == 0) {
                if (head != 0) {
                    throw new SerializationException("packed value has a bad head " + head);
                }
                bits = previousBits ^ readUnsigned(in);
            } else {
                long zigzag = head >>> 2;
                long difference = (zigzag >>> 1) ^ -(zigzag & 1);
                long u = (long) Math.rint(Double.longBitsToDouble(previousBits) * POWERS[k]) + difference;
                if (u < -EXACT || u > EXACT) {
                    throw new SerializationException("packed value is a decimal of " + u + " units");
                }
                bits = Double.doubleToRawLongBits(u / POWERS[k]);
            }
            previousBits = bits;
            return bits;
        }
    }

    /**
     * Moves {@code in} past {@code count} packed values without decoding them: a check that they are all there.
     *
     * @throws SerializationException if the bytes are not packed values
     * @throws java.nio.BufferUnderflowException if they end inside one
     */
    static void skip(ByteBuffer in, int count) {
        for (int i = 0; i < count; i++) {
            if (readUnsigned(in) == 0) {
                readUnsigned(in);
            }
        }
    }

    static long readUnsigned(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            byte b = in.get();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new SerializationException("uvarlong longer than 10 bytes");
    }
}
