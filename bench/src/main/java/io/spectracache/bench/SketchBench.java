package io.spectracache.bench;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import io.spectracache.serialization.Json;
import io.spectracache.server.SpectraCache;
import io.spectracache.server.SpectraConfig;
import io.spectracache.sketches.DistinctWindow;
import io.spectracache.sketches.SketchSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.datasketches.hll.HllSketch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.StreamsException;

/**
 * Issue 9's sketch benchmark, run by {@link BenchCommand} against its broker after its own phases:
 * <ol>
 *   <li><b>Ingest with the default sketches on and off</b>: the bench events into a fresh instance per round,
 *       {@value SketchSettings#ENABLED_CONFIG} false and true in {@code rounds} pairs ({@link OnOffPairs}: after one
 *       unmeasured round with sketches on, pairs alternating which goes first), timed like the end-to-end phase
 *       (first send → every device's {@code eventCount} queryable): events/s, CPU per event, the ratio on/off
 *       (target: at least 0.85).</li>
 *   <li><b>Queries</b> on a fresh instance fed a week of history (a pool of devices, a fixed number of events per
 *       hour, each from a random device of the pool): the 24 h distinct count (target p99 &lt; 5 ms at 1 client), the
 *       7-day hourly series, the top-K of the last hour, one membership lookup, and batches of 10,000 membership
 *       lookups; every estimate compared with the exact count of what was sent, and the 24 h count also at every
 *       whole hour it can end at in the week ({@value #SLIDING_DAYS} counts, last, so that the read phases and cold
 *       reads find no union they kept), so its error is a mean, not one sample. Then the instance is restarted
 *       (RocksDB flushes on close) and the sketch stores' size read from Kafka Streams' RocksDB metrics.</li>
 *   <li><b>Redis</b> ({@link #redis}, once the broker is stopped): the same events as {@code PFADD} into one HyperLogLog
 *       per hour; {@code PFCOUNT} over the 24 hour keys, {@code PFMERGE} of them, and 168 pipelined {@code PFCOUNT}s
 *       for the 7-day hourly series, with the same error measures (the sliding 24 h counts as {@code PFCOUNT}s of
 *       their 24 hour keys).</li>
 * </ol>
 */
final class SketchBench {
    private static final String HOST = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final long HOUR = 3_600_000L;
    private static final int HISTORY_HOURS = 7 * 24;
    /** The 24 h counts the week holds, one ending at each whole hour from its 24th. */
    private static final int SLIDING_DAYS = HISTORY_HOURS - 24 + 1;
    private static final int BATCH_ITEMS = 10_000;

    /** What the phases need to know from the command line. */
    record Options(int events, int devices, long seed, int rounds, int historyDevices, int historyEventsPerHour,
                   List<Integer> clients, Duration warmup, Duration measure, int warmupEventsPerDevice,
                   Duration ingestTimeout, boolean redis, Integer endHour) {
        Options {
            if (endHour != null && (endHour < 0 || endHour > 23)) {
                throw new IllegalArgumentException("--sketch-end-hour is a UTC hour from 0 to 23, was " + endHour);
            }
        }

        /** The end of the week of history: the current whole hour, or the last {@link #endHour} UTC not ahead. */
        long historyEnd(long now) {
            long hour = Math.floorDiv(now, HOUR) * HOUR;
            if (endHour == null) {
                return hour;
            }
            long end = Math.floorDiv(now, 24 * HOUR) * 24 * HOUR + endHour * HOUR;
            return end > hour ? end - 24 * HOUR : end;
        }
    }

    /** One ingest round. */
    record Round(int round, boolean sketches, long events, double seconds, CpuAccounting.Usage cpu) {
        double rate() {
            return events / seconds;
        }

        double cpuMicrosPerEvent() {
            return cpu.processSeconds() * 1e6 / events;
        }

        double streamMicrosPerEvent() {
            return cpu.byStage().get(CpuAccounting.Stage.STREAM_THREADS) * 1e6 / events;
        }
    }

    /** An estimate against the truth. */
    record Accuracy(String what, String system, long truth, double estimate, Double lower95, Double upper95) {
        double error() {
            return (estimate - truth) / truth;
        }
    }

    private final Options options;
    private final String bootstrap;
    private final Map<String, Object> adminProperties;
    private final Function<String, Map<String, Object>> instanceSettings;
    private final SeriesPhases.ReadPhase readPhase;
    private final Consumer<String> log;

    final List<Round> rounds = new ArrayList<>();
    final List<LatencyResult> reads = new ArrayList<>();
    final List<Accuracy> accuracy = new ArrayList<>();
    final Map<String, String> sizes = new LinkedHashMap<>();
    final Map<String, String> settings = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();

    /** The history: its device ids, and which devices sent in each hour (index 0: the oldest hour). */
    private String[] historyIds;
    private BitSet[] hourly;
    private long firstHour;
    /** The device of each event, hour by hour; event i of hour h is at {@link #eventTime}. */
    private int[][] historyEvents;

    SketchBench(Options options, String bootstrap, Map<String, Object> adminProperties,
                Function<String, Map<String, Object>> instanceSettings, SeriesPhases.ReadPhase readPhase,
                Consumer<String> log) {
        this.options = options;
        this.bootstrap = bootstrap;
        this.adminProperties = adminProperties;
        this.instanceSettings = instanceSettings;
        this.readPhase = readPhase;
        this.log = log;
    }

