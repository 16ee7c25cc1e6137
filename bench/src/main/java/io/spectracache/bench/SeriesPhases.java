package io.spectracache.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.server.SpectraCache;
import io.spectracache.server.SpectraConfig;
import io.spectracache.timeseries.TimeSeriesMeters;
import io.spectracache.timeseries.TimeSeriesSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.errors.StreamsException;

/**
 * Issue 8's time-series benchmark, run by {@link BenchCommand} against its broker after its own phases:
 * <ol>
 *   <li><b>Ingest with series on and off</b>: the bench events into a fresh instance per round (its own application
 *       id, topic prefix and state directory), series off and on in {@code rounds} pairs alternating which goes first, after one unmeasured round with
 *       series on ({@link OnOffPairs}), each with the same warm-up
 *       and timed like the end-to-end phase (first send → every device's {@code eventCount} queryable); events/s,
 *       CPU per event, the ratio on/off and to the floor application.</li>
 *   <li><b>Bytes per raw point</b>: after the last "on" round, and for the simulated fleet, the instance is stopped
 *       (RocksDB flushes each store's memtables when it closes, as Kafka Streams writes without a WAL) and started again
 *       on the same state directory; RocksDB's {@code total-sst-files-size} and {@code live-sst-files-size} of
 *       {@code timeseries-raw}, read from Kafka Streams' store metrics over JMX, divided by the points in sealed
 *       chunks ({@link SealedPoints}, checked against the processor's chunk counter).</li>
 *   <li><b>Range queries</b> on the fleet's instance, after a backfill of a month of one-minute history for a few
 *       other devices: 1 h of raw points of one device, 30 days of 1-minute rollups of one device, and a group-by
 *       over every fleet device.</li>
 *   <li><b>Flight against JSON</b>: every raw point of the fleet, both ways ({@link SeriesBulk}), each given the same
 *       treatment: the measured pass itself, again and again for the warm-up time and at least
 *       {@link #BULK_MIN_WARMUP} (so that the JIT compiler has
 *       seen every metric's points before the measurement: warmed up on one metric, Flight's passes compiled the
 *       other metrics' paths while measured), then on until the compiler has settled ({@link SeriesBulk.Warmup}, at
 *       most {@link #BULK_MAX_WARMUP}), then whole passes for the measured time and at least
 *       {@link #BULK_MIN_PASSES}. Each way's note says what its warm-up took and how long the JIT compiled during its
 *       measured passes.</li>
 *   <li><b>Redis</b> ({@link #redis}, once the broker is stopped): the fleet's points in sorted sets, memory per point,
 *       and {@code ZRANGEBYSCORE} over the same 1 h ranges.</li>
 * </ol>
 */
final class SeriesPhases {
    /** The fleet's metrics, in the order the Flight phase reads them. */
    static final List<String> FLEET_METRICS = List.of("temp", "speed", "battery", "fuel", "voltage", "powerKw");
    private static final String HOST = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final int ANSWER_SAMPLE = 50;
    private static final int MIN_SEQUENTIAL_REQUESTS = 20;
    /** Measured passes of each bulk way at least: JSON's take 4–5 s each, and its one pass moved by 1.6× run to run. */
    static final int BULK_MIN_PASSES = 3;
    /**
     * The least warm-up of the bulk phase, whatever {@code --warmup-seconds} says: on our 2-core machines the JIT
     * compiler was still compiling the Flight path for 14 of the 15 measured seconds after a 20 s warm-up (runs 83–84),
     * 2.4 s after 60 s (run 85); JSON's 1.2 and 0.4 s. A bulk read is measured at steady state, as a server runs: after
     * this, each way warms up on until the compiler has settled ({@link SeriesBulk.Warmup}), for at most
     * {@link #BULK_MAX_WARMUP}.
     */
    static final Duration BULK_MIN_WARMUP = Duration.ofSeconds(60);
    /** The most a bulk way warms up waiting for the JIT compiler to settle; each way's note says what it took. */
    static final Duration BULK_MAX_WARMUP = Duration.ofSeconds(300);

    /** What the phases need to know from the command line. */
    record Options(int events, int devices, long seed, int rounds, long points, long periodMs, int historyDevices,
                   Duration historySpan, String rollupAgg, String groupBy, List<Integer> clients, Duration warmup,
                   Duration measure, int warmupEventsPerDevice, Duration ingestTimeout, boolean ingest, boolean queries,
                   boolean bulk, boolean redis) {
    }

    /** Runs one closed-loop read phase (BenchCommand's, with its CPU accounting and log line). */
    @FunctionalInterface
    interface ReadPhase {
        LatencyResult run(String name, ClosedLoop.ClientFactory factory, int clients, int keys) throws InterruptedException;
    }

