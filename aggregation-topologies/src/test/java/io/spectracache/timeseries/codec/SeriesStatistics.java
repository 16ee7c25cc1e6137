package io.spectracache.timeseries.codec;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the points of a set of chunks look like to a codec, for the benchmarks' reports: the distribution of
 * timestamp deltas and delta-of-deltas, and per metric the decimals its values have and the distribution of their
 * deltas in units of the last decimal, each with its order-0 empirical entropy (bits a point needs when each delta is
 * coded on its own with the ideal code for the observed distribution: the floor for any coder that looks at one
 * delta at a time). Not thread-safe.
 */
public final class SeriesStatistics {
    private static final int MAX_DECIMALS = 9;

    private final Histogram deltas = new Histogram();
    private final Histogram deltaOfDeltas = new Histogram();
    private final Map<String, Metric> metrics = new TreeMap<>();
    private long points;

    private static final class Metric {
        final Histogram values = new Histogram();
        final Histogram deltas = new Histogram();
        int decimals;
        boolean decimal = true;
        long points;
    }

    /** Adds the points of one chunk of {@code metric}. */
    public void add(String metric, Chunk chunk) {
        points += chunk.size();
        for (int i = 1; i < chunk.size(); i++) {
            long d = chunk.timestamp(i) - chunk.timestamp(i - 1);
            deltas.add(d);
            if (i > 1) {
                deltaOfDeltas.add(d - (chunk.timestamp(i - 1) - chunk.timestamp(i - 2)));
            }
        }
        Metric m = metrics.computeIfAbsent(metric, name -> new Metric());
        m.points += chunk.size();
        int k = decimalsOf(chunk);
        if (k < 0) {
            m.decimal = false;
            return;
        }
        m.decimals = Math.max(m.decimals, k);
        double scale = Math.pow(10, k);
        long previous = 0;
        for (int i = 0; i < chunk.size(); i++) {
            long units = Math.round(chunk.value(i) * scale);
            m.values.add(units);
            if (i > 0) {
                m.deltas.add(units - previous);
            }
            previous = units;
        }
    }

    private static int decimalsOf(Chunk chunk) {
        for (int k = 0; k <= MAX_DECIMALS; k++) {
            double scale = Math.pow(10, k);
            boolean all = true;
            for (int i = 0; i < chunk.size() && all; i++) {
                all = Math.round(chunk.value(i) * scale) / scale == chunk.value(i);
            }
            if (all) {
                return k;
            }
        }
        return -1;
    }

    /** Timestamps' order-0 entropy, bits per point (of their deltas, or of delta-of-deltas if smaller). */
    public double timestampBits() {
        return Math.min(deltas.entropy(), deltaOfDeltas.entropy());
    }

    /** Values' order-0 entropy, bits per point over all metrics (of the value or its delta, whichever is smaller). */
    public double valueBits() {
        double bits = 0;
        long counted = 0;
        for (Metric m : metrics.values()) {
            if (m.decimal) {
                bits += m.points * Math.min(m.values.entropy(), m.deltas.entropy());
                counted += m.points;
            }
        }
        return counted == 0 ? Double.NaN : bits / counted;
    }