    /** Phases 1 and 2. */
    void run() throws Exception {
        if (options.rounds() > 0) {
            rounds();
        }
        queries();
    }

    // ---- 1. ingest with the default sketches on and off ---------------------------------------------------------

    private void rounds() throws Exception {
        Instant now = Instant.now();
        Events events = Events.generate(options.events(), options.devices(), options.seed(), now);
        int warmPerDevice = Math.min(events.eventsPerDevice(), options.warmupEventsPerDevice());
        Events warm = warmPerDevice > 0
                ? Events.generate(warmPerDevice * options.devices(), options.devices(), options.seed() + 1, now, "warmup-device-")
                : null;
        settings.put("ingest rounds", options.rounds() + " pairs of rounds with sketches off and on, the pairs alternating which "
                + "goes first (off, on, then on, off...), after one unmeasured round with sketches on; " + Format.count(events.size())
                + " bench events over " + Format.count(events.devices()) + " devices each"
                + (warm == null ? "" : ", after a warm-up of " + Format.count(warm.size()) + " events over other devices")
                + "; `" + SketchSettings.ENABLED_CONFIG + "` false / true, everything else at its default (time series on)");
        ingestRound(0, true, events, warm, false); // unmeasured (OnOffPairs)
        List<Boolean> order = OnOffPairs.order(options.rounds());
        for (int i = 0; i < order.size(); i++) {
            ingestRound(i / 2 + 1, order.get(i), events, warm, true);
        }
    }

    private void ingestRound(int round, boolean sketches, Events events, Events warm, boolean measured) throws Exception {
        String name = "sketches-" + (sketches ? "on" : "off") + "-" + round + (measured ? "" : "-unmeasured");
        Map<String, Object> instance = instanceSettings.apply(name);
        instance.put(SketchSettings.ENABLED_CONFIG, sketches);
        String topic = SpectraConfig.of(instance).topicPrefix() + "events.raw";
        log.accept(name + ": starting a fresh instance, sketches " + (sketches ? "on" : "off"));
        try (SpectraCache cache = start(instance)) {
            int port = cache.restPort();
            if (warm != null) {
                ProduceRun.Result sent = send(warm, topic, "bench-" + name + "-warmup");
                Queryable.Outcome outcome = Queryable.awaitDeviceCounts(HOST, port, warm.deviceIds(), warm.eventsPerDevice(),
                        options.ingestTimeout(), message -> log.accept(name + ", warm-up: " + message));
                log.accept(name + ": warm-up " + Format.rate(warm.size() / ((outcome.completeNanos() - sent.startNanos()) / 1e9))
                        + " events/s");
                System.gc();
            }
            ProduceRun.Result sent;
            CpuAccounting.Snapshot before;
            try (Producer<byte[], byte[]> producer = ProduceRun.producer(ProduceRun.tunedProducer(bootstrap, "bench-" + name))) {
                producer.partitionsFor(topic);
                before = CpuAccounting.snapshot();
                sent = ProduceRun.send(producer, topic, events, 0, events.size());
            }
            Queryable.Outcome outcome = Queryable.awaitDeviceCounts(HOST, port, events.deviceIds(), events.eventsPerDevice(),
                    options.ingestTimeout(), message -> log.accept(name + ": " + message));
            CpuAccounting.Usage cpu = CpuAccounting.between(before, CpuAccounting.snapshot());
            Round result = new Round(round, sketches, events.size(), (outcome.completeNanos() - sent.startNanos()) / 1e9, cpu);
            if (measured) {
                rounds.add(result);
            }
            log.accept(name + ": " + Format.rate(result.rate()) + " events/s, " + Format.decimal(result.cpuMicrosPerEvent(), 1)
                    + " µs CPU per event");
        }
        deleteTopics(instance);
    }

    /** Mean rate with sketches on over mean rate with them off. */
    double ratio() {
        double on = rounds.stream().filter(Round::sketches).mapToDouble(Round::rate).average().orElse(Double.NaN);
        double off = rounds.stream().filter(r -> !r.sketches()).mapToDouble(Round::rate).average().orElse(Double.NaN);
        return on / off;
    }

    /** Mean process CPU per event with sketches on over the mean with them off. */
    double cpuRatio() {
        double on = rounds.stream().filter(Round::sketches).mapToDouble(Round::cpuMicrosPerEvent).average().orElse(Double.NaN);
        double off = rounds.stream().filter(r -> !r.sketches()).mapToDouble(Round::cpuMicrosPerEvent).average()
                .orElse(Double.NaN);
        return on / off;
    }

    // ---- 2. queries on a week of history ------------------------------------------------------------------------

