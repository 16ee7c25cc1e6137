package io.spectracache.bench;

import java.util.Locale;

/** How figures are written in the report: fixed units, no locale surprises. */
final class Format {
    private Format() {
    }

    /** A latency given in microseconds: "87 µs", "1.23 ms", "2.50 s". */
    static String micros(long micros) {
        if (micros < 0) {
            throw new IllegalArgumentException("negative latency: " + micros);
        }
        if (micros < 1_000) {
            return micros + " µs";
        }
        if (micros < 1_000_000) {
            return String.format(Locale.ROOT, "%.2f ms", micros / 1e3);
        }
        return String.format(Locale.ROOT, "%.2f s", micros / 1e6);
    }

    /** A rate: "1,234,567" (no decimals; thousands separated by commas). */
    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,d", Math.round(perSecond));
    }

    /** A count: "1,000,000". */
    static String count(long count) {
        return String.format(Locale.ROOT, "%,d", count);
    }

    static String seconds(double seconds) {
        return String.format(Locale.ROOT, "%.2f s", seconds);
    }

    static String megabytes(double megabytesPerSecond) {
        return String.format(Locale.ROOT, "%.1f MB/s", megabytesPerSecond);
    }

    /** A ratio as a percentage: 0.5234 → "52.3 %". */
    static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f %%", ratio * 100);
    }

    /** A ratio as a multiple: 0.3123 → "0.31×"; "–" when it cannot be computed (NaN or infinite). */
    static String times(double ratio) {
        if (Double.isNaN(ratio) || Double.isInfinite(ratio)) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2f×", ratio);
    }

    static String decimal(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