    private final Options options;
    private final String bootstrap;
    private final Map<String, Object> adminProperties;
    private final Function<String, Map<String, Object>> instanceSettings;
    private final SeriesReport report;
    private final ReadPhase readPhase;
    private final Consumer<String> log;
    private final TimeSeriesSettings timeseries;

    /** The fleet and its raw 1 h range, kept for the Redis phase. */
    private SeriesData.Fleet fleet;
    private long hourFrom;
    private long hourTo;
    private final Map<String, Long> spectraHourPoints = new LinkedHashMap<>();

    /**
     * @param instanceSettings the settings of a fresh instance named by its argument (own application id, topic
     *                         prefix and data directory)
     */
    SeriesPhases(Options options, String bootstrap, Map<String, Object> adminProperties,
                 Function<String, Map<String, Object>> instanceSettings, SeriesReport report, ReadPhase readPhase,
                 Consumer<String> log) {
        this.options = options;
        this.bootstrap = bootstrap;
        this.adminProperties = adminProperties;
        this.instanceSettings = instanceSettings;
        this.report = report;
        this.readPhase = readPhase;
        this.log = log;
        this.timeseries = timeSeriesSettings(instanceSettings.apply("probe"));
    }

    /** The time-series settings in {@code settings} (the {@code spectracache.timeseries.*} keys), defaults otherwise. */
    static TimeSeriesSettings timeSeriesSettings(Map<String, Object> settings) {
        Map<String, Object> own = new HashMap<>();
        settings.forEach((key, value) -> {
            if (key.startsWith("spectracache.timeseries.")) {
                own.put(key, value);
            }
        });
        return TimeSeriesSettings.from(new AbstractConfig(TimeSeriesSettings.define(new ConfigDef()), own, false));
    }

    /** Phases 1 to 4 (each as its options say). */
    void run() throws Exception {
        report.settings.put("time-series settings", "chunks of " + timeseries.chunkMaxPoints() + " points or "
                + timeseries.chunkMaxSpan().toMinutes() + " min, raw retention " + timeseries.rawRetention().toHours()
                + " h, tiers " + timeseries.tiers().stream().map(t -> t.name()).toList());
        if (options.ingest()) {
            rounds();
        }
        if (options.queries() || options.bulk() || options.redis()) {
            fleetInstance();
        }
    }

    // ---- 1. ingest with series on and off -------------------------------------------------------------------------

    private void rounds() throws Exception {
        Instant now = Instant.now();
        Events events = Events.generate(options.events(), options.devices(), options.seed(), now);
        int warmPerDevice = Math.min(events.eventsPerDevice(), options.warmupEventsPerDevice());
        Events warm = warmPerDevice > 0
                ? Events.generate(warmPerDevice * options.devices(), options.devices(), options.seed() + 1, now, "warmup-device-")
                : null;
        report.settings.put("ingest rounds", options.rounds() + " pairs of rounds (series off and on, the pairs alternating "
                + "which goes first: off, on, then on, off, ...), after one unmeasured round with series on; "
                + Format.count(events.size()) + " bench events over " + Format.count(events.devices()) + " devices each "
                + "(4 metrics, uniform random values with 2 decimals, one event per device per second of event time)"
                + (warm == null ? "" : ", after a warm-up of " + Format.count(warm.size()) + " events over other devices")
                + "; `" + TimeSeriesSettings.ENABLED_CONFIG + "` false / true");
        if (options.rounds() <= 0) {
            return;
        }
        ingestRound(0, true, events, warm, false); // unmeasured (OnOffPairs)
        List<Boolean> order = OnOffPairs.order(options.rounds());
        for (int i = 0; i < order.size(); i++) {
            int round = i / 2 + 1;
            boolean series = order.get(i);
            boolean measureBytes = series && round == options.rounds();
            report.rounds.add(ingestRound(round, series, events, warm, measureBytes));
        }
    }