    private void history() {
        int devices = options.historyDevices();
        historyIds = new String[devices];
        for (int d = 0; d < devices; d++) {
            historyIds[d] = String.format(Locale.ROOT, "sketch-device-%06d", d);
        }
        long end = options.historyEnd(System.currentTimeMillis());
        firstHour = end - HISTORY_HOURS * HOUR;
        hourly = new BitSet[HISTORY_HOURS];
        historyEvents = new int[HISTORY_HOURS][];
        SplittableRandom random = new SplittableRandom(options.seed() + 9);
        for (int h = 0; h < HISTORY_HOURS; h++) {
            hourly[h] = new BitSet(devices);
            int[] events = new int[options.historyEventsPerHour()];
            for (int i = 0; i < events.length; i++) {
                int device = random.nextInt(devices);
                // A quarter of the events come from the first 1 % of the pool: the heavy hitters of the top-K.
                if (random.nextInt(4) == 0) {
                    device = random.nextInt(Math.max(1, devices / 100));
                }
                hourly[h].set(device);
                events[i] = device;
            }
            historyEvents[h] = events;
        }
    }

    private long eventTime(int hour, int event) {
        return firstHour + hour * HOUR + (long) event * HOUR / historyEvents[hour].length;
    }

    private BitSet union(int fromHour, int toHour) {
        BitSet all = new BitSet(historyIds.length);
        for (int h = fromHour; h < toHour; h++) {
            all.or(hourly[h]);
        }
        return all;
    }

    private void queries() throws Exception {
        history();
        long total = (long) HISTORY_HOURS * options.historyEventsPerHour();
        settings.put("query data", "a week of history (" + HISTORY_HOURS + " whole hours up to " + Instant.ofEpochMilli(
                firstHour + HISTORY_HOURS * HOUR) + "): " + Format.count(options.historyEventsPerHour()) + " events per hour, "
                + "each from a random device of a pool of " + Format.count(historyIds.length) + " (a quarter of them from the "
                + "first 1 % of the pool), " + Format.count(total) + " events; the default sketches");
        Map<String, Object> instance = instanceSettings.apply("sketches-queries");
        instance.put(SketchSettings.ENABLED_CONFIG, true);
        String topic = SpectraConfig.of(instance).topicPrefix() + "events.raw";
        log.accept("sketch queries: starting a fresh instance and sending " + Format.count(total) + " events of history");
        try (SpectraCache cache = start(instance)) {
            int port = cache.restPort();
            long started = System.nanoTime();
            sendHistory(topic);
            awaitAccepted(cache, total);
            log.accept("sketch queries: history ingested in " + Format.seconds((System.nanoTime() - started) / 1e9));
            long end = firstHour + HISTORY_HOURS * HOUR;
            String day = "/v1/distinct/devices?from=" + (end - 24 * HOUR) + "&to=" + end;
            String week = "/v1/distinct/devices?from=" + (end - HISTORY_HOURS * HOUR) + "&to=" + end + "&step=1h";
            awaitWithinBounds(port, day, union(HISTORY_HOURS - 24, HISTORY_HOURS).cardinality());
            accuracy(port, day, week);
            String warmStart = mergeCacheLookups(cache);
            measureQueries(port, day, week, end, topic);
            String warmEnd = mergeCacheLookups(cache);
            coldReads(port, end);
            notes.add("Merge cache lookups (`spectra_sketches_merge_cache_lookups_total`): " + warmStart
                    + " before the read phases, " + warmEnd + " after them, " + mergeCacheLookups(cache)
                    + " after the cold reads.");
            slidingAccuracy(port);
        }
        try (SpectraCache again = restart(instance)) {
            storeSizes(instance);
        }
        deleteTopics(instance);
    }

    /** The instance's merge-cache lookups so far, as "hits H, misses M". */
    private static String mergeCacheLookups(SpectraCache cache) {
        double hits = 0;
        double misses = 0;
        for (var counter : cache.registry().find("spectra.sketches.merge.cache.lookups").functionCounters()) {
            if ("hit".equals(counter.getId().getTag("outcome"))) {
                hits += counter.count();
            } else {
                misses += counter.count();
            }
        }
        return "hits " + Format.count((long) hits) + ", misses " + Format.count((long) misses);
    }

