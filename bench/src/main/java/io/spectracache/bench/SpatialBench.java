package io.spectracache.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.micrometer.core.instrument.Counter;
import io.spectracache.server.SpectraCache;
import io.spectracache.server.SpectraConfig;
import io.spectracache.spatial.FenceIndex;
import io.spectracache.spatial.Geofence;
import io.spectracache.spatial.SpatialSettings;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;

/**
 * The spatial benchmark (issue 10), in the same run as the rest and side by side with Redis:
 * <ol>
 *   <li><b>Ingest with spatial off and on</b>: the benchmark's own events (each with a location) through the full
 *       pipeline, in pairs of rounds with {@code spectracache.spatial.enabled} false and true (the pairs alternating
 *       which goes first), each round a fresh instance, after one unmeasured round; events/s end to end and
 *       stream-thread CPU µs per event, per pair and their mean (the target: spatial on keeps at least 85 %).</li>
 *   <li><b>A fleet of (by default) 1,000,000 devices</b> clustered in cities like a real one (200 cities of Zipf-like
 *       sizes, a few km across), one position each, through the pipeline: position updates per second.</li>
 *   <li><b>Queries over that fleet</b> at 1 and 32 clients (closed loop, keep-alive sockets): radius 1 km and 10 km
 *       (nearest first, at most 100), a 2 km box (at most 100), the 10 nearest, each around a random device's
 *       position; and Redis on the same points and queries: GEOADD, then GEOSEARCH BYRADIUS (ASC COUNT 100 WITHDIST
 *       WITHCOORD) and BYBOX (2,000 m square, ASC COUNT 100 WITHCOORD); Redis has no k-nearest, so its "nearest" is
 *       BYRADIUS 10 km ASC COUNT 10.</li>
 *   <li><b>Fence checks</b>: positions per second checked against 10,000 fences (the R-tree and the exact test the
 *       stream task runs), in this JVM.</li>
 * </ol>
 * Writes a Markdown section for the report.
 */
final class SpatialBench {
    private static final String HOST = "127.0.0.1";

    /**
     * @param base          SpectraCache settings of the run (broker, threads, guarantee...); application id, topic
     *                      prefix and data directory are set per phase here
     * @param ingestEvents  events of each spatial-off/on ingest (a multiple of {@code ingestDevices})
     * @param ingestPairs   pairs of ingest rounds, spatial off and on (0: no ingest phase)
     * @param fleetDevices  devices of the query fleet (0: no fleet, queries or fence checks)
     */
    record Settings(Map<String, Object> base, String bootstrap, Path dataDir, String prefix, String runId, int ingestEvents,
                    int ingestDevices, int ingestPairs, int fleetDevices, int fences, List<Integer> clients, Duration warmup,
                    Duration measure, long seed, boolean redis, Duration timeout) {
    }

    private final Settings settings;
    private final Consumer<String> log;
    private final StringBuilder md = new StringBuilder();

    private SpatialBench(Settings settings, Consumer<String> log) {
        this.settings = settings;
        this.log = log;
    }

    /** Runs every phase; returns the report's section. */
    static String run(Settings settings, Consumer<String> log) throws Exception {
        return new SpatialBench(settings, log).run();
    }

    private String run() throws Exception {
        md.append("\n## Spatial (issue 10)\n\n");
        ingestOffAndOn();
        if (settings.fleetDevices() > 0) {
            double[][] fleet = cityFleet(settings.fleetDevices(), settings.seed());
            fleetAndQueries(fleet);
            fenceChecks(fleet);
        }
        return md.toString();
    }

    private Map<String, Object> phaseSettings(String phase, boolean spatial) {
        Map<String, Object> s = new HashMap<>(settings.base());
        s.put(SpectraConfig.APPLICATION_ID_CONFIG, "spectracache-bench-" + settings.runId() + "-" + phase);
        s.put(SpectraConfig.TOPIC_PREFIX_CONFIG, settings.prefix() + phase + ".");
        s.put(SpectraConfig.DATA_DIR_CONFIG, settings.dataDir().resolve(phase).toString());
        s.put(SpatialSettings.ENABLED_CONFIG, spatial);
        return s;
    }