    /** One round on a fresh instance (round 0: the unmeasured one), as its report line. */
    private SeriesReport.Round ingestRound(int round, boolean series, Events events, Events warm, boolean measureBytes)
            throws Exception {
        String name = round == 0 ? "series-warmup" : "series-" + (series ? "on" : "off") + "-" + round;
        Map<String, Object> settings = instanceSettings.apply(name);
        settings.put(TimeSeriesSettings.ENABLED_CONFIG, series);
        String topic = SpectraConfig.of(settings).topicPrefix() + "events.raw";
        log.accept(name + ": starting a fresh instance, series " + (series ? "on" : "off"));
        double chunkCounter;
        SeriesReport.Round result;
        try (SpectraCache cache = start(settings)) {
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
            double seconds = (outcome.completeNanos() - sent.startNanos()) / 1e9;
            result = new SeriesReport.Round(round, series, events.size(), seconds, sent, cpu);
            log.accept(name + ": " + Format.rate(result.rate()) + " events/s, " + Format.decimal(result.cpuMicrosPerEvent(), 1)
                    + " µs CPU per event");
            if (outcome.overcounted() > 0) {
                report.notes.add(name + ": " + outcome.overcounted() + " devices counted more events than were sent.");
            }
            chunkCounter = chunksSealed(cache.registry());
        }
        if (measureBytes) {
            SealedPoints model = new SealedPoints(timeseries.chunkMaxPoints(), timeseries.chunkMaxSpan().toMillis());
            if (warm != null) {
                model(model, warm);
            }
            model(model, events);
            try (SpectraCache again = restart(settings)) {
                report.sizes.add(storeSize("bench events, round " + round + " (warm-up included)", settings, model, chunkCounter));
            }
        }
        deleteTopics(settings);
        return result;
    }

    private static void model(SealedPoints model, Events events) {
        String[] ids = events.deviceIds();
        for (int i = 0; i < events.size(); i++) {
            String device = ids[events.device(i)];
            long t = events.timestamp(i);
            for (String metric : SeriesData.metrics(events.value(i)).keySet()) {
                model.add(device + '\u0000' + metric, t);
            }
        }
    }

    // ---- 2.–4. the fleet's instance -------------------------------------------------------------------------------

    private void fleetInstance() throws Exception {
        Instant end = Instant.now();
        fleet = new SeriesData.Fleet(options.devices(), options.seed(), options.periodMs(), options.points(), end);
        Map<String, Object> settings = instanceSettings.apply("series-fleet");
        settings.put(TimeSeriesSettings.ENABLED_CONFIG, true);
        String topic = SpectraConfig.of(settings).topicPrefix() + "events.raw";
        report.settings.put("simulated fleet", Format.count(options.devices()) + " devices of ingest's SimulatedFleet (seed "
                + options.seed() + ", no malformed or duplicate events; vehicles: temp, speed, battery, fuel, meters: temp, "
                + "voltage, powerKw; random walks with 1–3 decimals), one event of a random device every "
                + Format.decimal((double) options.periodMs() / options.devices(), 1) + " ms (each device about every "
                + Format.decimal(options.periodMs() / 1e3, 1) + " s), " + Format.count(fleet.events()) + " events from "
                + Instant.ofEpochMilli(fleet.startMillis()) + " to " + Instant.ofEpochMilli(fleet.endMillis()));

        SealedPoints model = new SealedPoints(timeseries.chunkMaxPoints(), timeseries.chunkMaxSpan().toMillis());
        long[] perDevice = new long[fleet.deviceIds().size()];
        Map<String, List<String>> devicesByMetric = new TreeMap<>();
        double chunkCounter;
        log.accept("fleet: starting a fresh instance, series on");
        try (SpectraCache cache = start(settings)) {
            long started = System.nanoTime();
            long points = send(fleet, topic, "bench-series-fleet", (device, t, metrics) -> {
                perDevice[device]++;
                String id = fleet.deviceIds().get(device);
                for (String metric : metrics.keySet()) {
                    if (model.add(id + '\u0000' + metric, t)) {
                        devicesByMetric.computeIfAbsent(metric, m -> new ArrayList<>()).add(id);
                    }
                }
            });
            log.accept("fleet: " + Format.count(fleet.events()) + " events (" + Format.count(points) + " points) sent; waiting "
                    + "until every device's count is queryable");
            Queryable.awaitDeviceCounts(HOST, cache.restPort(), fleet.deviceIds().toArray(String[]::new), perDevice,
                    options.ingestTimeout(), message -> log.accept("fleet: " + message));
            double seconds = (System.nanoTime() - started) / 1e9;
            report.notes.add("Simulated fleet loaded: " + Format.count(fleet.events()) + " events, " + Format.count(points)
                    + " points in " + Format.seconds(seconds) + " (" + Format.rate(fleet.events() / seconds)
                    + " events/s including generation; not a measured phase).");
            chunkCounter = chunksSealed(cache.registry());
        }
        try (SpectraCache cache = restart(settings)) {
            report.sizes.add(storeSize("simulated fleet", settings, model, chunkCounter));
            int port = cache.restPort();
            hourTo = fleet.endMillis() + 1;
            hourFrom = hourTo - Duration.ofHours(1).toMillis();
            if (options.queries()) {
                attempt("range queries", () -> {
                    SeriesData.History history = null;
                    if (options.historyDevices() > 0) {
                        history = new SeriesData.History(options.historyDevices(), options.seed() + 2, options.historySpan(), end);
                        backfill(history, topic, port);
                    }
                    rangeQueries(port, history, end);
                });
            }
            if (options.bulk()) {
                attempt("Flight against JSON", () -> bulk(port, cache.flightPort(), devicesByMetric, model.points()));
            }
            log.accept("fleet: stopping the instance");
        } finally {
            deleteTopics(settings);
        }
    }