    private void sendHistory(String topic) {
        AtomicLong failures = new AtomicLong();
        long sequence = 0;
        try (Producer<byte[], byte[]> producer = ProduceRun.producer(ProduceRun.tunedProducer(bootstrap, "bench-sketch-history"))) {
            for (int h = 0; h < HISTORY_HOURS; h++) {
                for (int i = 0; i < historyEvents[h].length; i++) {
                    int device = historyEvents[h][i];
                    long ts = eventTime(h, i);
                    String id = historyIds[device];
                    String json = "{\"deviceId\":\"" + id + "\",\"ts\":" + ts + ",\"eventId\":\"s" + (sequence++)
                            + "\",\"tenant\":\"" + (device % 3 == 0 ? "globex" : "acme") + "\",\"metrics\":{\"temp\":21.5}}";
                    producer.send(new ProducerRecord<>(topic, id.getBytes(UTF_8), json.getBytes(UTF_8)), (metadata, error) -> {
                        if (error != null) {
                            failures.incrementAndGet();
                        }
                    });
                }
            }
            producer.flush();
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " history events were not sent");
        }
    }

    private void awaitAccepted(SpectraCache cache, long total) throws InterruptedException {
        long deadline = System.nanoTime() + options.ingestTimeout().toNanos();
        while (cache.registry().get("spectra.ingest.accepted").counter().count() < total) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("history not ingested after " + options.ingestTimeout().toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    /** Polls the 24 h count until the last commit holds every window (the write-behind stores answer ranges from it). */
    private void awaitWithinBounds(int port, String day, long truth) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (HttpConnection http = HttpConnection.open(HOST, port)) {
            while (true) {
                long asked = System.nanoTime();
                JsonNode answer = get(http, port, day);
                if (firstAnswerMillis == null) {
                    firstAnswerMillis = (System.nanoTime() - asked) / 1e6;
                }
                if ((answer.get("lower95").asDouble() <= truth && answer.get("upper95").asDouble() >= truth)
                        || System.nanoTime() > deadline) {
                    return;
                }
                Thread.sleep(200);
            }
        }
    }

    /** The first 24 h answer after the instance started (JIT and merge cache cold), ms. */
    private Double firstAnswerMillis;
    /** Counts of one whole past day each (4 dense day windows no query read before: the merge cache misses), ms. */
    private final List<Double> coldMillis = new ArrayList<>();
    /** The same counts asked again right after (the merge cache hits), ms. */
    private final List<Double> againMillis = new ArrayList<>();

    /** One count per whole past day of the history, each a range no query read before, then each again. */
    private void coldReads(int port, long end) throws IOException {
        long today = Math.floorDiv(end, 24 * HOUR) * 24 * HOUR;
        try (HttpConnection http = HttpConnection.open(HOST, port)) {
            for (long day = today - 24 * HOUR; day >= firstHour; day -= 24 * HOUR) {
                String path = "/v1/distinct/devices?from=" + day + "&to=" + (day + 24 * HOUR);
                for (List<Double> into : List.of(coldMillis, againMillis)) {
                    long asked = System.nanoTime();
                    get(http, port, path);
                    into.add((System.nanoTime() - asked) / 1e6);
                }
            }
        }
        log.accept("sketch reads: whole past days, not read before: " + coldMillis.stream()
                .map(ms -> Format.decimal(ms, 2)).toList() + " ms; again: " + againMillis.stream()
                .map(ms -> Format.decimal(ms, 2)).toList() + " ms");
    }

    private void accuracy(int port, String day, String week) throws IOException {
        try (HttpConnection http = HttpConnection.open(HOST, port)) {
            JsonNode answer = get(http, port, day);
            accuracy.add(new Accuracy("24 h distinct devices", "SpectraCache", union(HISTORY_HOURS - 24, HISTORY_HOURS)
                    .cardinality(), answer.get("estimate").asDouble(), answer.get("lower95").asDouble(),
                    answer.get("upper95").asDouble()));
            JsonNode series = get(http, port, week);
            List<Double> errors = new ArrayList<>();
            int outside = 0;
            int h = 0;
            for (JsonNode bucket : series.get("buckets")) {
                long truth = hourly[h++].cardinality();
                errors.add((bucket.get("estimate").asDouble() - truth) / truth);
                if (bucket.get("lower95").asDouble() > truth || bucket.get("upper95").asDouble() < truth) {
                    outside++;
                }
            }
            addSeriesAccuracy("SpectraCache", errors, outside + " of " + errors.size() + " hours outside their 95 % bounds");
        }
    }

    /**
     * The week's {@link #SLIDING_DAYS} 24 h counts against the truth: after the cold reads, which would otherwise find
     * the past days' unions already kept.
     */
    private void slidingAccuracy(int port) throws IOException {
        try (HttpConnection http = HttpConnection.open(HOST, port)) {
            List<Double> days = new ArrayList<>();
            int daysOutside = 0;
            for (int end = 24; end <= HISTORY_HOURS; end++) {
                JsonNode count = get(http, port, "/v1/distinct/devices?from=" + (firstHour + (end - 24) * HOUR) + "&to="
                        + (firstHour + end * HOUR));
                long truth = union(end - 24, end).cardinality();
                days.add((count.get("estimate").asDouble() - truth) / truth);
                if (count.get("lower95").asDouble() > truth || count.get("upper95").asDouble() < truth) {
                    daysOutside++;
                }
            }
            slidingAccuracy.put("SpectraCache", errorSummary(days, "counts", daysOutside + " of " + days.size()
                    + " outside their 95 % bounds"));
        }
    }

    /** The 7-day hourly series' error, by system. */
    private final Map<String, String> seriesAccuracy = new LinkedHashMap<>();
    /** The error of the week's {@link #SLIDING_DAYS} 24 h counts, by system. */
    private final Map<String, String> slidingAccuracy = new LinkedHashMap<>();

    private void addSeriesAccuracy(String system, List<Double> errors, String note) {
        seriesAccuracy.put(system, errorSummary(errors, "hours", note));
    }

    /** "mean |error| …, max |error| … over N {what}; {note}" of relative errors. */
    static String errorSummary(List<Double> errors, String what, String note) {
        double mean = errors.stream().mapToDouble(Math::abs).average().orElse(Double.NaN);
        double max = errors.stream().mapToDouble(Math::abs).max().orElse(Double.NaN);
        return "mean |error| " + Format.decimal(mean * 100, 3) + " %, max |error| " + Format.decimal(max * 100, 3)
                + " % over " + errors.size() + " " + what + (note == null ? "" : "; " + note);
    }

    /** The 24-hour count's read phase, on history that does not change while it runs. */
    private static final String DAY_QUERY = "SpectraCache GET /v1/distinct/devices, 24 h";
    /** Live events per second {@link #trickling} sends while the 24-hour count is read again. */
    private static final int TRICKLE_PER_SECOND = 50;
    /** The 24-hour count's read phase while {@link #TRICKLE_PER_SECOND} live events change the windows it reads. */
    private static final String DAY_QUERY_CHANGING = DAY_QUERY + ", windows changing (" + TRICKLE_PER_SECOND
            + " new devices/s into its last hour)";

    /**
     * Runs {@code phase} while {@value #TRICKLE_PER_SECOND} events a second of devices never seen before arrive with
     * times in the last hour before {@code end}: they change the newest hour and minute windows and the day window
     * the 24-hour count reads on every partition at each commit, so no answer can come from windows read before
     * (the merge cache's copies and closed runs are checked against what is read, and made again when it changed).
     */
    private LatencyResult trickling(String topic, long end, Phase phase) throws InterruptedException {
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        Thread trickle = new Thread(() -> {
            SplittableRandom random = new SplittableRandom(options.seed() + 13);
            try (Producer<byte[], byte[]> producer = ProduceRun.producer(ProduceRun.tunedProducer(bootstrap,
                    "bench-sketch-trickle"))) {
                long next = System.nanoTime();
                while (!stop.get()) {
                    long n = sent.getAndIncrement();
                    String id = String.format(Locale.ROOT, "trickle-device-%07d", n);
                    long ts = end - 1 - random.nextLong(HOUR);
                    String json = "{\"deviceId\":\"" + id + "\",\"ts\":" + ts + ",\"eventId\":\"t" + n
                            + "\",\"tenant\":\"acme\",\"metrics\":{\"temp\":21.5}}";
                    producer.send(new ProducerRecord<>(topic, id.getBytes(UTF_8), json.getBytes(UTF_8)));
                    next += 1_000_000_000L / TRICKLE_PER_SECOND;
                    java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime());
                }
            }
        }, "bench-sketch-trickle");
        trickle.setDaemon(true);
        trickle.start();
        try {
            return phase.run();
        } finally {
            stop.set(true);
            trickle.join(10_000);
            log.accept("sketch reads: " + Format.count(sent.get()) + " live events sent while the 24 h count was read");
        }
    }

    /** A read phase whose REST server CPU per request is recorded in {@link #serverCpuMicros}. */
    private interface Phase {
        LatencyResult run() throws InterruptedException;
    }

    /** REST server CPU µs per request of each phase that measured it, warm-up included (as SpatialBench counts it). */
    final Map<String, Double> serverCpuMicros = new LinkedHashMap<>();

    private LatencyResult withServerCpu(Phase phase) throws InterruptedException {
        double before = SpatialBench.restServerCpuSeconds();
        LatencyResult result = phase.run();
        if (result.calls() > 0) {
            double micros = (SpatialBench.restServerCpuSeconds() - before) * 1e6 / result.calls();
            serverCpuMicros.put(result.name(), micros);
            log.accept("sketch reads: " + result.name() + ": server CPU " + Format.decimal(micros, 1) + " µs per request");
        }
        return result;
    }

    private void measureQueries(int port, String day, String week, long end, String topic) throws InterruptedException {
        int one = 1;
        reads.add(withServerCpu(() -> readPhase.run(DAY_QUERY, fixed(port, day), one, 1)));
        reads.add(withServerCpu(() -> trickling(topic, end, () -> readPhase.run(DAY_QUERY_CHANGING, fixed(port, day),
                one, 1))));
        reads.add(withServerCpu(() -> readPhase.run("SpectraCache GET /v1/distinct/devices, 24 h, group=acme",
                fixed(port, day + "&group=acme"), one, 1)));
        reads.add(withServerCpu(() -> readPhase.run("SpectraCache GET /v1/distinct/devices, 7 days step=1h",
                fixed(port, week), one, 1)));
        reads.add(withServerCpu(() -> readPhase.run("SpectraCache GET /v1/topk/noisiest-devices, last hour, k=10",
                fixed(port, "/v1/topk/noisiest-devices?from=" + (end - HOUR) + "&to=" + end + "&k=10"), one, 1)));
        String[] items = new String[historyIds.length];
        Arrays.setAll(items, i -> "seen-devices/" + historyIds[i]);
        reads.add(readPhase.run("SpectraCache GET /v1/membership/seen-devices/{id}", Clients.socketHttp(HOST, port,
                "/v1/membership/", items), one, items.length));
        StringBuilder batch = new StringBuilder("[");
        SplittableRandom random = new SplittableRandom(options.seed() + 11);
        for (int i = 0; i < BATCH_ITEMS; i++) {
            // Half of them sent, half never seen.
            String id = i % 2 == 0 ? historyIds[random.nextInt(historyIds.length)] : "never-" + i;
            batch.append(i == 0 ? "\"" : ",\"").append(id).append('"');
        }
        byte[] post = post(port, "/v1/membership/seen-devices", batch.append(']').toString().getBytes(UTF_8));
        for (int c : options.clients()) {
            reads.add(readPhase.run("SpectraCache POST /v1/membership/seen-devices, " + Format.count(BATCH_ITEMS) + " items",
                    () -> {
                        HttpConnection http = HttpConnection.open(HOST, port);
                        return new ClosedLoop.Client() {
                            @Override
                            public boolean call(int keyIndex) throws IOException {
                                return http.exchange(post) == 200;
                            }

                            @Override
                            public void close() {
                                http.close();
                            }
                        };
                    }, c, 1));
        }
    }

    private static ClosedLoop.ClientFactory fixed(int port, String pathAndQuery) {
        return Clients.socketHttp(HOST, port, pathAndQuery, new String[] {""});
    }

    private static byte[] post(int port, String path, byte[] body) {
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + HOST + ':' + port + "\r\nContent-Type: application/json"
                + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(ISO_8859_1);
        byte[] request = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        return request;
    }

    private static JsonNode get(HttpConnection http, int port, String pathAndQuery) throws IOException {
        int status = http.exchange(HttpConnection.get(HOST, port, pathAndQuery));
        if (status != 200) {
            throw new IllegalStateException(pathAndQuery + " answered " + status + ": " + http.bodyText());
        }
        return Json.mapper().readTree(http.bodyText());
    }

    private void storeSizes(Map<String, Object> instance) {
        String applicationId = instance.get(SpectraConfig.APPLICATION_ID_CONFIG) + "-";
        for (String store : List.of("sketches-windows", "sketches-seen", "sketches-filters")) {
            Map<String, Double> metrics = StoreMetrics.read(StoreMetrics.platform(), applicationId, store,
                    List.of("total-sst-files-size", "estimate-num-keys"));
            Double bytes = metrics.get("total-sst-files-size");
            Double keys = metrics.get("estimate-num-keys");
            sizes.put(store + " on disk (SST files, all partitions)", bytes == null ? "n/a"
                    : Format.decimal(bytes / 1e6, 2) + " MB, about " + (keys == null ? "?" : Format.count(Math.round(keys)))
                    + " entries" + (keys == null || keys == 0 ? "" : ", " + Format.count(Math.round(bytes / keys)) + " bytes each"));
        }
        HllSketch day = new HllSketch(DistinctWindow.LG_K, DistinctWindow.TYPE);
        HllSketch hour = new HllSketch(DistinctWindow.LG_K, DistinctWindow.TYPE);
        BitSet lastDay = union(HISTORY_HOURS - 24, HISTORY_HOURS);
        lastDay.stream().forEach(d -> day.update(historyIds[d].getBytes(UTF_8)));
        hourly[HISTORY_HOURS - 1].stream().forEach(d -> hour.update(historyIds[d].getBytes(UTF_8)));
        sizes.put("one HLL window (lgK " + DistinctWindow.LG_K + ", HLL_4), compact image", Format.count(hour.toCompactByteArray().length)
                + " bytes for an hour of " + Format.count(hour.getEstimate() > 0 ? Math.round(hour.getEstimate()) : 0)
                + " devices, " + Format.count(day.toCompactByteArray().length) + " bytes for the day's "
                + Format.count(lastDay.cardinality()) + "; at most " + Format.count(HllSketch.getMaxUpdatableSerializationBytes(
                DistinctWindow.LG_K, DistinctWindow.TYPE)) + " bytes updatable in memory");
    }

    // ---- 3. Redis -----------------------------------------------------------------------------------------------

    /** The same history in Redis HyperLogLogs, one per hour; after the broker is stopped. */
    void redis(Path workDir) throws Exception {
        if (!options.redis() || hourly == null) {
            return;
        }
        Optional<Path> executable = RedisServer.find();
        if (executable.isEmpty()) {
            notes.add("Redis skipped: redis-server is not on the PATH (Debian: apt-get install redis-server).");
            return;
        }
        try (RedisServer redis = RedisServer.start(executable.get(), workDir, Duration.ofSeconds(20))) {
            log.accept("sketches: Redis " + redis.version() + " started, PID " + redis.pid() + ", port " + redis.port());
            settings.put("Redis", redis.version() + ", child process, --save '' --appendonly no, loopback; one "
                    + "HyperLogLog per hour (`PFADD sk:<hour start> <device id>`), the same events");
            String[] keys = new String[HISTORY_HOURS];
            try (RespConnection loader = RespConnection.open(HOST, redis.port())) {
                for (int h = 0; h < HISTORY_HOURS; h++) {
                    keys[h] = "sk:" + (firstHour + h * HOUR);
                    byte[][] adds = new byte[historyEvents[h].length][];
                    for (int i = 0; i < adds.length; i++) {
                        adds[i] = RespConnection.command("PFADD", keys[h], historyIds[historyEvents[h][i]]);
                    }
                    if (loader.pipeline(adds) > 0) {
                        throw new IllegalStateException("PFADD failed in hour " + h);
                    }
                }
                String[] dayKeys = Arrays.copyOfRange(keys, HISTORY_HOURS - 24, HISTORY_HOURS);
                String[] count = new String[dayKeys.length + 1];
                count[0] = "PFCOUNT";
                System.arraycopy(dayKeys, 0, count, 1, dayKeys.length);
                loader.call(RespConnection.command(count));
                long dayCount = Long.parseLong(loader.text());
                accuracy.add(new Accuracy("24 h distinct devices", "Redis PFCOUNT of 24 hour keys",
                        union(HISTORY_HOURS - 24, HISTORY_HOURS).cardinality(), dayCount, null, null));
                List<Double> errors = new ArrayList<>();
                for (int h = 0; h < HISTORY_HOURS; h++) {
                    loader.call(RespConnection.command("PFCOUNT", keys[h]));
                    long truth = hourly[h].cardinality();
                    errors.add((Long.parseLong(loader.text()) - truth) / (double) truth);
                }
                addSeriesAccuracy("Redis", errors, null);
                List<Double> days = new ArrayList<>();
                for (int end = 24; end <= HISTORY_HOURS; end++) {
                    String[] sliding = new String[1 + 24];
                    sliding[0] = "PFCOUNT";
                    System.arraycopy(keys, end - 24, sliding, 1, 24);
                    loader.call(RespConnection.command(sliding));
                    long truth = union(end - 24, end).cardinality();
                    days.add((Long.parseLong(loader.text()) - truth) / (double) truth);
                }
                slidingAccuracy.put("Redis", errorSummary(days, "counts", null));
                String[] merge = new String[dayKeys.length + 2];
                merge[0] = "PFMERGE";
                merge[1] = "sk:day";
                System.arraycopy(dayKeys, 0, merge, 2, dayKeys.length);
                loader.call(RespConnection.command(merge));
                loader.call(RespConnection.command("MEMORY", "USAGE", "sk:day"));
                String dayBytes = loader.text();
                loader.call(RespConnection.command("MEMORY", "USAGE", keys[HISTORY_HOURS - 1]));
                sizes.put("Redis HyperLogLog (MEMORY USAGE)", loader.text() + " bytes for the last hour's key, " + dayBytes
                        + " bytes for the merged day");
                byte[] pfcount = RespConnection.command(count);
                byte[] pfmerge = RespConnection.command(merge);
                byte[][] week = new byte[HISTORY_HOURS][];
                for (int h = 0; h < HISTORY_HOURS; h++) {
                    week[h] = RespConnection.command("PFCOUNT", keys[h]);
                }
                reads.add(readPhase.run("Redis PFCOUNT of 24 hour keys (24 h distinct)", redisCall(redis.port(), pfcount), 1, 1));
                reads.add(readPhase.run("Redis PFMERGE of 24 hour keys", redisCall(redis.port(), pfmerge), 1, 1));
                reads.add(readPhase.run("Redis 168 pipelined PFCOUNT (7 days by hour)", () -> {
                    RespConnection connection = RespConnection.open(HOST, redis.port());
                    return new ClosedLoop.Client() {
                        @Override
                        public boolean call(int keyIndex) throws IOException {
                            return connection.pipeline(week) == 0;
                        }

                        @Override
                        public void close() throws IOException {
                            connection.close();
                        }
                    };
                }, 1, 1));
            }
            log.accept("sketches: stopping Redis (PID " + redis.pid() + ")");
        }
    }

    private static ClosedLoop.ClientFactory redisCall(int port, byte[] command) {
        return () -> {
            RespConnection redis = RespConnection.open(HOST, port);
            return new ClosedLoop.Client() {
                @Override
                public boolean call(int keyIndex) throws IOException {
                    char type = redis.call(command);
                    return type == ':' || type == '+';
                }

                @Override
                public void close() throws IOException {
                    redis.close();
                }
            };
        };
    }

    // ---- the report ----------------------------------------------------------------------------------------------

    /** The section this benchmark adds to the report. */
    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("\n## Sketches (issue 9)\n\n");
        settings.forEach((key, value) -> md.append("- ").append(key).append(": ").append(value).append('\n'));
        if (!rounds.isEmpty()) {
            md.append("\n### Ingest with the default sketches on and off\n\n");
            md.append("| pair | sketches | events/s end to end | CPU µs per event (process) | stream threads µs per event |\n");
            md.append("| --- | --- | ---: | ---: | ---: |\n");
            for (Round round : rounds) {
                md.append("| ").append(round.round()).append(" | ").append(round.sketches() ? "on" : "off").append(" | ")
                        .append(Format.rate(round.rate())).append(" | ").append(Format.decimal(round.cpuMicrosPerEvent(), 1))
                        .append(" | ").append(Format.decimal(round.streamMicrosPerEvent(), 1)).append(" |\n");
            }
            md.append("\nSketches on / off (mean rates): **").append(Format.decimal(ratio(), 2))
                    .append("×** (target ≥ 0.85×: ").append(ratio() >= 0.85 ? "met" : "NOT met").append("); process CPU per ")
                    .append("event on / off: ").append(Format.decimal(cpuRatio(), 2)).append("×.\n");
        }
        if (!accuracy.isEmpty()) {
            md.append("\n### Accuracy against the exact count of what was sent\n\n");
            md.append("| question | system | true count | estimate | error | 95 % bounds |\n| --- | --- | ---: | ---: | ---: | --- |\n");
            for (Accuracy a : accuracy) {
                md.append("| ").append(a.what()).append(" | ").append(a.system()).append(" | ").append(Format.count(a.truth()))
                        .append(" | ").append(Format.decimal(a.estimate(), 1)).append(" | ")
                        .append(Format.decimal(a.error() * 100, 3)).append(" % | ")
                        .append(a.lower95() == null ? "—" : Format.decimal(a.lower95(), 1) + " – " + Format.decimal(a.upper95(), 1))
                        .append(" |\n");
            }
            seriesAccuracy.forEach((system, text) -> md.append("\n7-day hourly series, ").append(system).append(": ")
                    .append(text).append('.'));
            slidingAccuracy.forEach((system, text) -> md.append("\n24 h counts ending at each whole hour of the week "
                    + "from its 24th, ").append(system).append(": ").append(text).append('.'));
            md.append('\n');
        }
        if (!reads.isEmpty()) {
            md.append("\n### Queries (closed loop, HdrHistogram)\n\n");
            md.append("| query | clients | req/s | p50 | p99 | p99.9 | failed | server CPU µs/request |\n"
                    + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for (LatencyResult r : reads) {
                Double cpu = serverCpuMicros.get(r.name());
                md.append("| ").append(r.name()).append(" | ").append(r.clients()).append(" | ")
                        .append(Format.rate(r.requestsPerSecond())).append(" | ").append(Format.micros(r.p50())).append(" | ")
                        .append(Format.micros(r.p99())).append(" | ").append(Format.micros(r.p999())).append(" | ")
                        .append(r.failed()).append(" | ").append(cpu == null ? "–" : Format.decimal(cpu, 1)).append(" |\n");
            }
            reads.stream().filter(r -> r.name().startsWith("SpectraCache POST /v1/membership")).forEach(r -> md.append("\n")
                    .append("Membership batches at ").append(r.clients()).append(" client(s): ")
                    .append(Format.rate(r.requestsPerSecond() * BATCH_ITEMS)).append(" items/s."));
            reads.stream().filter(r -> r.name().equals(DAY_QUERY)).findFirst()
                    .ifPresent(r -> md.append("\n24 h distinct count p99 at 1 client: ").append(Format.micros(r.p99()))
                            .append(" (target < 5 ms: ").append(r.p99() < 5_000 ? "met" : "NOT met").append(")."));
            reads.stream().filter(r -> r.name().equals(DAY_QUERY_CHANGING)).findFirst()
                    .ifPresent(r -> md.append("\n24 h distinct count p99 at 1 client, windows changing (")
                            .append(TRICKLE_PER_SECOND).append(" live events/s): ").append(Format.micros(r.p99()))
                            .append(" (target < 5 ms: ").append(r.p99() < 5_000 ? "met" : "NOT met").append(")."));
            if (firstAnswerMillis != null || !coldMillis.isEmpty()) {
                md.append("\n\nCold reads (not in the table above, which is warm): the first 24 h answer after start ")
                        .append(firstAnswerMillis == null ? "–" : Format.decimal(firstAnswerMillis, 2) + " ms")
                        .append(" (JIT and merge cache cold); each whole past day, a range not read before (its 4 dense "
                                + "day windows not in the merge cache): ")
                        .append(String.join(", ", coldMillis.stream().map(ms -> Format.decimal(ms, 2)).toList()))
                        .append(" ms; the same days asked again right after: ")
                        .append(String.join(", ", againMillis.stream().map(ms -> Format.decimal(ms, 2)).toList()))
                        .append(" ms.");
            }
            md.append('\n');
        }
        if (!sizes.isEmpty()) {
            md.append("\n### Sizes\n\n");
            sizes.forEach((key, value) -> md.append("- ").append(key).append(": ").append(value).append('\n'));
        }
        notes.forEach(note -> md.append("\n").append(note).append('\n'));
        return md.toString();
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private SpectraCache start(Map<String, Object> instance) throws InterruptedException {
        long started = System.nanoTime();
        SpectraCache cache = SpectraCache.start(SpectraConfig.of(instance));
        if (!cache.awaitReady(READY_TIMEOUT)) {
            Object readiness = cache.readiness();
            cache.close();
            throw new IllegalStateException("SpectraCache not ready after " + READY_TIMEOUT.toSeconds() + " s: " + readiness);
        }
        log.accept("ready in " + Format.seconds((System.nanoTime() - started) / 1e9) + " (application id "
                + instance.get(SpectraConfig.APPLICATION_ID_CONFIG) + ")");
        return cache;
    }

    /** Starts the stopped instance again (its stores flushed when it closed), waiting for its state directory lock. */
    private SpectraCache restart(Map<String, Object> instance) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            try {
                return start(instance);
            } catch (StreamsException e) {
                if (System.nanoTime() - deadline > 0 || !String.valueOf(e.getMessage()).contains("state directory")) {
                    throw e;
                }
                log.accept("the previous instance still holds its state directory; trying again in 2 s");
                Thread.sleep(2_000);
            }
        }
    }

    private ProduceRun.Result send(Events events, String topic, String clientId) throws Exception {
        try (Producer<byte[], byte[]> producer = ProduceRun.producer(ProduceRun.tunedProducer(bootstrap, clientId))) {
            producer.partitionsFor(topic);
            return ProduceRun.send(producer, topic, events, 0, events.size());
        }
    }

    private void deleteTopics(Map<String, Object> instance) {
        String prefix = SpectraConfig.of(instance).topicPrefix();
        String applicationId = instance.get(SpectraConfig.APPLICATION_ID_CONFIG) + "-";
        Map<String, Object> props = new HashMap<>(adminProperties);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            List<String> topics = admin.listTopics().names().get(60, TimeUnit.SECONDS).stream()
                    .filter(name -> name.startsWith(prefix) || name.startsWith(applicationId)).toList();
            admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.accept("warning: could not delete the topics of " + applicationId + ": " + e);
        }
    }
}
