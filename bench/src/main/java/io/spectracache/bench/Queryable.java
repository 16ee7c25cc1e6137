package io.spectracache.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Waits until every device's count reaches the expected number, walking the devices in order and staying on the first
 * one that is not complete yet (so the polling costs about one look per device plus one per pause of waiting, small
 * against the run). The same walk serves SpectraCache ({@code GET /v1/devices/{id}} over HTTP) and the floor
 * application (interactive queries in this JVM), so both phases end by the same rule.
 */
final class Queryable {
    /** Pause between two looks at a device that has at least 90 % of its events. */
    static final long NEAR_POLL_PAUSE_MS = 10;
    /** Pause far from done: polling more often only takes CPU from the run being measured. */
    static final long FAR_POLL_PAUSE_MS = 100;

    /** When the last device was seen complete, and the bodies of every device state at that moment. */
    record Outcome(long completeNanos, String[] states, long requests, long overcounted) {
    }

    /** When the last device was seen complete ({@link System#nanoTime()}), how many looks it took, how many devices counted too many. */
    record Walk(long completeNanos, long looks, long overcounted) {
    }

    /** One way of looking at a device's count. Not thread-safe; used by one walk at a time. */
    interface Probe {
        /** The device's count now, or -1 when it has none yet (absent, or the store does not answer). */
        long count(int device) throws IOException;

        /** Called once when a device is seen complete, right after the {@link #count} that showed it. */
        default void completed(int device) {
        }

        /** What the last look answered, for progress messages ("HTTP 404"). */
        String lastAnswer();
    }

    /** How the walk waits between two looks; {@code Thread::sleep} outside tests. */
    @FunctionalInterface
    interface Pause {
        void sleep(long millis) throws InterruptedException;
    }

    private Queryable() {
    }

    /** {@link #awaitCounts} over {@code GET /v1/devices/{id}}, keeping the body each device answered when complete. */
    static Outcome awaitDeviceCounts(String host, int port, String[] deviceIds, long expectedCount, Duration timeout,
                                     Consumer<String> progress) throws IOException, InterruptedException {
        long[] expected = new long[deviceIds.length];
        java.util.Arrays.fill(expected, expectedCount);
        return awaitDeviceCounts(host, port, deviceIds, expected, timeout, progress);
    }

    /** As {@link #awaitDeviceCounts(String, int, String[], long, Duration, Consumer)}, with a count per device. */
    static Outcome awaitDeviceCounts(String host, int port, String[] deviceIds, long[] expectedCounts, Duration timeout,
                                     Consumer<String> progress) throws IOException, InterruptedException {
        byte[][] requests = new byte[deviceIds.length][];
        for (int i = 0; i < deviceIds.length; i++) {
            requests[i] = HttpConnection.get(host, port, "/v1/devices/" + deviceIds[i]);
        }
        String[] states = new String[deviceIds.length];
        try (HttpConnection http = HttpConnection.open(host, port)) {
            Probe probe = new Probe() {
                private int status;

                @Override
                public long count(int device) throws IOException {
                    status = http.exchange(requests[device]);
                    return status == 200 ? http.jsonLong("eventCount") : -1;
                }

                @Override
                public void completed(int device) {
                    states[device] = http.bodyText();
                }

                @Override
                public String lastAnswer() {
                    return "HTTP " + status;
                }
            };
            Walk walk = awaitCounts(deviceIds, expectedCounts, timeout, progress, probe, Thread::sleep);
            return new Outcome(walk.completeNanos(), states, walk.looks(), walk.overcounted());
        }
    }

    /**
     * Looks at device 0 until its count reaches {@code expectedCount}, then device 1, and so on; between two looks at
     * an incomplete device it pauses {@value #FAR_POLL_PAUSE_MS} ms, or {@value #NEAR_POLL_PAUSE_MS} ms once the
     * device has 90 % of its events. A complete device is never looked at again.
     *
     * @return the moment the last device was seen complete, the looks it took, and how many devices counted more
     *         than expected (duplicates not dropped)
     * @throws IllegalStateException when a device is still incomplete after {@code timeout}, naming it
     */
    static Walk awaitCounts(String[] deviceIds, long expectedCount, Duration timeout, Consumer<String> progress, Probe probe,
                            Pause pause) throws IOException, InterruptedException {
        long[] expected = new long[deviceIds.length];
        java.util.Arrays.fill(expected, expectedCount);
        return awaitCounts(deviceIds, expected, timeout, progress, probe, pause);
    }

    /**
     * As {@link #awaitCounts(String[], long, Duration, Consumer, Probe, Pause)}, with a count per device (in the order
     * of {@code deviceIds}), for data where devices send different numbers of events.
     */
    static Walk awaitCounts(String[] deviceIds, long[] expectedCounts, Duration timeout, Consumer<String> progress,
                            Probe probe, Pause pause) throws IOException, InterruptedException {
        if (expectedCounts.length != deviceIds.length) {
            throw new IllegalArgumentException(expectedCounts.length + " counts for " + deviceIds.length + " devices");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextReport = System.nanoTime() + 5_000_000_000L;
        long looks = 0;
        long overcounted = 0;
        int device = 0;
        while (device < deviceIds.length) {
            long count = probe.count(device);
            looks++;
            if (count >= expectedCounts[device]) {
                if (count > expectedCounts[device]) {
                    overcounted++;
                }
                probe.completed(device);
                device++;
                continue;
            }
            long now = System.nanoTime();
            if (now - deadline > 0) {
                throw new IllegalStateException("after " + timeout.toSeconds() + " s, " + device + " of " + deviceIds.length
                        + " devices were complete; " + deviceIds[device] + " answered " + probe.lastAnswer() + " with count "
                        + count + " of " + expectedCounts[device]);
            }
            if (now - nextReport > 0) {
                progress.accept(device + "/" + deviceIds.length + " devices complete; " + deviceIds[device]
                        + " at " + Math.max(count, 0) + "/" + expectedCounts[device] + " (" + probe.lastAnswer() + ")");
                nextReport = now + 5_000_000_000L;
            }
            pause.sleep(count < expectedCounts[device] * 9 / 10 ? FAR_POLL_PAUSE_MS : NEAR_POLL_PAUSE_MS);
        }
        return new Walk(System.nanoTime(), looks, overcounted);
    }

    /** Waits until {@code GET pathPrefix + key} answers 200 for every key. */
    static void awaitAll(String host, int port, String pathPrefix, String[] keys, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (HttpConnection http = HttpConnection.open(host, port)) {
            int i = 0;
            while (i < keys.length) {
                int status = http.exchange(HttpConnection.get(host, port, pathPrefix + keys[i]));
                if (status == 200) {
                    i++;
                    continue;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("GET " + pathPrefix + keys[i] + " still answers " + status
                            + " after " + timeout.toSeconds() + " s");
                }
                Thread.sleep(NEAR_POLL_PAUSE_MS);
            }
        }
    }
}