    private void backfill(SeriesData.History history, String topic, int port) throws Exception {
        log.accept("backfill: " + Format.count(history.events()) + " events, one per minute for "
                + history.deviceIds().size() + " devices over " + options.historySpan().toDays() + " days");
        long[] perDevice = new long[history.deviceIds().size()];
        long started = System.nanoTime();
        send(history, topic, "bench-series-backfill", (device, t, metrics) -> perDevice[device]++);
        Queryable.awaitDeviceCounts(HOST, port, history.deviceIds().toArray(String[]::new), perDevice, options.ingestTimeout(),
                message -> log.accept("backfill: " + message));
        double seconds = (System.nanoTime() - started) / 1e9;
        report.settings.put("backfill", history.deviceIds().size() + " devices (" + SeriesData.History.DEVICE_PREFIX
                + "NNN, metrics " + SeriesData.History.METRICS + "), one event per minute from "
                + Instant.ofEpochMilli(history.startMillis()) + ", " + Format.count(history.events()) + " events, sent after the fleet");
        report.notes.add("Backfill: " + Format.count(history.events()) + " events in " + Format.seconds(seconds) + " ("
                + Format.rate(history.events() / seconds) + " events/s; not a measured phase).");
    }

    private void rangeQueries(int port, SeriesData.History history, Instant end) throws Exception {
        String[] fleetIds = fleet.deviceIds().toArray(String[]::new);
        String[] hourPaths = new String[fleetIds.length];
        for (int i = 0; i < fleetIds.length; i++) {
            hourPaths[i] = "/v1/devices/" + fleetIds[i] + "/series/temp?from=" + hourFrom + "&to=" + hourTo;
        }
        String hourAnswer = sampleAnswers(port, hourPaths, "points", fleetIds);
        for (int c : options.clients()) {
            report.queries.add(new SeriesReport.Query(readPhase.run(SeriesReport.RAW_HOUR,
                    Clients.socketHttp(HOST, port, "", hourPaths), c, hourPaths.length), hourAnswer));
        }
        if (history != null) {
            long to = end.toEpochMilli() / 60_000 * 60_000;
            long from = to - options.historySpan().toMillis();
            String[] paths = history.deviceIds().stream().map(id -> "/v1/devices/" + id + "/series/load?from=" + from + "&to=" + to
                    + "&step=1m&agg=" + options.rollupAgg()).toArray(String[]::new);
            String answer = sampleAnswers(port, paths, "buckets", null);
            String name = "SpectraCache GET /v1/devices/{id}/series/load, " + options.historySpan().toDays()
                    + " days of 1-minute rollups (agg=" + options.rollupAgg() + ")";
            report.queries.add(new SeriesReport.Query(sequential(name, Clients.socketHttp(HOST, port, "", paths), paths.length),
                    answer));
        }
        String[] groupBy = {"/v1/series/temp?from=" + hourFrom + "&to=" + hourTo + "&groupBy=" + options.groupBy() + "&agg=avg,p95"};
        String groupAnswer;
        try (HttpConnection http = HttpConnection.open(HOST, port)) {
            int status = http.exchange(HttpConnection.get(HOST, port, groupBy[0]));
            if (status == 200) {
                long[] groups = SeriesJson.groups(http.bodyBytes(), http.bodyLength());
                groupAnswer = Format.count(groups[1]) + " groups, " + Format.count(groups[0]) + " devices, 1 h, avg and p95";
            } else {
                groupAnswer = "HTTP " + status + ": " + abbreviate(http.bodyText());
            }
        }
        report.queries.add(new SeriesReport.Query(sequential("SpectraCache GET /v1/series/temp?groupBy=" + options.groupBy()
                + ", every fleet device, 1 h", Clients.socketHttp(HOST, port, "", groupBy), 1), groupAnswer));
    }

    /** A long query, one client, at least {@value #MIN_SEQUENTIAL_REQUESTS} answers ({@link SequentialReads}). */
    private LatencyResult sequential(String name, ClosedLoop.ClientFactory factory, int keys) {
        Duration cap = Duration.ofSeconds(Math.max(60, options.measure().toSeconds() * 10));
        log.accept("reads: " + name + ", 1 client, one request after the other: " + Format.seconds(options.warmup().toMillis() / 1e3)
                + " warm-up, then " + Format.seconds(options.measure().toMillis() / 1e3) + " and at least "
                + MIN_SEQUENTIAL_REQUESTS + " answers (at most " + cap.toSeconds() + " s)");
        LatencyResult result = SequentialReads.run(name, factory, keys, options.warmup(), options.measure(), MIN_SEQUENTIAL_REQUESTS,
                cap, options.seed());
        log.accept("reads: " + result.ok() + " answers, p50 " + Format.micros(result.p50()) + ", p99 " + Format.micros(result.p99())
                + (result.failed() > 0 ? ", " + result.failed() + " failed" : "") + (result.error() != null ? ", error: " + result.error() : ""));
        return result;
    }

