package io.spectracache.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Waits until every device answers {@code GET /v1/devices/{id}} with the expected {@code eventCount}, walking the
 * devices in order and staying on the first one that is not complete yet (so the polling costs about one request
 * per device plus one per 10 ms of waiting, small against the run).
 */
final class Queryable {
    private static final long POLL_PAUSE_MS = 10;
    // Far from done, polling more often only takes CPU from the run being measured.
    private static final long FAR_POLL_PAUSE_MS = 100;

    /** When the last device was seen complete, and the bodies of every device state at that moment. */
    record Outcome(long completeNanos, String[] states, long requests, long overcounted) {
    }

    private Queryable() {
    }

    static Outcome awaitDeviceCounts(String host, int port, String[] deviceIds, long expectedCount, Duration timeout,
                                     Consumer<String> progress) throws IOException, InterruptedException {
        byte[][] requests = new byte[deviceIds.length][];
        for (int i = 0; i < deviceIds.length; i++) {
            requests[i] = HttpConnection.get(host, port, "/v1/devices/" + deviceIds[i]);
        }
        String[] states = new String[deviceIds.length];
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextReport = System.nanoTime() + 5_000_000_000L;
        long requestCount = 0;
        long overcounted = 0;
        long lastSeen = -1;
        int lastStatus = 0;
        try (HttpConnection http = HttpConnection.open(host, port)) {
            int device = 0;
            while (device < deviceIds.length) {
                int status = http.exchange(requests[device]);
                requestCount++;
                long count = status == 200 ? http.jsonLong("eventCount") : -1;
                if (count >= expectedCount) {
                    if (count > expectedCount) {
                        overcounted++;
                    }
                    states[device] = http.bodyText();
                    device++;
                    continue;
                }
                lastSeen = count;
                lastStatus = status;
                long now = System.nanoTime();
                if (now > deadline) {
                    throw new IllegalStateException("after " + timeout.toSeconds() + " s, " + device + " of " + deviceIds.length
                            + " devices were complete; " + deviceIds[device] + " answered " + status + " with eventCount "
                            + count + " of " + expectedCount);
                }
                if (now > nextReport) {
                    progress.accept(device + "/" + deviceIds.length + " devices complete; " + deviceIds[device]
                            + " at " + Math.max(lastSeen, 0) + "/" + expectedCount + " (HTTP " + lastStatus + ")");
                    nextReport = now + 5_000_000_000L;
                }
                Thread.sleep(count < expectedCount * 9 / 10 ? FAR_POLL_PAUSE_MS : POLL_PAUSE_MS);
            }
            return new Outcome(System.nanoTime(), states, requestCount, overcounted);
        }
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
                Thread.sleep(POLL_PAUSE_MS);
            }
        }
    }
}
