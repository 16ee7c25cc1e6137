package io.spectracache.timeseries.codec;

/**
 * Finds whether the doubles of a chunk are all decimals with a few digits after the point: for a scale k, every
 * value {@code v} must be exactly {@code (double) m / 10^k} for an integer {@code m} with {@code |m| <= 2^53}.
 * IEEE 754 division is correctly rounded, so that quotient is the double nearest to the decimal m·10^-k, which is
 * what a JSON parser or {@code Math.round(x * 100) / 100.0} produces; and because the check computes the same
 * expression the decoder will, a value that passes decodes to exactly its own bits (-0.0, NaN and infinities never
 * pass). Stateless and thread-safe.
 */
final class Decimals {
    /** The largest scale tried: 15 digits after the point. */
    static final int MAX_SCALE = 15;
    /** Integers up to this magnitude are exact as doubles. */
    static final long EXACT = 1L << 53;
    static final double[] POWERS = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

    private Decimals() {
    }

    /**
     * The smallest scale k at which every value of {@code values[0..count)} is a decimal, with the integers
     * {@code m} written to {@code units[0..count)}; or -1 if there is none up to {@link #MAX_SCALE}.
     */
    static int scale(double[] values, int count, long[] units) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            double v = values[i];
            while (true) {
                long m = (long) Math.rint(v * POWERS[k]);
                if (m >= -EXACT && m <= EXACT && Double.doubleToRawLongBits(m / POWERS[k]) == Double.doubleToRawLongBits(v)) {
                    units[i] = m;
                    break;
                }
                if (k == MAX_SCALE) {
                    return -1;
                }
                k++;
                // m / 10^k == (10 m) / 10^(k+1) exactly as rationals, so the values before stay exact at k + 1.
                for (int j = 0; j < i; j++) {
                    long scaled = units[j] * 10;
                    if (scaled < -EXACT || scaled > EXACT) {
                        return -1;
                    }
                    units[j] = scaled;
                }
            }
        }
        return k;
    }
}