    /**
     * Asks the first {@value #ANSWER_SAMPLE} paths once and says what an answer held ("3,598 points on average"); with
     * {@code keys}, remembers each device's count for the comparison with Redis.
     */
    private String sampleAnswers(int port, String[] paths, String field, String[] keys) throws IOException {
        long total = 0;
        int answered = 0;
        String failure = null;
        try (HttpConnection http = HttpConnection.open(HOST, port)) {
            for (int i = 0; i < Math.min(ANSWER_SAMPLE, paths.length); i++) {
                int status = http.exchange(HttpConnection.get(HOST, port, paths[i]));
                if (status != 200) {
                    failure = "HTTP " + status + ": " + abbreviate(http.bodyText());
                    continue;
                }
                long count = SeriesJson.count(http.bodyBytes(), http.bodyLength(), field);
                total += Math.max(0, count);
                answered++;
                if (keys != null) {
                    spectraHourPoints.put(keys[i], count);
                }
            }
        }
        if (answered == 0) {
            return failure == null ? "–" : failure;
        }
        return Format.decimal((double) total / answered, 0) + " " + field + " on average (first " + answered + " keys)"
                + (failure == null ? "" : "; some answered " + failure);
    }

    private void bulk(int restPort, int flightPort, Map<String, List<String>> devicesByMetric, long expectedRows) throws Exception {
        long from = fleet.startMillis();
        long to = fleet.endMillis() + 1;
        List<String> metrics = FLEET_METRICS.stream().filter(devicesByMetric::containsKey).toList();
        List<SeriesBulk.Series> series = new ArrayList<>();
        for (String metric : metrics) {
            devicesByMetric.get(metric).forEach(device -> series.add(new SeriesBulk.Series(device, metric)));
        }
        report.bulkExpectedRows = expectedRows;
        Duration least = options.warmup().compareTo(BULK_MIN_WARMUP) < 0 ? BULK_MIN_WARMUP : options.warmup();
        SeriesBulk.Warmup bulkWarmup = new SeriesBulk.Warmup(least, least.compareTo(BULK_MAX_WARMUP) < 0 ? BULK_MAX_WARMUP : least);
        AtomicReference<CpuAccounting.Usage> cpu = new AtomicReference<>();
        AtomicReference<SeriesBulk.Warmed> warmed = new AtomicReference<>();
        log.accept("bulk: every raw point of the fleet (" + Format.count(expectedRows) + " rows, " + series.size()
                + " series) over Arrow Flight, then JSON");
        try (SeriesBulk.Flight flight = new SeriesBulk.Flight(HOST, flightPort)) {
            BulkReads.Result result = SeriesBulk.repeat("Arrow Flight: GetFlightInfo {\"dataset\":\"series\"} per metric, "
                            + "DoGet of every endpoint in parallel", bulkWarmup, options.measure(), BULK_MIN_PASSES,
                    () -> flight.read(metrics, from, to, null),
                    () -> checked(flight.read(metrics, from, to, null), expectedRows, "Flight"), cpu::set, warmed::set,
                    SeriesBulk::jitMillis);
            report.bulk.add(result);
            bulkCpu("Flight", result, cpu.get(), warmed.get());
            report.notes.add("Flight: " + flight.endpoints() + " endpoint(s) per GetFlightInfo (one per partition, at its owner), pulled in parallel.");
            log.accept("bulk: Flight " + Format.rate(result.rowsPerSecond()) + " rows/s");
        }
        try (HttpConnection http = HttpConnection.open(HOST, restPort)) {
            BulkReads.Result result = SeriesBulk.repeat("JSON REST: GET /v1/devices/{id}/series/{metric} per series, one "
                            + "keep-alive connection", bulkWarmup, options.measure(), BULK_MIN_PASSES,
                    () -> SeriesBulk.json(http, HOST, restPort, series, from, to),
                    () -> checked(SeriesBulk.json(http, HOST, restPort, series, from, to), expectedRows, "JSON"), cpu::set,
                    warmed::set, SeriesBulk::jitMillis);
            report.bulk.add(result);
            bulkCpu("JSON", result, cpu.get(), warmed.get());
            log.accept("bulk: JSON " + Format.rate(result.rowsPerSecond()) + " rows/s");
        }
    }