    /** A multi-line report of the distributions. */
    public String report() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "  %,d points; timestamp deltas (ms): p1 %d, p10 %d, p50 %d, p90 %d, "
                        + "p99 %d, max %d; whole seconds %.1f%%; order-0 entropy %.2f bits%n", points,
                deltas.percentile(1), deltas.percentile(10), deltas.percentile(50), deltas.percentile(90),
                deltas.percentile(99), deltas.percentile(100), 100.0 * deltas.shareMultipleOf(1000), deltas.entropy()));
        out.append(String.format(Locale.ROOT, "  timestamp delta-of-deltas (ms): 0 %.1f%%, |D|<=63 %.1f%%, <=255 %.1f%%, "
                        + "<=2047 %.1f%%, more %.1f%% (Gorilla's buckets: 1, 9, 12, 16, 68 bits); p50 |D| %d, p99 |D| %d; "
                        + "order-0 entropy %.2f bits%n",
                100 * deltaOfDeltas.shareAbsAtMost(0), 100 * deltaOfDeltas.shareAbsAtMost(63),
                100 * deltaOfDeltas.shareAbsAtMost(255), 100 * deltaOfDeltas.shareAbsAtMost(2047),
                100 * (1 - deltaOfDeltas.shareAbsAtMost(2047)), deltaOfDeltas.absPercentile(50),
                deltaOfDeltas.absPercentile(99), deltaOfDeltas.entropy()));
        for (Map.Entry<String, Metric> entry : metrics.entrySet()) {
            Metric m = entry.getValue();
            if (!m.decimal) {
                out.append(String.format(Locale.ROOT, "  %-8s %,9d points, not decimal%n", entry.getKey(), m.points));
                continue;
            }
            out.append(String.format(Locale.ROOT, "  %-8s %,9d points, %d decimals; value deltas (units of 1e-%d): "
                            + "0 %.1f%%, p50 |d| %d, p90 |d| %d, p99 |d| %d; order-0 entropy of deltas %.2f bits, "
                            + "of values %.2f bits%n", entry.getKey(), m.points, m.decimals, m.decimals,
                    100 * m.deltas.shareAbsAtMost(0), m.deltas.absPercentile(50), m.deltas.absPercentile(90),
                    m.deltas.absPercentile(99), m.deltas.entropy(), m.values.entropy()));
        }
        out.append(String.format(Locale.ROOT, "  order-0 floor: timestamps %.2f + values %.2f bits = %.2f B/point "
                + "(timestamps stored once per series)%n", timestampBits(), valueBits(), (timestampBits() + valueBits()) / 8));
        return out.toString();
    }

    /** Counts of exact values. */
    private static final class Histogram {
        private final Map<Long, long[]> counts = new HashMap<>();
        private long total;

        void add(long value) {
            counts.computeIfAbsent(value, v -> new long[1])[0]++;
            total++;
        }

        /**
         * Entropy in bits of the distribution the counts sample. Values within 16 of the median count exactly;
         * further out, they are pooled in 8 buckets per power of two of their distance and taken as uniform within
         * a bucket, so a wide distribution sampled sparsely (uniform readings over 300,000 steps, 100,000 samples)
         * is not under-estimated as the plain plug-in estimate would (that cannot exceed log2 of the sample count).
         */
        double entropy() {
            long median = percentile(50);
            Map<Long, long[]> buckets = new HashMap<>();
            counts.forEach((value, count) ->
                    buckets.computeIfAbsent(bucket(value - median), b -> new long[1])[0] += count[0]);
            double bits = 0;
            for (Map.Entry<Long, long[]> entry : buckets.entrySet()) {
                double p = entry.getValue()[0] / (double) total;
                bits -= p * Math.log(p) / Math.log(2);
                bits += p * widthBits(entry.getKey());
            }
            return total == 0 ? 0 : bits;
        }

        private static long bucket(long value) {
            long magnitude = value == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(value);
            if (magnitude < 16) {
                return value;
            }
            int exponent = 64 - Long.numberOfLeadingZeros(magnitude);
            long top = magnitude >>> (exponent - 4);
            return Long.signum(value) * ((long) exponent << 8 | top) + Long.signum(value) * (1L << 40);
        }

        private static int widthBits(long bucket) {
            long magnitude = Math.abs(bucket);
            return magnitude < 16 ? 0 : (int) (((magnitude - (1L << 40)) >>> 8) - 4);
        }

        long percentile(double percent) {
            return nth(sorted(false), percent);
        }

        long absPercentile(double percent) {
            return nth(sorted(true), percent);
        }

        private long nth(long[][] sorted, double percent) {
            long rank = (long) Math.ceil(percent / 100 * total);
            long seen = 0;
            for (long[] entry : sorted) {
                seen += entry[1];
                if (seen >= Math.max(1, rank)) {
                    return entry[0];
                }
            }
            return sorted.length == 0 ? 0 : sorted[sorted.length - 1][0];
        }

        private long[][] sorted(boolean abs) {
            Map<Long, Long> merged = new TreeMap<>();
            counts.forEach((value, count) -> merged.merge(abs ? Math.abs(value) : value, count[0], Long::sum));
            return merged.entrySet().stream().map(e -> new long[] {e.getKey(), e.getValue()}).toArray(long[][]::new);
        }

        double shareAbsAtMost(long limit) {
            long within = 0;
            for (Map.Entry<Long, long[]> entry : counts.entrySet()) {
                if (Math.abs(entry.getKey()) <= limit) {
                    within += entry.getValue()[0];
                }
            }
            return total == 0 ? 0 : within / (double) total;
        }

        double shareMultipleOf(long divisor) {
            long multiples = 0;
            for (Map.Entry<Long, long[]> entry : counts.entrySet()) {
                if (entry.getKey() % divisor == 0) {
                    multiples += entry.getValue()[0];
                }
            }
            return total == 0 ? 0 : multiples / (double) total;
        }
    }
}
