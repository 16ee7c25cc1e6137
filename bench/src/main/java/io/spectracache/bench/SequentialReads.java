package io.spectracache.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One client, one request after the other, for queries that take long (a month of 1-minute buckets, a fleet-wide
 * group-by): a time-boxed closed loop ({@link ClosedLoop}) would record a handful of requests, or none when one
 * answer takes longer than the measured phase, and 32 concurrent clients would only queue behind each other on two
 * cores. Here the warm-up is at least one request, and the measured phase runs until its duration has passed
 * <em>and</em> {@code minRequests} answers were recorded, but never past {@code cap}.
 */
final class SequentialReads {
    private static final long HIGHEST_TRACKABLE_MICROS = TimeUnit.MINUTES.toMicros(5);

    /** What the loop waits on between requests: the clock, replaceable in tests. */
    interface Clock {
        long nanoTime();
    }

    private SequentialReads() {
    }

    static LatencyResult run(String name, ClosedLoop.ClientFactory factory, int keys, Duration warmup, Duration measure,
                             int minRequests, Duration cap, long seed) {
        return run(name, factory, keys, warmup, measure, minRequests, cap, seed, System::nanoTime);
    }

    static LatencyResult run(String name, ClosedLoop.ClientFactory factory, int keys, Duration warmup, Duration measure,
                             int minRequests, Duration cap, long seed, Clock clock) {
        Histogram histogram = new Histogram(HIGHEST_TRACKABLE_MICROS, 3);
        SplittableRandom random = new SplittableRandom(seed);
        long ok = 0;
        long failed = 0;
        long calls = 0;
        String error = null;
        long cpuBefore = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long start = clock.nanoTime();
        long measuredFrom = start;
        long measuredTo = start;
        try (ClosedLoop.Client client = factory.open()) {
            long warmEnd = start + warmup.toNanos();
            do {
                client.call(random.nextInt(keys));
                calls++;
            } while (clock.nanoTime() < warmEnd);
            measuredFrom = clock.nanoTime();
            long end = measuredFrom + measure.toNanos();
            long hardEnd = measuredFrom + cap.toNanos();
            long now = measuredFrom;
            while ((now < end || ok + failed < minRequests) && now < hardEnd) {
                long begin = clock.nanoTime();
                boolean success = client.call(random.nextInt(keys));
                now = clock.nanoTime();
                calls++;
                if (success) {
                    ok++;
                    histogram.recordValue(Math.min((now - begin) / 1_000, HIGHEST_TRACKABLE_MICROS));
                } else {
                    failed++;
                }
            }
            measuredTo = now;
        } catch (IOException | RuntimeException e) {
            error = e.toString();
            measuredTo = clock.nanoTime();
        }
        double cpu = Math.max(0, ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuBefore) / 1e9;
        return new LatencyResult(name, 1, histogram, ok, failed, Math.max(1e-9, (measuredTo - measuredFrom) / 1e9), error,
                cpu, calls);
    }
}