    /**
     * CPU per row of one way's measured passes: this JVM (server and client), its three largest groups, the machine;
     * and what its warm-up took.
     */
    private void bulkCpu(String way, BulkReads.Result result, CpuAccounting.Usage usage, SeriesBulk.Warmed warmup) {
        String settled = Double.isNaN(warmup.lastWindowJitShare()) ? ""
                : (warmup.settled() ? ", until the JIT compiler took " : ", the most it may: the JIT compiler still took ")
                        + Format.decimal(100 * warmup.lastWindowJitShare(), 1) + " % of its last "
                        + SeriesBulk.Warmup.SETTLE_WINDOW.toSeconds() + " s";
        StringBuilder note = new StringBuilder(way + ": warmed up " + Format.seconds(warmup.took().toNanos() / 1e9)
                + settled + "; CPU per row " + Format.decimal(usage.processSeconds() * 1e6 / result.rows(), 3)
                + " µs in this JVM (server and client; " + Format.decimal(usage.processSeconds() / usage.wallSeconds(), 2)
                + " cores over " + Format.decimal(usage.wallSeconds(), 1) + " s), of which");
        usage.groups().entrySet().stream().limit(3).forEach(group -> note.append(" ").append(group.getKey()).append(" ")
                .append(Format.decimal(group.getValue() * 1e6 / result.rows(), 3)).append(" µs;"));
        note.append(" other processes ").append(Format.decimal(Math.max(0, usage.machineBusySeconds() - usage.processSeconds())
                / usage.wallSeconds(), 2)).append(" cores; JIT compilation ").append(Format.seconds(usage.jitSeconds()))
                .append(", GC ").append(Format.seconds(usage.gcSeconds())).append(" (").append(usage.gcCount())
                .append(" collections).");
        report.notes.add(note.toString());
        log.accept("bulk: " + note);
    }

    private long[] checked(long[] got, long expected, String way) {
        if (got[0] != expected) {
            String note = way + ": a pass read " + Format.count(got[0]) + " rows, not the " + Format.count(expected) + " points sent.";
            if (!report.notes.contains(note)) {
                report.notes.add(note);
            }
        }
        return got;
    }

    // ---- 5. Redis ---------------------------------------------------------------------------------------------------