    /**
     * One ingest result.
     *
     * @param stageMicrosPerEvent CPU µs per event by {@link CpuAccounting.Stage}
     * @param logBytesPerEvent    bytes the broker's logs of the round's topics grew by, per event, by topic group
     *                            ({@link #topicGroup}): batch and transaction-marker overhead included
     */
    private record Ingest(String label, double eventsPerSecond, double streamMicrosPerEvent, double processMicrosPerEvent,
                          Map<CpuAccounting.Stage, Double> stageMicrosPerEvent, Map<String, Double> logBytesPerEvent) {
    }

    private void ingestOffAndOn() throws Exception {
        int pairs = settings.ingestPairs();
        if (pairs <= 0) {
            return;
        }
        // One unmeasured round with spatial on first (see OnOffPairs).
        ingest("spatial-warmup", true);
        List<Boolean> order = OnOffPairs.order(pairs);
        List<Ingest> runs = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            boolean on = order.get(i);
            runs.add(ingest("spatial-" + (on ? "on" : "off") + "-" + i, on));
        }
        md.append("### Ingest with spatial off and on\n\n")
                .append(Format.count(settings.ingestEvents())).append(" events over ").append(Format.count(settings.ingestDevices()))
                .append(" devices (every event has a location), end to end (first send → every device's count complete), ")
                .append("with `spectracache.spatial.enabled` false and true in ").append(pairs).append(" pairs, the pairs ")
                .append("alternating which goes first (off, on, then on, off...); every round its own instance and topics, ")
                .append("after one unmeasured round with spatial on.\n\n")
                .append("| pair | off: events/s | on: events/s | on / off | stream threads, CPU µs per event: off → on ")
                .append("| whole process, CPU µs per event: off → on |\n")
                .append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
        double ratioSum = 0;
        double deltaSum = 0;
        double minRatio = Double.MAX_VALUE;
        double maxRatio = 0;
        StringBuilder ratios = new StringBuilder();
        for (int pair = 0; pair < pairs; pair++) {
            Ingest first = runs.get(2 * pair);
            Ingest second = runs.get(2 * pair + 1);
            Ingest off = order.get(2 * pair) ? second : first;
            Ingest on = order.get(2 * pair) ? first : second;
            double ratio = on.eventsPerSecond() / off.eventsPerSecond();
            ratioSum += ratio;
            deltaSum += on.streamMicrosPerEvent() - off.streamMicrosPerEvent();
            minRatio = Math.min(minRatio, ratio);
            maxRatio = Math.max(maxRatio, ratio);
            ratios.append(ratios.isEmpty() ? "" : ", ").append(Format.percent(ratio));
            md.append("| ").append(pair + 1).append(order.get(2 * pair) ? " (on first)" : " (off first)").append(" | ")
                    .append(Format.rate(off.eventsPerSecond())).append(" | ").append(Format.rate(on.eventsPerSecond()))
                    .append(" | ").append(Format.percent(ratio)).append(" | ")
                    .append(Format.decimal(off.streamMicrosPerEvent(), 1)).append(" → ")
                    .append(Format.decimal(on.streamMicrosPerEvent(), 1)).append(" | ")
                    .append(Format.decimal(off.processMicrosPerEvent(), 1)).append(" → ")
                    .append(Format.decimal(on.processMicrosPerEvent(), 1)).append(" |\n");
        }
        double meanRatio = ratioSum / pairs;
        double meanDelta = deltaSum / pairs;
        md.append("\nSpatial on keeps **").append(Format.percent(meanRatio)).append("** of the rate with it off, the mean of ")
                .append(pairs).append(" pairs (").append(Format.percent(minRatio)).append(" to ").append(Format.percent(maxRatio))
                .append("; target ≥ 85 %); stream threads spend ").append(Format.decimal(meanDelta, 1))
                .append(" µs more CPU per event with it on (mean of the pairs).\n\n");
        appendSplit(runs, order);
        log.accept("spatial: ingest on/off per pair " + ratios + ", mean " + Format.percent(meanRatio) + " of the rate, +"
                + Format.decimal(meanDelta, 1) + " µs stream-thread CPU per event");
    }

    /** Where the CPU and the broker's bytes went: the means of the off rounds and of the on rounds, side by side. */
    private void appendSplit(List<Ingest> runs, List<Boolean> order) {
        md.append("Where it went, the mean of the off rounds and of the on rounds (CPU µs per event by thread group; "
                + "bytes the broker's logs grew by per event, by topic: records, batch headers and transaction markers):\n\n")
                .append("| per event | off | on | on − off |\n| --- | ---: | ---: | ---: |\n");
        for (CpuAccounting.Stage stage : CpuAccounting.Stage.values()) {
            double off = mean(runs, order, false, run -> run.stageMicrosPerEvent().getOrDefault(stage, 0.0));
            double on = mean(runs, order, true, run -> run.stageMicrosPerEvent().getOrDefault(stage, 0.0));
            md.append("| CPU µs, ").append(stage.label).append(" | ").append(Format.decimal(off, 1)).append(" | ")
                    .append(Format.decimal(on, 1)).append(" | ").append(Format.decimal(on - off, 1)).append(" |\n");
        }
        java.util.Set<String> groups = new java.util.TreeSet<>();
        runs.forEach(run -> groups.addAll(run.logBytesPerEvent().keySet()));
        double offTotal = 0;
        double onTotal = 0;
        for (String group : groups) {
            double off = mean(runs, order, false, run -> run.logBytesPerEvent().getOrDefault(group, 0.0));
            double on = mean(runs, order, true, run -> run.logBytesPerEvent().getOrDefault(group, 0.0));
            offTotal += off;
            onTotal += on;
            md.append("| bytes, ").append(group).append(" | ").append(Format.decimal(off, 1)).append(" | ")
                    .append(Format.decimal(on, 1)).append(" | ").append(Format.decimal(on - off, 1)).append(" |\n");
        }
        md.append("| bytes, every topic of the round | ").append(Format.decimal(offTotal, 1)).append(" | ")
                .append(Format.decimal(onTotal, 1)).append(" | ").append(Format.decimal(onTotal - offTotal, 1))
                .append(" |\n\nLoad average at the end: ").append(Machine.currentLoadAverage()).append(".\n\n");
    }

    private static double mean(List<Ingest> runs, List<Boolean> order, boolean on,
                               java.util.function.ToDoubleFunction<Ingest> figure) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < runs.size(); i++) {
            if (order.get(i) == on) {
                sum += figure.applyAsDouble(runs.get(i));
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private Ingest ingest(String phase, boolean spatial) throws Exception {
        Map<String, Object> s = phaseSettings(phase, spatial);
        Events events = Events.generate(settings.ingestEvents(), settings.ingestDevices(), settings.seed(), Instant.now());
        String topic = settings.prefix() + phase + ".events.raw";
        try (SpectraCache cache = SpectraCache.start(SpectraConfig.of(s))) {
            awaitReady(cache, spatial);
            CpuAccounting.Snapshot before;
            ProduceRun.Result sent;
            try (Producer<byte[], byte[]> producer = ProduceRun.producer(ProduceRun.tunedProducer(settings.bootstrap(),
                    "bench-" + phase))) {
                producer.partitionsFor(topic);
                before = CpuAccounting.snapshot();
                sent = ProduceRun.send(producer, topic, events, 0, events.size());
            }
            Queryable.Outcome outcome = Queryable.awaitDeviceCounts(HOST, cache.restPort(), events.deviceIds(),
                    events.eventsPerDevice(), settings.timeout(), message -> log.accept("spatial " + phase + ": " + message));
            CpuAccounting.Usage usage = CpuAccounting.between(before, CpuAccounting.snapshot());
            double seconds = (outcome.completeNanos() - sent.startNanos()) / 1e9;
            Map<CpuAccounting.Stage, Double> stages = new java.util.EnumMap<>(CpuAccounting.Stage.class);
            usage.byStage().forEach((stage, cpu) -> stages.put(stage, cpu * 1e6 / events.size()));
            Map<String, Double> logBytes = new java.util.TreeMap<>();
            logBytes(s).forEach((group, bytes) -> logBytes.put(group, bytes / (double) events.size()));
            Ingest result = new Ingest(phase, events.size() / seconds, stages.get(CpuAccounting.Stage.STREAM_THREADS),
                    usage.processSeconds() * 1e6 / events.size(), stages, logBytes);
            log.accept("spatial " + phase + ": " + Format.rate(result.eventsPerSecond()) + " events/s, "
                    + Format.decimal(result.streamMicrosPerEvent(), 1) + " µs stream-thread CPU per event; CPU µs per event "
                    + stages + "; log bytes per event " + logBytes + "; load average " + Machine.currentLoadAverage());
            return result;
        }
    }

    /**
     * The bytes in the broker's logs of a round's topics (its prefix) and internal topics (its application id), by
     * {@link #topicGroup}, once they stop growing (the stores write out at the commit after the last event).
     */
    private Map<String, Long> logBytes(Map<String, Object> phaseSettings) throws Exception {
        String prefix = String.valueOf(phaseSettings.get(SpectraConfig.TOPIC_PREFIX_CONFIG));
        String applicationId = phaseSettings.get(SpectraConfig.APPLICATION_ID_CONFIG) + "-";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap()))) {
            Map<String, Long> last = Map.of();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                Map<String, Long> sizes = new java.util.TreeMap<>();
                List<Integer> brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream().map(Node::id).toList();
                admin.describeLogDirs(brokers).allDescriptions().get(30, TimeUnit.SECONDS).values().forEach(dirs ->
                        dirs.values().forEach(dir -> dir.replicaInfos().forEach((partition, replica) -> {
                            String topic = partition.topic();
                            if (topic.startsWith(prefix) || topic.startsWith(applicationId)) {
                                sizes.merge(topicGroup(topic, prefix, applicationId), replica.size(), Long::sum);
                            }
                        })));
                if (sizes.equals(last)) {
                    return sizes;
                }
                last = sizes;
                Thread.sleep(500); // a commit interval and more: the next write-out, if any, has happened
            }
            return last;
        }
    }

    /** A round's topic, named for the report: the store of a changelog, else the topic's name without the prefix. */
    static String topicGroup(String topic, String prefix, String applicationId) {
        if (topic.startsWith(applicationId)) {
            String internal = topic.substring(applicationId.length());
            return internal.endsWith("-changelog") ? internal.substring(0, internal.length() - "-changelog".length())
                    + " (changelog)" : internal;
        }
        return topic.substring(prefix.length());
    }

    /**
     * Waits until the instance is ready. With spatial off its stores are not in the topology, yet readiness still
     * waits for them (Capability.queryableStores() cannot see the settings): then everything but them must answer.
     */
    private static void awaitReady(SpectraCache cache, boolean spatial) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            io.spectracache.health.Readiness readiness = cache.readiness();
            if (readiness.ready() || (!spatial && readiness.detail().contains("store spatial-"))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("SpectraCache not ready after 180 s: " + cache.readiness());
    }

    /** A fleet clustered like a real one: 200 cities of Zipf-like sizes, positions spread a few km around each. */
    static double[][] cityFleet(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int cities = 200;
        double[][] centres = new double[cities][2];
        double[] weights = new double[cities];
        double total = 0;
        for (int c = 0; c < cities; c++) {
            centres[c][0] = -40 + random.nextDouble() * 100;
            centres[c][1] = -180 + random.nextDouble() * 360;
            weights[c] = 1.0 / (c + 1);
            total += weights[c];
        }
        double[][] points = new double[n][2];
        java.util.Random gaussian = new java.util.Random(seed);
        for (int i = 0; i < n; i++) {
            double pick = random.nextDouble() * total;
            int c = 0;
            while (pick > weights[c] && c < cities - 1) {
                pick -= weights[c];
                c++;
            }
            double spreadKm = 3 + 12 * (c % 5) / 4.0;
            double lat = centres[c][0] + gaussian.nextGaussian() * spreadKm / 111.2;
            double lon = centres[c][1] + gaussian.nextGaussian() * spreadKm / (111.2 * Math.cos(Math.toRadians(centres[c][0])));
            points[i][0] = Math.max(-90, Math.min(90, Math.round(lat * 1e6) / 1e6));
            points[i][1] = Math.max(-180, Math.min(180, Math.round((((lon + 540) % 360) - 180) * 1e6) / 1e6));
        }
        return points;
    }

    static String fleetDevice(int i) {
        return String.format(Locale.ROOT, "fleet-%07d", i);
    }

    private void fleetAndQueries(double[][] fleet) throws Exception {
        String phase = "spatial-fleet";
        Map<String, Object> s = phaseSettings(phase, true);
        String topic = settings.prefix() + phase + ".events.raw";
        long now = Instant.now().toEpochMilli();
        List<Row> rows = new ArrayList<>();
        try (SpectraCache cache = SpectraCache.start(SpectraConfig.of(s))) {
            if (!cache.awaitReady(Duration.ofSeconds(180))) {
                throw new IllegalStateException("SpectraCache not ready after 180 s: " + cache.readiness());
            }
            Counter updated = cache.registry().find("spectra.spatial.positions.updated").counter();
            double start = updated == null ? 0 : updated.count();
            log.accept("spatial: loading " + Format.count(fleet.length) + " devices clustered in cities");
            long sendStart = System.nanoTime();
            try (Producer<byte[], byte[]> producer = ProduceRun.producer(ProduceRun.tunedProducer(settings.bootstrap(),
                    "bench-" + phase))) {
                producer.partitionsFor(topic);
                for (int i = 0; i < fleet.length; i++) {
                    String id = fleetDevice(i);
                    String json = "{\"deviceId\":\"" + id + "\",\"ts\":" + (now - fleet.length + i) + ",\"eventId\":\"p" + i
                            + "\",\"tenant\":\"acme\",\"location\":{\"lat\":" + fleet[i][0] + ",\"lon\":" + fleet[i][1] + "}}";
                    producer.send(new ProducerRecord<>(topic, id.getBytes(UTF_8), json.getBytes(UTF_8)));
                }
                producer.flush();
            }
            long deadline = System.nanoTime() + settings.timeout().toNanos();
            while (updated == null || updated.count() - start < fleet.length) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the fleet's positions were not all applied in " + settings.timeout());
                }
                Thread.sleep(20);
                updated = updated != null ? updated : cache.registry().find("spectra.spatial.positions.updated").counter();
            }
            double loadSeconds = (System.nanoTime() - sendStart) / 1e9;
            Thread.sleep(2 * Math.max(200, SpectraConfig.of(s).getLong(SpectraConfig.COMMIT_INTERVAL_MS_CONFIG)));
            md.append("### Position updates and queries over ").append(Format.count(fleet.length)).append(" devices\n\n")
                    .append("Positions clustered in 200 cities (Zipf-like sizes, 3–15 km spread); one event per device, ")
                    .append("through the full pipeline: **").append(Format.rate(fleet.length / loadSeconds))
                    .append(" position updates/s** (first send → every position applied, ").append(Format.seconds(loadSeconds))
                    .append(").\n\n");
            log.accept("spatial: " + Format.rate(fleet.length / loadSeconds) + " position updates/s");
            int queries = 2_000;
            SplittableRandom random = new SplittableRandom(settings.seed() + 3);
            double[][] centres = new double[queries][];
            for (int q = 0; q < queries; q++) {
                centres[q] = fleet[random.nextInt(fleet.length)];
            }
            Map<String, String[]> paths = new java.util.LinkedHashMap<>();
            paths.put("radius 1 km", paths(centres, c -> "/v1/geo/radius?lat=" + c[0] + "&lon=" + c[1] + "&radiusM=1000&limit=100"));
            paths.put("radius 10 km", paths(centres, c -> "/v1/geo/radius?lat=" + c[0] + "&lon=" + c[1] + "&radiusM=10000&limit=100"));
            paths.put("box 2 km", paths(centres, c -> {
                double dLat = 1_000 / 111_195.0;
                double dLon = dLat / Math.cos(Math.toRadians(c[0]));
                return "/v1/geo/box?minLat=" + (c[0] - dLat) + "&minLon=" + (c[1] - dLon) + "&maxLat=" + (c[0] + dLat)
                        + "&maxLon=" + (c[1] + dLon) + "&limit=100";
            }));
            paths.put("nearest 10", paths(centres, c -> "/v1/geo/nearest?lat=" + c[0] + "&lon=" + c[1] + "&k=10"));
            md.append("Average devices per answer (a sample of 200 queries): ");
            for (Map.Entry<String, String[]> query : paths.entrySet()) {
                md.append(query.getKey()).append(' ').append(Format.decimal(averageFeatures(cache.restPort(), query.getValue()), 1))
                        .append("; ");
            }
            md.append("\n\n");
            for (Map.Entry<String, String[]> query : paths.entrySet()) {
                for (int c : settings.clients()) {
                    rows.add(measure("SpectraCache " + query.getKey(), Clients.socketHttp(HOST, cache.restPort(), "",
                            query.getValue()), c, queries, SpatialBench::restServerCpuSeconds));
                }
            }
            log.accept("stopping the spatial fleet's SpectraCache");
        }
        if (settings.redis()) {
            redis(fleet, rows);
        }
        md.append("Server CPU per request: SpectraCache's REST threads (which answer the query, store reads included) or the "
                + "redis-server process, over the phase (warm-up included) divided by its requests: unlike req/s, it "
                + "hardly moves with the load other processes put on the machine.\n\n");
        md.append("GC pauses: this JVM's stop-the-world collections over the phase (warm-up included; the JVM holds the broker, "
                + "the server and the clients), count and total time.\n\n");
        md.append("| query | clients | req/s | p50 | p99 | p99.9 | max | failed | server CPU µs/request | GC pauses |\n"
                + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Row row : rows) {
            LatencyResult r = row.result();
            md.append("| ").append(row.name()).append(" | ").append(r.clients()).append(" | ").append(Format.rate(r.requestsPerSecond()))
                    .append(" | ").append(Format.micros(r.p50())).append(" | ").append(Format.micros(r.p99())).append(" | ")
                    .append(Format.micros(r.p999())).append(" | ").append(Format.micros(r.max())).append(" | ").append(r.failed())
                    .append(r.error() == null ? "" : " (" + r.error() + ")").append(" | ")
                    .append(Double.isNaN(row.serverCpuMicros()) ? "–" : Format.decimal(row.serverCpuMicros(), 1)).append(" | ")
                    .append(row.name().startsWith("Redis") ? "–" : row.gcPauses() + " (" + row.gcPauseMillis() + " ms)").append(" |\n");
        }
        md.append('\n');
    }

    /**
     * @param serverCpuMicros CPU the server spent per request, warm-up included (NaN: unknown)
     * @param gcPauses        stop-the-world collections of this JVM over the phase, warm-up included
     * @param gcPauseMillis   their total time
     */
    private record Row(String name, LatencyResult result, double serverCpuMicros, long gcPauses, long gcPauseMillis) {
    }

    /** This JVM's collections so far that stop the world, and their milliseconds (G1's concurrent cycles left out). */
    static long[] gcPauses() {
        long count = 0;
        long millis = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!gc.getName().contains("Concurrent") && gc.getCollectionCount() > 0) {
                count += gc.getCollectionCount();
                millis += Math.max(0, gc.getCollectionTime());
            }
        }
        return new long[] {count, millis};
    }

    /** CPU seconds of this JVM's REST server threads (Jetty's pool: a geo query is answered on them, stores included). */
    static double restServerCpuSeconds() {
        CpuAccounting.Snapshot now = CpuAccounting.snapshot();
        double seconds = 0;
        for (Map.Entry<Long, String> thread : now.names().entrySet()) {
            if (thread.getValue().startsWith("JettyServerThreadPool") || thread.getValue().startsWith("qtp")) {
                seconds += now.threadCpu().getOrDefault(thread.getKey(), 0L) / 1e9;
            }
        }
        return seconds;
    }

    /** CPU seconds (user + system) of another process, from /proc; NaN where there is no /proc. */
    private static double processCpuSeconds(long pid) {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // utime, stime in USER_HZ (100)
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static String[] paths(double[][] centres, java.util.function.Function<double[], String> path) {
        String[] paths = new String[centres.length];
        for (int i = 0; i < centres.length; i++) {
            paths[i] = path.apply(centres[i]);
        }
        return paths;
    }

    /** How many features the first 200 answers hold, on average (outside any timed phase). */
    private static double averageFeatures(int port, String[] paths) throws IOException {
        long features = 0;
        int n = Math.min(200, paths.length);
        try (HttpConnection http = HttpConnection.open(HOST, port)) {
            for (int i = 0; i < n; i++) {
                if (http.exchange(HttpConnection.get(HOST, port, paths[i])) != 200) {
                    throw new IllegalStateException("GET " + paths[i] + " answered " + http.bodyText());
                }
                String body = http.bodyText();
                int at = 0;
                while ((at = body.indexOf("\"type\":\"Feature\"", at)) >= 0) {
                    features++;
                    at++;
                }
            }
        }
        return (double) features / n;
    }

    private Row measure(String name, ClosedLoop.ClientFactory factory, int clients, int keys,
                        java.util.function.DoubleSupplier serverCpuSeconds) throws InterruptedException {
        log.accept("spatial reads: " + name + ", " + clients + " client(s)");
        double cpuBefore = serverCpuSeconds.getAsDouble();
        long[] gcBefore = gcPauses();
        LatencyResult result = ClosedLoop.run(name, factory, clients, keys, settings.warmup(), settings.measure(),
                settings.seed() + clients);
        double cpuMicros = result.calls() == 0 ? Double.NaN
                : (serverCpuSeconds.getAsDouble() - cpuBefore) * 1e6 / result.calls();
        long[] gcAfter = gcPauses();
        long gcCount = gcAfter[0] - gcBefore[0];
        long gcMillis = gcAfter[1] - gcBefore[1];
        log.accept("spatial reads: " + Format.rate(result.requestsPerSecond()) + " req/s, p50 " + Format.micros(result.p50())
                + ", p99 " + Format.micros(result.p99()) + (result.failed() > 0 ? ", " + result.failed() + " failed" : "")
                + (result.error() != null ? ", error: " + result.error() : "") + ", server CPU "
                + Format.decimal(cpuMicros, 1) + " µs per request, " + gcCount + " GC pauses (" + gcMillis + " ms)");
        return new Row(name, result, cpuMicros, gcCount, gcMillis);
    }

    private void redis(double[][] fleet, List<Row> rows) throws Exception {
        Optional<Path> executable = RedisServer.find();
        if (executable.isEmpty()) {
            md.append("Redis skipped: redis-server is not on the PATH.\n\n");
            return;
        }
        Path workDir = settings.dataDir().resolve("spatial-redis");
        try (RedisServer redis = RedisServer.start(executable.get(), workDir, Duration.ofSeconds(20))) {
            log.accept("spatial: Redis " + redis.version() + " (PID " + redis.pid() + "): GEOADD " + Format.count(fleet.length));
            try (RespConnection loader = RespConnection.open(HOST, redis.port())) {
                int batch = 1_000;
                for (int from = 0; from < fleet.length; from += batch) {
                    int to = Math.min(fleet.length, from + batch);
                    String[] command = new String[2 + 3 * (to - from)];
                    command[0] = "GEOADD";
                    command[1] = "fleet";
                    for (int i = from; i < to; i++) {
                        command[2 + 3 * (i - from)] = Double.toString(fleet[i][1]);
                        command[3 + 3 * (i - from)] = Double.toString(Math.max(-85.05112878, Math.min(85.05112878, fleet[i][0])));
                        command[4 + 3 * (i - from)] = fleetDevice(i);
                    }
                    if (loader.call(RespConnection.command(command)) == '-') {
                        throw new IllegalStateException("GEOADD failed: " + loader.text());
                    }
                }
            }
            int queries = 2_000;
            SplittableRandom random = new SplittableRandom(settings.seed() + 3);
            double[][] centres = new double[queries][];
            for (int q = 0; q < queries; q++) {
                centres[q] = fleet[random.nextInt(fleet.length)];
            }
            Map<String, byte[][]> commands = new java.util.LinkedHashMap<>();
            commands.put("radius 1 km", redisCommands(centres, "BYRADIUS", "1000", null, "100"));
            commands.put("radius 10 km", redisCommands(centres, "BYRADIUS", "10000", null, "100"));
            commands.put("box 2 km", redisCommands(centres, "BYBOX", "2000", "2000", "100"));
            commands.put("nearest 10 (BYRADIUS 10 km ASC COUNT 10)", redisCommands(centres, "BYRADIUS", "10000", null, "10"));
            for (Map.Entry<String, byte[][]> query : commands.entrySet()) {
                for (int c : settings.clients()) {
                    rows.add(measure("Redis " + query.getKey(), redisClient(redis.port(), query.getValue()), c, queries,
                            () -> processCpuSeconds(redis.pid())));
                }
            }
            log.accept("stopping Redis (PID " + redis.pid() + ")");
        }
    }

    private static byte[][] redisCommands(double[][] centres, String by, String width, String height, String count) {
        byte[][] commands = new byte[centres.length][];
        for (int i = 0; i < centres.length; i++) {
            double lat = Math.max(-85.05112878, Math.min(85.05112878, centres[i][0]));
            List<String> parts = new ArrayList<>(List.of("GEOSEARCH", "fleet", "FROMLONLAT", Double.toString(centres[i][1]),
                    Double.toString(lat), by, width));
            if (height != null) {
                parts.add(height);
            }
            parts.addAll(List.of("m", "ASC", "COUNT", count, "WITHCOORD"));
            if (by.equals("BYRADIUS")) {
                parts.add("WITHDIST");
            }
            commands[i] = RespConnection.command(parts.toArray(new String[0]));
        }
        return commands;
    }

    private static ClosedLoop.ClientFactory redisClient(int port, byte[][] commands) {
        return () -> {
            RespConnection redis = RespConnection.open(HOST, port);
            return new ClosedLoop.Client() {
                @Override
                public boolean call(int keyIndex) throws IOException {
                    return redis.call(commands[keyIndex]) == '*';
                }

                @Override
                public void close() throws IOException {
                    redis.close();
                }
            };
        };
    }

    private void fenceChecks(double[][] fleet) {
        SplittableRandom random = new SplittableRandom(settings.seed() + 5);
        List<Geofence> fences = new ArrayList<>();
        for (int i = 0; i < settings.fences(); i++) {
            double[] at = fleet[random.nextInt(fleet.length)];
            double sizeM = Math.pow(10, Math.log10(30) + random.nextDouble() * Math.log10(2_000 / 30.0));
            double dLat = sizeM / 111_195;
            double dLon = dLat / Math.cos(Math.toRadians(at[0]));
            double lat = Math.max(-89, Math.min(89 - dLat, at[0] - dLat / 2));
            double lon = Math.max(-180, Math.min(180 - dLon, at[1] - dLon / 2));
            String json = String.format(Locale.ROOT, "{\"type\":\"Polygon\",\"coordinates\":[[[%f,%f],[%f,%f],[%f,%f],"
                    + "[%f,%f],[%f,%f]]]}", lon, lat, lon + dLon, lat, lon + dLon, lat + dLat, lon, lat + dLat, lon, lat);
            fences.add(Geofence.parse("fence-" + i, json.getBytes(UTF_8), 100));
        }
        FenceIndex index = new FenceIndex();
        index.replaceAll(fences);
        FenceIndex.Snapshot snapshot = index.rebuilt();
        int[] inside = {0};
        long checks = 0;
        long start = 0;
        long rounds = 3_000_000;
        for (long i = 0; i < rounds; i++) {
            if (i == rounds / 3) {
                start = System.nanoTime();
                checks = 0;
            }
            double[] p = fleet[random.nextInt(fleet.length)];
            double lat = p[0];
            double lon = p[1];
            snapshot.candidates(lat, lon, entry -> {
                if (entry.covers(lat, lon)) {
                    inside[0]++;
                }
            });
            checks++;
        }
        double perSecond = checks / ((System.nanoTime() - start) / 1e9);
        md.append("### Fence checks\n\n").append(Format.rate(perSecond)).append(" positions/s checked against ")
                .append(Format.count(settings.fences())).append(" fences (30 m to 2 km squares placed where the devices are; ")
                .append("the R-tree's candidates, then JTS's exact test), one thread; ")
                .append(Format.decimal((double) inside[0] / rounds, 2)).append(" fences hold a position on average.\n\n");
        log.accept("spatial: " + Format.rate(perSecond) + " fence checks/s with " + settings.fences() + " fences");
    }
}
