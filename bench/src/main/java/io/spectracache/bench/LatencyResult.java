package io.spectracache.bench;

import org.HdrHistogram.Histogram;

/**
 * The measured phase of one {@link ClosedLoop} run. Latencies are in microseconds; only successful calls are in the
 * histogram, failures are counted apart. {@code calls} and {@code clientCpuSeconds} cover warm-up and measured phase.
 */
record LatencyResult(String name, int clients, Histogram histogram, long ok, long failed, double seconds, String error,
                     double clientCpuSeconds, long calls) {

    double requestsPerSecond() {
        return ok / seconds;
    }

    long p50() {
        return histogram.getValueAtPercentile(50);
    }

    long p99() {
        return histogram.getValueAtPercentile(99);
    }

    long p999() {
        return histogram.getValueAtPercentile(99.9);
    }

    long max() {
        return histogram.getMaxValue();
    }
}