    /** Loads the fleet's points into a Redis of its own and reads the same 1 h ranges; skipped without the fleet. */
    void redis(Path workDir) throws Exception {
        if (fleet == null || !options.redis()) {
            return;
        }
        Optional<Path> executable = RedisServer.find();
        if (executable.isEmpty()) {
            report.notes.add("Redis series skipped: redis-server is not on the PATH.");
            return;
        }
        try (RedisServer redis = RedisServer.start(executable.get(), workDir, Duration.ofSeconds(20))) {
            log.accept("Redis series: Redis " + redis.version() + " started, PID " + redis.pid() + "; loading the fleet's points");
            long before;
            long after;
            String encoding;
            String limit;
            long started = System.nanoTime();
            java.util.Set<String> keys = new java.util.HashSet<>();
            long points;
            try (RespConnection admin = RespConnection.open(HOST, redis.port())) {
                admin.call(RespConnection.command("CONFIG", "GET", "zset-max-listpack-entries"));
                limit = admin.bulkText() == null ? "?" : admin.bulkText(); // the reply's last element: the value
                before = usedMemory(admin);
                try (RespConnection loading = RespConnection.open(HOST, redis.port());
                     RedisSeries.Loader loader = new RedisSeries.Loader(loading)) {
                    IOException[] failure = new IOException[1];
                    fleet.forEach((device, t, key, value, metrics) -> {
                        String id = fleet.deviceIds().get(device);
                        for (Map.Entry<String, Double> metric : metrics.entrySet()) {
                            try {
                                loader.add(id, metric.getKey(), t, metric.getValue());
                            } catch (IOException e) {
                                if (failure[0] == null) {
                                    failure[0] = e;
                                }
                            }
                            keys.add(RedisSeries.key(id, metric.getKey()));
                        }
                    });
                    if (failure[0] != null) {
                        throw failure[0];
                    }
                    points = loader.points();
                }
                after = usedMemory(admin);
                admin.call(RespConnection.command("OBJECT", "ENCODING", RedisSeries.key(fleet.deviceIds().get(0), "temp")));
                encoding = admin.bulkText();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            report.redis = new SeriesReport.RedisMemory(redis.version(), points, keys.size(), before, after, encoding, limit, seconds);
            log.accept("Redis series: " + Format.count(points) + " points, " + Format.decimal(report.redis.bytesPerPoint(), 1)
                    + " bytes per point (" + encoding + ")");

            String[] ids = fleet.deviceIds().toArray(String[]::new);
            byte[][] ranges = new byte[ids.length][];
            for (int i = 0; i < ids.length; i++) {
                ranges[i] = RedisSeries.rangeCommand(RedisSeries.key(ids[i], "temp"), hourFrom, hourTo);
            }
            String answer = compareWithSpectraCache(redis.port(), ids, ranges);
            for (int c : options.clients()) {
                report.redisReads.add(new SeriesReport.Query(readPhase.run("Redis ZRANGEBYSCORE series:{id}:temp, the same 1 h",
                        redisRange(redis.port(), ranges), c, ranges.length), answer));
            }
            log.accept("Redis series: stopping Redis (PID " + redis.pid() + ")");
        }
    }

    private static long usedMemory(RespConnection redis) throws IOException {
        redis.call(RespConnection.command("INFO", "memory"));
        return RedisSeries.infoLong(redis.bulkText(), "used_memory");
    }

    /** What a Redis answer held, and whether it matches what SpectraCache answered for the same devices. */
    private String compareWithSpectraCache(int port, String[] ids, byte[][] ranges) throws IOException {
        long total = 0;
        int asked = 0;
        int differ = 0;
        try (RespConnection redis = RespConnection.open(HOST, port)) {
            for (int i = 0; i < Math.min(ANSWER_SAMPLE, ids.length); i++) {
                redis.call(ranges[i]);
                long count = redis.arrayLength();
                total += Math.max(0, count);
                asked++;
                Long spectra = spectraHourPoints.get(ids[i]);
                if (spectra != null && spectra != count) {
                    differ++;
                }
            }
        }
        return Format.decimal((double) total / Math.max(1, asked), 0) + " points on average (first " + asked + " keys; "
                + (spectraHourPoints.isEmpty() ? "SpectraCache's not sampled" : differ == 0 ? "the same counts as SpectraCache"
                : differ + " differ from SpectraCache's") + ")";
    }

    private static ClosedLoop.ClientFactory redisRange(int port, byte[][] ranges) {
        return () -> {
            RespConnection redis = RespConnection.open(HOST, port);
            return new ClosedLoop.Client() {
                @Override
                public boolean call(int keyIndex) throws IOException {
                    return redis.call(ranges[keyIndex]) == '*' && redis.arrayLength() >= 0;
                }

                @Override
                public void close() throws IOException {
                    redis.close();
                }
            };
        };
    }

    // ---- shared -----------------------------------------------------------------------------------------------------

    private SpectraCache start(Map<String, Object> settings) throws InterruptedException {
        long started = System.nanoTime();
        SpectraCache cache = SpectraCache.start(SpectraConfig.of(settings));
        if (!cache.awaitReady(READY_TIMEOUT)) {
            Object readiness = cache.readiness();
            cache.close();
            throw new IllegalStateException("SpectraCache not ready after " + READY_TIMEOUT.toSeconds() + " s: " + readiness);
        }
        log.accept("ready in " + Format.seconds((System.nanoTime() - started) / 1e9) + " (application id "
                + settings.get(SpectraConfig.APPLICATION_ID_CONFIG) + ")");
        return cache;
    }

    /**
     * Starts the stopped instance of {@code settings} again: its stores were flushed when it closed. A close that
     * passed its timeout (on a loaded machine) leaves Kafka Streams' threads finishing in the background, holding the
     * state directory's lock until they are done: then it tries again, for up to {@link #READY_TIMEOUT}.
     */
    private SpectraCache restart(Map<String, Object> settings) throws InterruptedException {
        log.accept("bytes per point: starting " + settings.get(SpectraConfig.APPLICATION_ID_CONFIG)
                + " again, so that RocksDB's figures include what was in memtables");
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            try {
                return start(settings);
            } catch (StreamsException e) {
                if (System.nanoTime() - deadline > 0 || !String.valueOf(e.getMessage()).contains("state directory")) {
                    throw e;
                }
                log.accept("the previous instance still holds its state directory (" + e.getMessage() + "); trying again in 2 s");
                Thread.sleep(2_000);
            }
        }
    }

