package io.spectracache.dashboard;

import static java.util.Objects.requireNonNull;

import io.javalin.http.sse.SseClient;
import io.spectracache.cluster.LocalStatus;
import io.spectracache.serialization.Json;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's live figures: once a second, every instance's counters ({@link LocalStatus.Live}) become
 * cluster-wide rates, kept for five minutes and pushed to every open page over Server-Sent Events. One sampler for
 * all pages, so a hundred open dashboards cost what one does. A page that connects first gets the history (event
 * {@code history}), then one event {@code sample} a second.
 *
 * <p>Rates are per instance (counter now minus counter a second ago), summed over the instances that answered both
 * times: an instance that misses a sample lowers the rate for that second instead of making it jump. Sampling asks
 * every instance once a second, so it runs only while someone watches: from the first page opened until no page was
 * open for {@value #HISTORY} seconds (a page opened meanwhile gets the history). An instance nobody watches does no
 * work for the dashboard. Must be closed, and before the HTTP server stops: Javalin 7.2 loops for ever on the sending
 * thread when an event is sent to a page whose request Jetty has already recycled, so {@link #close()} returns only
 * once no sample is being sent.
 */
final class LiveFeed implements AutoCloseable {
    static final int HISTORY = 300;
    private static final int CLOSE_WAIT_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);

    /**
     * One second of the whole cluster.
     *
     * @param at            epoch ms of the sample
     * @param instances     instances that answered
     * @param partial       some instance known to the group did not answer
     * @param freshnessMs   the slowest instance's average event-time-to-processed latency; null when nothing was
     *                      processed lately
     */
    record Sample(long at, int instances, boolean partial, double ingestRate, double acceptedRate, double duplicatesRate,
                  Map<String, Double> dlqRateByReason, long consumerLag, Double freshnessMs, Double freshnessMaxMs) {
        Sample {
            dlqRateByReason = Map.copyOf(dlqRateByReason);
        }
    }

    private final Supplier<List<LocalStatus.Live>> live;
    private final Supplier<Integer> members;
    private final Deque<Sample> history = new ArrayDeque<>();
    private final List<SseClient> clients = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService sampler;
    private Map<String, LocalStatus.Live> previous = Map.of();
    /** When a page was last open; "long ago" until the first one opens. */
    private volatile long lastWatched = System.nanoTime() - TimeUnit.SECONDS.toNanos(HISTORY + 1);

    /**
     * @param live    every instance's counters now
     * @param members how many instances the group has now
     */
    LiveFeed(Supplier<List<LocalStatus.Live>> live, Supplier<Integer> members) {
        this.live = requireNonNull(live, "live");
        this.members = requireNonNull(members, "members");
        this.sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "spectra-dashboard-live");
            thread.setDaemon(true);
            return thread;
        });
    }

    LiveFeed start() {
        sampler.scheduleAtFixedRate(this::sampleSafely, 0, 1, TimeUnit.SECONDS);
        return this;
    }

    /** Adds a page: it gets the history now and every sample from now on, until it goes away. */
    void add(SseClient client) {
        lastWatched = System.nanoTime();
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        List<Sample> past;
        synchronized (history) {
            past = new ArrayList<>(history);
        }
        send(client, "history", past);
        clients.add(client);
    }

    /** The samples of the last five minutes, oldest first. */
    List<Sample> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    private void sampleSafely() {
        if (!clients.isEmpty()) {
            lastWatched = System.nanoTime();
        } else if (System.nanoTime() - lastWatched > TimeUnit.SECONDS.toNanos(HISTORY)) {
            previous = Map.of(); // nobody watches: ask no one; rates start afresh when a page opens
            return;
        }
        try {
            Sample sample = sample(live.get());
            if (sample == null) {
                return;
            }
            synchronized (history) {
                history.addLast(sample);
                while (history.size() > HISTORY) {
                    history.removeFirst();
                }
            }
            for (SseClient client : clients) {
                send(client, "sample", sample);
            }
        } catch (RuntimeException e) {
            LOG.debug("live sample failed; next second", e);
        }
    }

    /** The rates between the previous answers and these; null for the very first answers. */
    Sample sample(List<LocalStatus.Live> now) {
        Map<String, LocalStatus.Live> byInstance = new HashMap<>();
        now.forEach(answer -> byInstance.put(answer.instance(), answer));
        Map<String, LocalStatus.Live> before = previous;
        previous = byInstance;
        if (before.isEmpty()) {
            return null;
        }
        double ingest = 0;
        double accepted = 0;
        double duplicates = 0;
        Map<String, Double> dlq = new TreeMap<>();
        long lag = 0;
        double freshness = Double.NaN;
        double freshnessMax = Double.NaN;
        long at = 0;
        for (LocalStatus.Live current : now) {
            lag += current.consumerLag();
            freshness = maxIgnoringNaN(freshness, current.freshnessMs());
            freshnessMax = maxIgnoringNaN(freshnessMax, current.freshnessMaxMs());
            at = Math.max(at, current.atMillis());
            LocalStatus.Live last = before.get(current.instance());
            if (last == null || current.atMillis() <= last.atMillis()) {
                continue;
            }
            double seconds = (current.atMillis() - last.atMillis()) / 1000.0;
            ingest += rate(current.events(), last.events(), seconds);
            accepted += rate(current.accepted(), last.accepted(), seconds);
            duplicates += rate(current.duplicates(), last.duplicates(), seconds);
            current.dlqByReason().forEach((reason, count) -> {
                double rate = rate(count, last.dlqByReason().getOrDefault(reason, 0.0), seconds);
                if (rate > 0 || dlq.containsKey(reason)) {
                    dlq.merge(reason, rate, Double::sum);
                }
            });
        }
        return new Sample(at, now.size(), now.size() < members.get(), ingest, accepted, duplicates, dlq, lag,
                Double.isNaN(freshness) ? null : freshness, Double.isNaN(freshnessMax) ? null : freshnessMax);
    }

    // A counter that went down belongs to an instance that restarted: no rate for that second.
    private static double rate(double now, double before, double seconds) {
        return now < before ? 0 : (now - before) / seconds;
    }

    private static double maxIgnoringNaN(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
    }

    private void send(SseClient client, String event, Object data) {
        if (client.terminated()) { // closed by Javalin (the page went away) before its onClose ran
            clients.remove(client);
            return;
        }
        try {
            client.sendEvent(event, Json.mapper().writeValueAsString(data));
        } catch (Exception gone) {
            clients.remove(client);
        }
    }

    /** Stops sampling, waits for a sample being sent, then ends every page's stream. */
    @Override
    public void close() {
        sampler.shutdownNow();
        try {
            if (!sampler.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("the live feed's sampler did not stop within {} s; pages keep their streams", CLOSE_WAIT_SECONDS);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        clients.forEach(SseClient::close);
        clients.clear();
    }
}