    /**
     * RocksDB's figures of {@code timeseries-raw} of the running (restarted) instance of {@code settings}, and the
     * sizes of the other time-series stores.
     */
    private SeriesReport.StoreSize storeSize(String data, Map<String, Object> settings, SealedPoints model, double chunkCounter) {
        String applicationId = settings.get(SpectraConfig.APPLICATION_ID_CONFIG) + "-";
        Map<String, Double> raw = StoreMetrics.read(StoreMetrics.platform(), applicationId, "timeseries-raw",
                List.of("total-sst-files-size", "live-sst-files-size", "size-all-mem-tables", "num-entries-active-mem-table",
                        "estimate-num-keys"));
        Map<String, Double> others = new LinkedHashMap<>();
        List<String> stores = new ArrayList<>(List.of("timeseries-open"));
        timeseries.tiers().forEach(tier -> stores.add("timeseries-rollup-" + tier.name()));
        for (String store : stores) {
            others.put(store, StoreMetrics.read(StoreMetrics.platform(), applicationId, store, List.of("total-sst-files-size"))
                    .get("total-sst-files-size"));
        }
        report.flushNote = "How the sizes include everything written: each instance was stopped after its ingest (closing a "
                + "store flushes its RocksDB memtables, as Kafka Streams writes without a WAL) and started again on the same "
                + "state directory; once it was ready, the figures were read from Kafka Streams' store metrics "
                + "(`stream-state-metrics`, summed over tasks and window segments) over JMX. \"memtables\" is "
                + "`size-all-mem-tables` at that moment. Kafka Streams does not report RocksDB's `estimate-live-data-size`; "
                + "`live-sst-files-size` (the SST files of the current version, without files only an old version or a "
                + "running compaction still holds) is the nearest it has. Points in sealed chunks: the points sent, replayed through the "
                + "processor's sealing rule (" + timeseries.chunkMaxPoints() + " points or " + timeseries.chunkMaxSpan().toMinutes()
                + " min per chunk), checked against its `" + TimeSeriesMeters.CHUNKS_SEALED.meterName() + "` counter.";
        SeriesReport.StoreSize size = new SeriesReport.StoreSize(data, model.points(), model.sealedPoints(), model.sealedChunks(),
                chunkCounter, raw, others);
        log.accept("bytes per point: " + data + ": " + Format.decimal(size.bytesPerPoint("total-sst-files-size"), 2)
                + " B per sealed point (" + Format.count(model.sealedPoints()) + " of " + Format.count(model.points()) + " points sealed; "
                + raw.get("tasks").intValue() + " tasks)");
        return size;
    }

    /** The processor's sealed-chunk counter, NaN when the instance has none (series off or not wired). */
    static double chunksSealed(MeterRegistry registry) {
        List<Counter> counters = new ArrayList<>(registry.find(TimeSeriesMeters.CHUNKS_SEALED.meterName()).counters());
        return counters.isEmpty() ? Double.NaN : counters.stream().mapToDouble(Counter::count).sum();
    }

    /** Receives one generated event's device, time and metrics while it is sent. */
    @FunctionalInterface
    private interface Sent {
        void event(int device, long timestamp, Map<String, Double> metrics);
    }

    private ProduceRun.Result send(Events events, String topic, String clientId) throws Exception {
        try (Producer<byte[], byte[]> producer = ProduceRun.producer(ProduceRun.tunedProducer(bootstrap, clientId))) {
            producer.partitionsFor(topic);
            return ProduceRun.send(producer, topic, events, 0, events.size());
        }
    }

    /** Sends every event of {@code source}, keyed by device; returns the points (metric readings) sent. */
    private long send(SeriesData.Source source, String topic, String clientId, Sent sent) {
        AtomicLong failures = new AtomicLong();
        AtomicReference<Exception> first = new AtomicReference<>();
        long[] points = {0};
        try (Producer<byte[], byte[]> producer = ProduceRun.producer(ProduceRun.tunedProducer(bootstrap, clientId))) {
            source.forEach((device, t, key, value, metrics) -> {
                producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                    if (error != null) {
                        failures.incrementAndGet();
                        first.compareAndSet(null, error);
                    }
                });
                points[0] += metrics.size();
                sent.event(device, t, metrics);
            });
            producer.flush();
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " records to " + topic + " failed, first: " + first.get(), first.get());
        }
        return points[0];
    }

    /** Deletes an instance's topics (its prefix) and internal topics (its application id), so the broker stays small. */
    private void deleteTopics(Map<String, Object> settings) {
        String prefix = SpectraConfig.of(settings).topicPrefix();
        String applicationId = settings.get(SpectraConfig.APPLICATION_ID_CONFIG) + "-";
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

    @FunctionalInterface
    private interface Phase {
        void run() throws Exception;
    }

    /** Runs one phase; a failure is logged and noted in the report, and the next phases still run. */
    private void attempt(String name, Phase phase) throws InterruptedException {
        try {
            phase.run();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            log.accept(name + " failed: " + e);
            report.notes.add("**" + name + " failed**: " + abbreviate(String.valueOf(e)));
        }
    }

    private static String abbreviate(String text) {
        String flat = text.replace('\n', ' ').replace('|', '/');
        return flat.length() > 160 ? flat.substring(0, 160) + "…" : flat;
    }
}
