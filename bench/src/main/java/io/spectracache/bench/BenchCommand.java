package io.spectracache.bench;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.broker.EmbeddedKafka;
import io.spectracache.flight.FlightSettings;
import io.spectracache.server.SpectraCache;
import io.spectracache.server.SpectraConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Producer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The SpectraCache benchmark: in one run, on one machine, side by side — a raw Kafka produce reference, end-to-end
 * ingest through SpectraCache until every device's state is queryable, point reads over HTTP at 1 and 32 clients,
 * and the same reads against Redis. Prints a Markdown report and writes it to {@code --output-dir}.
 *
 * <pre>{@code
 * bench/run                    # full run: 1,000,000 events over 1,000 devices, 5 s warm-up + 10 s per read phase
 * bench/run --quick            # smoke run: 100,000 events, 1 s + 2 s read phases
 * bench/run --processing-guarantee at_least_once --stream-threads 2 --partitions 8
 * }</pre>
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Raw Kafka vs SpectraCache end-to-end ingest, point-read latency over HTTP, and Redis, side by side.")
public final class BenchCommand implements Callable<Integer> {
    private static final String HOST = "127.0.0.1";
    private static final String FLOOR_READ = "SpectraCache GET /health/live (HTTP stack floor), socket client";

    @Option(names = "--quick", description = "Smoke run: 100,000 events, 1 s warm-up and 2 s per read phase (explicit options still win).")
    boolean quick;

    @Option(names = "--events", description = "Events to ingest (a multiple of --devices). Default 1,000,000 (100,000 with --quick).")
    Integer events;

    @Option(names = "--devices", defaultValue = "1000", description = "Devices the events are spread over, evenly. Default ${DEFAULT-VALUE}.")
    int devices;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the SpectraCache topics and of the raw-Kafka scratch topic. Default ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--stream-threads", description = "Kafka Streams threads (default: SpectraCache's default).")
    Integer streamThreads;

    @Option(names = "--processing-guarantee", description = "exactly_once_v2 or at_least_once (default: SpectraCache's default).")
    String processingGuarantee;

    @Option(names = "--commit-interval-ms", description = "Kafka Streams commit interval (default: SpectraCache's default).")
    Long commitIntervalMs;

    @Option(names = "--streams-config", paramLabel = "KEY=VALUE",
            description = "Kafka Streams setting passed through as spectracache.streams.KEY (repeatable), e.g. statestore.cache.max.bytes=0.")
    Map<String, String> streamsConfig = new LinkedHashMap<>();

    @Option(names = "--config", paramLabel = "KEY=VALUE", description = "Any other SpectraCache setting, full key (repeatable).")
    Map<String, String> config = new LinkedHashMap<>();

    @Option(names = "--bootstrap-servers", description = "Use this Kafka cluster instead of starting an embedded broker; topics get a fresh prefix.")
    String bootstrapServers;

    @Option(names = "--clients", split = ",", defaultValue = "1,32", description = "Concurrent clients of each read phase. Default ${DEFAULT-VALUE}.")
    List<Integer> clients;

    @Option(names = "--warmup-seconds", description = "Warm-up of each read phase. Default 5 (1 with --quick).")
    Double warmupSeconds;

    @Option(names = "--duration-seconds", description = "Measured part of each read phase. Default 10 (2 with --quick).")
    Double durationSeconds;

    @Option(names = "--http-client", defaultValue = "both",
            description = "HTTP client of the device reads: socket (minimal keep-alive HTTP/1.1), jdk (java.net.http), both. Default ${DEFAULT-VALUE}.")
    String httpClient;

    @Option(names = "--no-raw", description = "Skip the raw Kafka reference.")
    boolean noRaw;

    @Option(names = "--no-reads", description = "Skip every read phase (SpectraCache and Redis).")
    boolean noReads;

    @Option(names = "--no-kv", description = "Skip the GET /v1/kv/{key} phase.")
    boolean noKv;

    @Option(names = "--no-floor", description = "Skip the GET /health/live read phase (the HTTP stack's own cost, no store, "
            + "no routing). Not the floor application: see --no-floor-app.")
    boolean noFloor;

    @Option(names = "--no-floor-app", description = "Skip the floor application phase (a minimal Kafka Streams application "
            + "on the same events: parse, count and latest value per device; SpectraCache's end-to-end rate is reported as "
            + "a ratio to it). Not the HTTP floor: see --no-floor.")
    boolean noFloorApp;

    @Option(names = "--no-redis", description = "Skip Redis.")
    boolean noRedis;

    @Option(names = "--no-series", description = "Skip every time-series phase (issue 8): ingest with series on and off, "
            + "bytes per raw point, range queries, Flight against JSON, Redis sorted sets.")
    boolean noSeries;

    @Option(names = "--no-series-ingest", description = "Skip the ingest rounds with series on and off (and the bytes per "
            + "point of the bench events).")
    boolean noSeriesIngest;

    @Option(names = "--no-series-queries", description = "Skip the backfill and the range queries on the simulated fleet.")
    boolean noSeriesQueries;

    @Option(names = "--no-series-bulk", description = "Skip Arrow Flight against JSON REST over the fleet's raw points.")
    boolean noSeriesBulk;

    @Option(names = "--no-series-redis", description = "Skip the fleet's points in Redis sorted sets.")
    boolean noSeriesRedis;

    @Option(names = "--series-rounds", defaultValue = "2", description = "Pairs of ingest rounds with series off and on, each on "
            + "a fresh instance with the same events, the pairs alternating which goes first, after one unmeasured round "
            + "with series on (2: on; off, on; on, off). Default ${DEFAULT-VALUE}.")
    int seriesRounds;

    @Option(names = "--series-points", description = "Raw points of the simulated fleet (its events carry 3 or 4 metrics). "
            + "Default 10,000,000 (400,000 with --quick).")
    Long seriesPoints;

    @Option(names = "--series-period-seconds", defaultValue = "10", description = "How often each fleet device reports, on "
            + "average. Default ${DEFAULT-VALUE}.")
    double seriesPeriodSeconds;

    @Option(names = "--series-history-devices", description = "Devices with a backfilled history of one event per minute, "
            + "for the rollup queries. Default 5 (2 with --quick); 0: no backfill.")
    Integer seriesHistoryDevices;

    @Option(names = "--series-history-days", defaultValue = "30", description = "How far back the backfill goes, and the "
            + "range of the 1-minute rollup query. Default ${DEFAULT-VALUE}.")
    int seriesHistoryDays;

    @Option(names = "--series-rollup-agg", defaultValue = "avg", description = "agg= of the 1-minute rollup query. Default ${DEFAULT-VALUE}.")
    String seriesRollupAgg;

    @Option(names = "--series-group-by", defaultValue = "model", description = "groupBy= of the fleet-wide query (a "
            + "SimulatedFleet attribute: model, fw, region). Default ${DEFAULT-VALUE}.")
    String seriesGroupBy;

    @Option(names = "--no-spatial", description = "Skip the spatial phases (ingest with spatial off and on, queries over a "
            + "fleet of --spatial-devices against Redis GEOSEARCH, fence checks): see SpatialBench.")
    boolean noSpatial;

    @Option(names = "--spatial-devices", description = "Devices of the spatial query fleet. Default 1,000,000 (100,000 with --quick); "
            + "0: no fleet, queries or fence checks.")
    Integer spatialDevices;

    @Option(names = "--spatial-rounds", defaultValue = "3", description = "Pairs of ingest rounds with spatial off and on, "
            + "each round on a fresh instance with the same events, the pairs alternating which goes first; 0: none. "
            + "Default ${DEFAULT-VALUE}.")
    int spatialRounds;

    @Option(names = "--no-sketches", description = "Skip every sketch phase (issue 9): ingest with the default sketches on "
            + "and off, distinct-count, top-K and membership queries on a week of history, Redis PFADD/PFCOUNT/PFMERGE.")
    boolean noSketches;

    @Option(names = "--sketch-rounds", defaultValue = "2", description = "Pairs of ingest rounds with sketches off and on, "
            + "alternating which goes first, after one unmeasured round with them on; each round a fresh instance with the "
            + "same events; 0: none. Default ${DEFAULT-VALUE}.")
    int sketchRounds;

    @Option(names = "--sketch-devices", description = "Device pool of the week of history the sketch queries read. "
            + "Default 50,000 (5,000 with --quick).")
    Integer sketchDevices;

    @Option(names = "--sketch-events-per-hour", description = "Events per hour of that history (168 hours). Default 3,000 "
            + "(500 with --quick).")
    Integer sketchEventsPerHour;

    @Option(names = "--sketch-end-hour", description = "End the week of history at this whole UTC hour (0-23) of today, or "
            + "of yesterday while it is still ahead, instead of at the current hour: the 24 h count reads yesterday's "
            + "hours and today's day window holding the hours since midnight, so 2 measures the first hours of a UTC day "
            + "(a sparse day window) at any time. Default: the current hour.")
    Integer sketchEndHour;

    @Option(names = "--ingest-warmup-events", description = "Events (over other device ids) ingested and awaited before the "
            + "measured end-to-end run, so that it measures a warm JVM rather than the JIT compiler. Default 200,000 "
            + "(20,000 with --quick); 0: none.")
    Integer ingestWarmupEvents;

    @Option(names = "--ingest-timeout-seconds", defaultValue = "900", description = "Give up waiting for the state after this. Default ${DEFAULT-VALUE}.")
    long ingestTimeoutSeconds;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the generated events and the read keys.")
    long seed;

    @Option(names = "--output-dir", defaultValue = "${sys:bench.outputDir:-target}", description = "Where bench-<timestamp>.md is written. Default ${DEFAULT-VALUE}.")
    Path outputDir;

    @Option(names = "--keep-data", description = "Keep the temporary data directory (broker log, state stores).")
    boolean keepData;

    private String[] arguments = new String[0];
    private String spatialSection = "";
    private final long t0 = System.nanoTime();

    public static void main(String[] args) {
        BenchCommand command = new BenchCommand();
        command.arguments = args.clone();
        int exit = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(exit);
    }

    @Override
    public Integer call() throws Exception {
        int eventCount = events != null ? events : quick ? 100_000 : 1_000_000;
        Duration warmup = seconds(warmupSeconds != null ? warmupSeconds : quick ? 1 : 5);
        Duration measure = seconds(durationSeconds != null ? durationSeconds : quick ? 2 : 10);
        if (!List.of("socket", "jdk", "both").contains(httpClient.toLowerCase(Locale.ROOT))) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--http-client: socket, jdk or both");
        }
        String runId = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).format(LocalDateTime.now());
        Report report = new Report(Machine.describe(), "bench/run " + String.join(" ", arguments),
                String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()), Instant.now());
        report.events = eventCount;
        report.devices = devices;
        log("machine: " + report.machine.processors() + " CPUs, " + report.machine.cpuModel() + ", " + report.machine.jvm()
                + ", load " + report.machine.loadAverage());

        log("generating " + Format.count(eventCount) + " events over " + Format.count(devices) + " devices");
        Events generated = Events.generate(eventCount, devices, seed, Instant.now());
        log("generated: " + Format.decimal(generated.averageValueBytes(), 1) + " bytes per event on average, e.g. "
                + new String(generated.value(0), StandardCharsets.UTF_8));

        Path dataDir = Files.createTempDirectory("spectracache-bench-");
        boolean embedded = bootstrapServers == null || bootstrapServers.isBlank();
        String prefix = embedded ? "spectra." : "bench-" + runId + ".spectra.";
        EmbeddedKafka broker = null;
        String[] deviceStates = null;
        SeriesPhases series = null;
        SketchBench sketches = null;
        try {
            String bootstrap;
            if (embedded) {
                log("starting an embedded Kafka broker in " + dataDir.resolve("kafka"));
                broker = EmbeddedKafka.start(dataDir.resolve("kafka"), 0, 0, Map.of());
                bootstrap = broker.bootstrapServers();
            } else {
                bootstrap = bootstrapServers;
            }
            Map<String, Object> settings = cacheSettings(bootstrap, dataDir, prefix, runId);
            describeSettings(report, generated, bootstrap, embedded, settings, warmup, measure);

            if (!noRaw) {
                report.raw = rawKafka(bootstrap, prefix + "bench.raw-reference", generated, embedded);
                log("raw Kafka: " + Format.rate(report.raw.recordsPerSecond()) + " records/s, "
                        + Format.megabytes(report.raw.megabytesPerSecond()) + " in " + Format.seconds(report.raw.seconds()));
            }

            if (!noFloorApp) {
                floor(report, generated, bootstrap, embedded, dataDir.resolve("floor"), prefix, runId, settings);
            }

            log("starting SpectraCache (application id " + settings.get(SpectraConfig.APPLICATION_ID_CONFIG) + ")");
            long startAt = System.nanoTime();
            try (SpectraCache cache = SpectraCache.start(SpectraConfig.of(settings))) {
                if (!cache.awaitReady(Duration.ofSeconds(180))) {
                    throw new IllegalStateException("SpectraCache not ready after 180 s: " + cache.readiness());
                }
                report.startupSeconds = (System.nanoTime() - startAt) / 1e9;
                int port = cache.restPort();
                log("SpectraCache ready in " + Format.seconds(report.startupSeconds) + ", REST on port " + port);

                int warmPerDevice = Math.min(generated.eventsPerDevice(),
                        (ingestWarmupEvents != null ? ingestWarmupEvents : quick ? 20_000 : 200_000) / devices);
                if (warmPerDevice > 0) {
                    warmUpIngest(report, warmPerDevice * devices, bootstrap, prefix + "events.raw", port);
                }
                deviceStates = ingest(report, generated, bootstrap, prefix + "events.raw", port);
                report.streamsFigures.putAll(streamsFigures(cache.registry()));
                String[] deviceIds = generated.deviceIds();
                generated = null; // ~300 MB of events: not needed any more, keep it out of the read phases' GC
                System.gc();

                if (!noReads) {
                    readSpectraCache(report, port, deviceIds, deviceStates, warmup, measure);
                    log("bulk reads: every device state over Arrow Flight, then over REST pages");
                    report.bulk.add(BulkReads.flight(cache.flightPort(), warmup, measure));
                    report.bulk.add(BulkReads.rest(port, warmup, measure));
                    report.bulk.forEach(r -> log("bulk: " + r.name() + ": " + Format.rate(r.rowsPerSecond()) + " rows/s"));
                }
                log("stopping SpectraCache");
            }

            if (!noSeries) {
                series = seriesPhases(report, bootstrap, dataDir, runId, eventCount, warmup, measure);
                try {
                    series.run();
                } catch (Exception e) {
                    // The figures of the phases before stay in the report; the stack trace goes to the log.
                    log("time series failed: " + e);
                    e.printStackTrace(System.out);
                    report.series.notes.add("**The time-series phases stopped**: " + e);
                }
            }

            if (!noSpatial) {
                try {
                    spatialSection = SpatialBench.run(new SpatialBench.Settings(settings, bootstrap, dataDir.resolve("spatial"),
                            prefix, runId, quick ? 100_000 : 300_000, devices, spatialRounds, spatialDevices != null ? spatialDevices
                            : quick ? 100_000 : 1_000_000, 10_000, clients, warmup, measure, seed, !noRedis,
                            Duration.ofSeconds(ingestTimeoutSeconds)), this::log);
                } catch (Exception e) {
                    log("spatial failed: " + e);
                    e.printStackTrace(System.out);
                    spatialSection = "\n## Spatial (issue 10)\n\n**The spatial phases stopped**: " + e + "\n";
                }
            }

            if (!noSketches) {
                sketches = sketchBench(bootstrap, dataDir, runId, eventCount, warmup, measure);
                try {
                    sketches.run();
                } catch (Exception e) {
                    log("sketches failed: " + e);
                    e.printStackTrace(System.out);
                    sketches.notes.add("**The sketch phases stopped**: " + e);
                }
            }
        } finally {
            if (broker != null) {
                log("stopping the embedded broker");
                broker.close();
            }
            if (!keepData) {
                deleteRecursively(dataDir);
            } else {
                report.notes.add("data kept in " + dataDir);
            }
        }

        if (!noReads && !noRedis) {
            readRedis(report, dataDir.resolveSibling(dataDir.getFileName() + "-redis"), deviceStates, warmup, measure);
        } else if (!noReads) {
            report.notes.add("Redis skipped (--no-redis).");
        }

        if (series != null) {
            try {
                series.redis(dataDir.resolveSibling(dataDir.getFileName() + "-redis-series"));
            } catch (Exception e) {
                log("Redis series failed: " + e);
                e.printStackTrace(System.out);
                report.series.notes.add("**Redis series failed**: " + e);
            } finally {
                deleteRecursively(dataDir.resolveSibling(dataDir.getFileName() + "-redis-series"));
            }
        }

        if (sketches != null) {
            try {
                sketches.redis(dataDir.resolveSibling(dataDir.getFileName() + "-redis-sketches"));
            } catch (Exception e) {
                log("Redis sketches failed: " + e);
                e.printStackTrace(System.out);
                sketches.notes.add("**Redis sketches failed**: " + e);
            } finally {
                deleteRecursively(dataDir.resolveSibling(dataDir.getFileName() + "-redis-sketches"));
            }
        }

        report.cpu.putAll(cpu);
        String markdown = report.markdown() + spatialSection + (sketches == null ? "" : sketches.markdown());
        System.out.println();
        System.out.println(markdown);
        Files.createDirectories(outputDir);
        Path file = outputDir.resolve("bench-" + runId + ".md");
        Files.writeString(file, markdown);
        log("report written to " + file.toAbsolutePath());
        return 0;
    }

    private Map<String, Object> cacheSettings(String bootstrap, Path dataDir, String prefix, String runId) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(SpectraConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        settings.put(SpectraConfig.DATA_DIR_CONFIG, dataDir.resolve("cache").toString());
        settings.put(SpectraConfig.APPLICATION_ID_CONFIG, "spectracache-bench-" + runId);
        settings.put(SpectraConfig.TOPIC_PREFIX_CONFIG, prefix);
        settings.put(SpectraConfig.REST_HOST_CONFIG, HOST);
        settings.put(SpectraConfig.REST_PORT_CONFIG, 0);
        settings.put(FlightSettings.PORT_CONFIG, 0);
        settings.put(SpectraConfig.ADVERTISED_HOST_CONFIG, HOST);
        settings.put(SpectraConfig.TOPIC_PARTITIONS_CONFIG, partitions);
        if (streamThreads != null) {
            settings.put(SpectraConfig.STREAM_THREADS_CONFIG, streamThreads);
        }
        if (processingGuarantee != null) {
            settings.put(SpectraConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
        }
        if (commitIntervalMs != null) {
            settings.put(SpectraConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
        }
        streamsConfig.forEach((key, value) -> settings.put("spectracache.streams." + key, value));
        settings.putAll(config);
        SpectraConfig.of(settings).unknownKeys().forEach(key -> log("warning: unknown SpectraCache setting " + key));
        return settings;
    }

    /** Issue 8's phases, on this broker, each instance with its own application id, topic prefix and data directory. */
    private SeriesPhases seriesPhases(Report report, String bootstrap, Path dataDir, String runId, int eventCount,
                                      Duration warmup, Duration measure) {
        boolean embedded = bootstrapServers == null || bootstrapServers.isBlank();
        SeriesPhases.Options options = new SeriesPhases.Options(eventCount, devices, seed, seriesRounds,
                seriesPoints != null ? seriesPoints : quick ? 400_000 : 10_000_000, Math.round(seriesPeriodSeconds * 1000),
                seriesHistoryDevices != null ? seriesHistoryDevices : quick ? 2 : 5, Duration.ofDays(seriesHistoryDays),
                seriesRollupAgg, seriesGroupBy, clients, warmup, measure,
                (ingestWarmupEvents != null ? ingestWarmupEvents : quick ? 20_000 : 200_000) / devices,
                Duration.ofSeconds(ingestTimeoutSeconds), !noSeriesIngest, !noSeriesQueries, !noSeriesBulk, !noSeriesRedis && !noRedis);
        return new SeriesPhases(options, bootstrap, SpectraConfig.of(cacheSettings(bootstrap, dataDir, "spectra.", runId))
                .kafkaClientOverrides(), name -> {
                    String prefix = embedded ? name + ".spectra." : "bench-" + runId + "." + name + ".spectra.";
                    Map<String, Object> settings = cacheSettings(bootstrap, dataDir, prefix, runId);
                    settings.put(SpectraConfig.APPLICATION_ID_CONFIG, "spectracache-bench-" + runId + "-" + name);
                    settings.put(SpectraConfig.DATA_DIR_CONFIG, dataDir.resolve(name).toString());
                    return settings;
                }, report.series, (name, factory, c, keys) -> readPhase(name, factory, c, keys, warmup, measure), this::log);
    }

    /** Issue 9's phases ({@link SketchBench}), each instance with its own application id, topic prefix and data directory. */
    private SketchBench sketchBench(String bootstrap, Path dataDir, String runId, int eventCount, Duration warmup,
                                    Duration measure) {
        boolean embedded = bootstrapServers == null || bootstrapServers.isBlank();
        SketchBench.Options options = new SketchBench.Options(eventCount, devices, seed, sketchRounds,
                sketchDevices != null ? sketchDevices : quick ? 5_000 : 50_000,
                sketchEventsPerHour != null ? sketchEventsPerHour : quick ? 500 : 3_000, clients, warmup, measure,
                (ingestWarmupEvents != null ? ingestWarmupEvents : quick ? 20_000 : 200_000) / devices,
                Duration.ofSeconds(ingestTimeoutSeconds), !noRedis, sketchEndHour);
        return new SketchBench(options, bootstrap, SpectraConfig.of(cacheSettings(bootstrap, dataDir, "spectra.", runId))
                .kafkaClientOverrides(), name -> {
                    String prefix = embedded ? name + ".spectra." : "bench-" + runId + "." + name + ".spectra.";
                    Map<String, Object> settings = cacheSettings(bootstrap, dataDir, prefix, runId);
                    settings.put(SpectraConfig.APPLICATION_ID_CONFIG, "spectracache-bench-" + runId + "-" + name);
                    settings.put(SpectraConfig.DATA_DIR_CONFIG, dataDir.resolve(name).toString());
                    return settings;
                }, (name, factory, c, keys) -> readPhase(name, factory, c, keys, warmup, measure), this::log);
    }

    private void describeSettings(Report report, Events generated, String bootstrap, boolean embedded,
                                  Map<String, Object> settings, Duration warmup, Duration measure) {
        SpectraConfig effective = SpectraConfig.of(settings);
        report.settings.put("events × devices", Format.count(generated.size()) + " × " + Format.count(generated.devices())
                + " (" + Format.count(generated.eventsPerDevice()) + " per device)");
        report.settings.put("event size", Format.decimal(generated.averageValueBytes(), 1) + " bytes of JSON on average (key: device id)");
        report.settings.put("Kafka", embedded ? "embedded single-node broker in this JVM (" + bootstrap + ")" : bootstrap);
        report.settings.put("producer (raw and end to end)", "acks=all, idempotent, linger.ms=5, batch.size=256 KiB, lz4, buffer 64 MiB");
        report.settings.put("partitions", Integer.toString(effective.getInt(SpectraConfig.TOPIC_PARTITIONS_CONFIG)));
        report.settings.put("processing guarantee", effective.getString(SpectraConfig.PROCESSING_GUARANTEE_CONFIG));
        report.settings.put("stream threads", Integer.toString(effective.getInt(SpectraConfig.STREAM_THREADS_CONFIG)));
        report.settings.put("commit interval", effective.getLong(SpectraConfig.COMMIT_INTERVAL_MS_CONFIG) + " ms");
        if (!streamsConfig.isEmpty()) {
            report.settings.put("Kafka Streams overrides", streamsConfig.toString());
        }
        if (!config.isEmpty()) {
            report.settings.put("other settings", config.toString());
        }
        report.settings.put("read phases", Format.seconds(warmup.toMillis() / 1e3) + " warm-up + "
                + Format.seconds(measure.toMillis() / 1e3) + " measured, keys uniformly random over the devices");
    }

    private final Map<String, CpuAccounting.Usage> cpu = new LinkedHashMap<>();

    private ProduceRun.Result rawKafka(String bootstrap, String topic, Events generated, boolean embedded) throws Exception {
        Map<String, Object> adminProps = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(adminProps)) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions),
                    embedded ? Optional.of((short) 1) : Optional.empty()))).all().get(60, TimeUnit.SECONDS);
            try (Producer<byte[], byte[]> producer = ProduceRun.producer(ProduceRun.tunedProducer(bootstrap, "bench-raw-reference"))) {
                producer.partitionsFor(topic); // metadata outside the timed part, as for the end-to-end producer
                int warm = Math.min(generated.size(), 200_000);
                log("raw Kafka: warm-up, " + Format.count(warm) + " records to " + topic);
                ProduceRun.send(producer, topic, generated, 0, warm);
                log("raw Kafka: measuring " + Format.count(generated.size()) + " records to " + topic + " (" + partitions + " partitions)");
                CpuAccounting.Snapshot before = CpuAccounting.snapshot();
                ProduceRun.Result result = ProduceRun.send(producer, topic, generated, 0, generated.size());
                cpu.put("raw Kafka produce", CpuAccounting.between(before, CpuAccounting.snapshot()));
                return result;
            } finally {
                admin.deleteTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
            }
        }
    }

    private CpuAccounting.Snapshot ingestCpuStart;

    /** Runs the same pipeline over other devices first, so the JIT compiler is done before the measured run. */
    private void warmUpIngest(Report report, int count, String bootstrap, String topic, int port) throws Exception {
        Events warm = Events.generate(count, devices, seed + 1, Instant.now(), "warmup-device-");
        log("end to end: warm-up, " + Format.count(count) + " events over " + Format.count(devices) + " other devices");
        ProduceRun.Result sent;
        try (Producer<byte[], byte[]> producer = ProduceRun.producer(ProduceRun.tunedProducer(bootstrap, "bench-ingest-warmup"))) {
            producer.partitionsFor(topic);
            sent = ProduceRun.send(producer, topic, warm, 0, warm.size());
        }
        Queryable.Outcome outcome = Queryable.awaitDeviceCounts(HOST, port, warm.deviceIds(), warm.eventsPerDevice(),
                Duration.ofSeconds(ingestTimeoutSeconds), message -> log("end to end, warm-up: " + message));
        double seconds = (outcome.completeNanos() - sent.startNanos()) / 1e9;
        log("end to end: warm-up done, " + Format.rate(count / seconds) + " events/s on the cold JVM");
        report.notes.add("Warm-up before the measured end-to-end run: " + Format.count(count) + " events over "
                + Format.count(devices) + " other device ids, the same pipeline, " + Format.rate(count / seconds)
                + " events/s end to end on the cold JVM (" + Format.seconds(seconds) + ").");
        System.gc();
    }

    private String[] ingest(Report report, Events generated, String bootstrap, String topic, int port) throws Exception {
        try (Producer<byte[], byte[]> producer = ProduceRun.producer(ProduceRun.tunedProducer(bootstrap, "bench-ingest"))) {
            producer.partitionsFor(topic);
            log("end to end: producing " + Format.count(generated.size()) + " events to " + topic);
            ingestCpuStart = CpuAccounting.snapshot();
            report.ingestProducer = ProduceRun.send(producer, topic, generated, 0, generated.size());
        }
        log("end to end: producer done in " + Format.seconds(report.ingestProducer.seconds()) + " ("
                + Format.rate(report.ingestProducer.recordsPerSecond()) + " events/s); waiting until every device counts "
                + generated.eventsPerDevice());
        Queryable.Outcome outcome = Queryable.awaitDeviceCounts(HOST, port, generated.deviceIds(), generated.eventsPerDevice(),
                Duration.ofSeconds(ingestTimeoutSeconds), message -> log("end to end: " + message));
        cpu.put(Report.CPU_END_TO_END, CpuAccounting.between(ingestCpuStart, CpuAccounting.snapshot()));
        report.endToEndSeconds = (outcome.completeNanos() - report.ingestProducer.startNanos()) / 1e9;
        log("end to end: " + Format.rate(report.endToEndRate()) + " events/s (" + Format.seconds(report.endToEndSeconds)
                + "; " + outcome.requests() + " polling requests)");
        if (outcome.overcounted() > 0) {
            report.notes.add(outcome.overcounted() + " devices counted more events than were sent (duplicates not dropped?).");
        }
        report.notes.add("End to end: the state was complete " + Format.seconds(report.endToEndSeconds - report.ingestProducer.seconds())
                + " after the producer's last acknowledgement; the wait polled GET /v1/devices/{id} "
                + Format.count(outcome.requests()) + " times (one device at a time; while a device is incomplete, a pause of 100 ms, or 10 ms once it has 90 % of its events).");
        return outcome.states();
    }

    /**
     * The floor phase: {@link FloorApp} with SpectraCache's stream threads, commit interval, processing guarantee and
     * partitions, on this broker, fed exactly as the end-to-end phase is (the same warm-up over other device ids, then
     * the same events with the same producer), and timed by the same rule: first send → every device's count complete,
     * walked in the same order with the same pauses, read by interactive queries instead of HTTP. Its topics are
     * deleted afterwards, so SpectraCache's phase finds the broker as it would without it.
     */
    private void floor(Report report, Events generated, String bootstrap, boolean embedded, Path stateDir, String prefix,
                       String runId, Map<String, Object> cacheSettings) throws Exception {
        SpectraConfig shared = SpectraConfig.of(cacheSettings);
        String topic = prefix + "bench.floor.events";
        FloorApp.Settings settings = new FloorApp.Settings(bootstrap, "spectracache-bench-floor-" + runId, topic, stateDir,
                shared.getInt(SpectraConfig.STREAM_THREADS_CONFIG), shared.getLong(SpectraConfig.COMMIT_INTERVAL_MS_CONFIG),
                shared.getString(SpectraConfig.PROCESSING_GUARANTEE_CONFIG),
                shared.getShort(SpectraConfig.TOPIC_REPLICATION_FACTOR_CONFIG), shared.kafkaClientOverrides());
        report.settings.put("floor application", "Kafka Streams, application id " + settings.applicationId() + ", "
                + settings.streamThreads() + " stream thread(s), commit " + settings.commitIntervalMs() + " ms, "
                + settings.processingGuarantee() + ", input " + topic + " (" + partitions + " partitions); Kafka Streams' "
                + "defaults otherwise (record cache 10 MiB)");
        Map<String, Object> adminProps = new HashMap<>(shared.kafkaClientOverrides());
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(adminProps)) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions),
                    embedded ? Optional.of((short) 1) : Optional.empty()))).all().get(60, TimeUnit.SECONDS);
            try {
                log("floor: starting the minimal Kafka Streams application (application id " + settings.applicationId() + ")");
                try (FloorApp app = FloorApp.start(settings)) {
                    if (!app.awaitRunning(Duration.ofSeconds(180))) {
                        throw new IllegalStateException("floor application not running after 180 s: " + app.state());
                    }
                    int warmPerDevice = Math.min(generated.eventsPerDevice(),
                            (ingestWarmupEvents != null ? ingestWarmupEvents : quick ? 20_000 : 200_000) / devices);
                    if (warmPerDevice > 0) {
                        Events warm = Events.generate(warmPerDevice * devices, devices, seed + 1, Instant.now(), "warmup-device-");
                        log("floor: warm-up, " + Format.count(warm.size()) + " events over " + Format.count(devices) + " other devices");
                        FloorRun run = floorRun(app, warm, bootstrap, topic, "bench-floor-warmup", "floor, warm-up");
                        report.notes.add("Floor warm-up: " + Format.count(warm.size()) + " events over other device ids, "
                                + Format.rate(warm.size() / run.seconds()) + " events/s on the cold application ("
                                + Format.seconds(run.seconds()) + ").");
                        System.gc();
                    }
                    log("floor: producing " + Format.count(generated.size()) + " events to " + topic);
                    FloorRun run = floorRun(app, generated, bootstrap, topic, "bench-floor", "floor");
                    cpu.put(Report.CPU_FLOOR, CpuAccounting.between(run.cpuStart(), CpuAccounting.snapshot()));
                    report.floorProducer = run.sent();
                    report.floorSeconds = run.seconds();
                    log("floor: " + Format.rate(report.floorRate()) + " events/s (" + Format.seconds(run.seconds())
                            + "; producer " + Format.seconds(run.sent().seconds()) + ", " + run.walk().looks() + " interactive queries)");
                    if (run.walk().overcounted() > 0) {
                        report.notes.add("Floor: " + run.walk().overcounted() + " devices counted more events than were sent.");
                    }
                    report.notes.add("Floor: the state was complete " + Format.seconds(run.seconds() - run.sent().seconds())
                            + " after the producer's last acknowledgement (producer alone " + Format.rate(run.sent().recordsPerSecond())
                            + " events/s); the wait made " + Format.count(run.walk().looks()) + " interactive queries (the same "
                            + "walk and pauses as the end-to-end phase's HTTP polling).");
                }
            } finally {
                admin.deleteTopics(List.of(topic, settings.applicationId() + "-" + FloorApp.STORE + "-changelog"))
                        .all().get(60, TimeUnit.SECONDS);
            }
        }
        System.gc();
    }

    /**
     * One produce-and-await of the floor: the CPU counters just before the first send (after the producer's set-up,
     * as for the end-to-end phase), what was sent, and the walk that saw every device complete.
     */
    private record FloorRun(CpuAccounting.Snapshot cpuStart, ProduceRun.Result sent, Queryable.Walk walk) {
        double seconds() {
            return (walk.completeNanos() - sent.startNanos()) / 1e9;
        }
    }

    private FloorRun floorRun(FloorApp app, Events events, String bootstrap, String topic, String clientId, String logPrefix)
            throws Exception {
        ProduceRun.Result sent;
        CpuAccounting.Snapshot cpuStart;
        try (Producer<byte[], byte[]> producer = ProduceRun.producer(ProduceRun.tunedProducer(bootstrap, clientId))) {
            producer.partitionsFor(topic);
            cpuStart = CpuAccounting.snapshot();
            sent = ProduceRun.send(producer, topic, events, 0, events.size());
        }
        String[] ids = events.deviceIds();
        Queryable.Walk walk = Queryable.awaitCounts(ids, events.eventsPerDevice(), Duration.ofSeconds(ingestTimeoutSeconds),
                message -> log(logPrefix + ": " + message), new Queryable.Probe() {
                    private long last;

                    @Override
                    public long count(int device) {
                        last = app.count(ids[device]);
                        return last;
                    }

                    @Override
                    public String lastAnswer() {
                        return last < 0 ? "no state yet" : "count " + last;
                    }
                }, Thread::sleep);
        return new FloorRun(cpuStart, sent, walk);
    }

    /** Ingest counters and Kafka Streams thread figures, to see what the end-to-end run did. */
    private static Map<String, String> streamsFigures(MeterRegistry registry) {
        Map<String, String> figures = new LinkedHashMap<>();
        for (String name : List.of("spectra.ingest.events", "spectra.ingest.accepted", "spectra.ingest.dlq", "spectra.ingest.duplicates",
                "kafka.stream.thread.process.total", "kafka.stream.thread.poll.total", "kafka.stream.thread.poll.records.avg",
                "kafka.stream.thread.process.records.avg", "kafka.stream.thread.commit.total", "kafka.stream.thread.commit.latency.avg",
                "kafka.stream.thread.commit.latency.max", "kafka.stream.thread.punctuate.total", "kafka.stream.thread.blocked.time.ns.total")) {
            double sum = 0;
            double max = Double.NEGATIVE_INFINITY;
            int meters = 0;
            for (Meter meter : registry.find(name).meters()) {
                for (Measurement measurement : meter.measure()) {
                    double value = measurement.getValue();
                    if (!Double.isNaN(value)) {
                        sum += value;
                        max = Math.max(max, value);
                        meters++;
                    }
                    break;
                }
            }
            if (meters == 0) {
                continue;
            }
            boolean average = name.endsWith(".avg") || name.endsWith(".max");
            figures.put(name + (average ? (meters > 1 ? " (max over threads)" : "") : (meters > 1 ? " (sum)" : "")),
                    Format.decimal(average ? max : sum, average ? 1 : 0));
        }
        return figures;
    }

    private void readSpectraCache(Report report, int port, String[] deviceIds, String[] deviceStates, Duration warmup,
                                  Duration measure) throws Exception {
        String mode = httpClient.toLowerCase(Locale.ROOT);
        if (!mode.equals("jdk")) {
            for (int c : clients) {
                report.reads.add(readPhase(Report.DEVICE_READ_SOCKET, Clients.socketHttp(HOST, port, "/v1/devices/", deviceIds),
                        c, deviceIds.length, warmup, measure));
            }
        }
        if (!noFloor) {
            for (int c : clients) {
                report.reads.add(readPhase(FLOOR_READ, Clients.socketHttp(HOST, port, "/health/", new String[] {"live"}),
                        c, 1, warmup, measure));
            }
        }
        if (!mode.equals("socket")) {
            for (int c : clients) {
                report.reads.add(readPhase("SpectraCache GET /v1/devices/{id}, java.net.http client",
                        Clients.jdkHttp(HOST, port, "/v1/devices/", deviceIds), c, deviceIds.length, warmup, measure));
            }
        }
        if (!noKv) {
            loadKv(port, deviceIds, deviceStates);
            ClosedLoop.ClientFactory kv = Clients.socketHttp(HOST, port, "/v1/kv/", deviceIds);
            for (int c : clients) {
                report.reads.add(readPhase("SpectraCache GET /v1/kv/{key} (same values), socket client", kv, c,
                        deviceIds.length, warmup, measure));
            }
        }
    }

    /** PUTs every device's state JSON under its id into the cache, then waits until every key reads back. */
    private void loadKv(int port, String[] keys, String[] values) throws Exception {
        log("kv: loading " + keys.length + " keys with the device-state JSON as values");
        int loaders = Math.min(8, keys.length);
        ExecutorService pool = Executors.newFixedThreadPool(loaders);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int l = 0; l < loaders; l++) {
                int first = l;
                done.add(pool.submit(() -> {
                    int failures = 0;
                    try (HttpConnection http = HttpConnection.open(HOST, port)) {
                        for (int i = first; i < keys.length; i += loaders) {
                            int status = http.exchange(HttpConnection.put(HOST, port, "/v1/kv/" + keys[i], "application/json",
                                    values[i].getBytes(StandardCharsets.UTF_8)));
                            if (status / 100 != 2) {
                                failures++;
                            }
                        }
                    }
                    return failures;
                }));
            }
            int failures = 0;
            for (Future<Integer> f : done) {
                failures += f.get();
            }
            if (failures > 0) {
                throw new IllegalStateException(failures + " PUT /v1/kv requests failed");
            }
        } finally {
            pool.shutdownNow();
        }
        Queryable.awaitAll(HOST, port, "/v1/kv/", keys, Duration.ofSeconds(60));
    }

    private void readRedis(Report report, Path workDir, String[] values, Duration warmup, Duration measure) throws Exception {
        Optional<Path> executable = RedisServer.find();
        if (executable.isEmpty()) {
            String message = "Redis skipped: redis-server is not on the PATH (Debian: apt-get install redis-server).";
            log(message);
            report.notes.add(message);
            return;
        }
        String[] keys = new String[devices];
        for (int d = 0; d < devices; d++) {
            keys[d] = Events.deviceId(d);
        }
        if (values == null) {
            values = new String[devices];
        }
        try (RedisServer redis = RedisServer.start(executable.get(), workDir, Duration.ofSeconds(20))) {
            log("Redis " + redis.version() + " started, PID " + redis.pid() + ", port " + redis.port());
            report.settings.put("Redis", redis.version() + " (" + executable.get() + "), child process, --save '' --appendonly no, loopback");
            byte[][] sets = new byte[devices][];
            for (int d = 0; d < devices; d++) {
                byte[] value = (values[d] != null ? values[d] : "x".repeat(600)).getBytes(StandardCharsets.UTF_8);
                sets[d] = RespConnection.command("SET".getBytes(StandardCharsets.UTF_8), keys[d].getBytes(StandardCharsets.UTF_8), value);
            }
            try (RespConnection loader = RespConnection.open(HOST, redis.port())) {
                int errors = loader.pipeline(sets);
                if (errors > 0) {
                    throw new IllegalStateException(errors + " Redis SETs failed");
                }
            }
            for (int c : clients) {
                report.reads.add(readPhase("Redis GET (same keys and values), RESP socket client",
                        Clients.redisGet(HOST, redis.port(), keys), c, keys.length, warmup, measure));
            }
            log("stopping Redis (PID " + redis.pid() + ")");
        } finally {
            deleteRecursively(workDir);
        }
    }

    private LatencyResult readPhase(String name, ClosedLoop.ClientFactory factory, int clientCount, int keys,
                                    Duration warmup, Duration measure) throws InterruptedException {
        log("reads: " + name + ", " + clientCount + " client(s), " + Format.seconds(warmup.toMillis() / 1e3)
                + " warm-up + " + Format.seconds(measure.toMillis() / 1e3));
        CpuAccounting.Snapshot before = CpuAccounting.snapshot();
        LatencyResult result = ClosedLoop.run(name, factory, clientCount, keys, warmup, measure, seed + clientCount);
        if (clientCount == clients.stream().mapToInt(Integer::intValue).max().orElse(0)
                && (name.equals(Report.DEVICE_READ_SOCKET) || name.equals(FLOOR_READ) || name.startsWith("Redis")
                || name.equals(SeriesReport.RAW_HOUR))) {
            cpu.put("reads: " + name + ", " + clientCount + " clients (warm-up included)", CpuAccounting.between(before, CpuAccounting.snapshot())
                    .withEndedThreads("benchmark client threads", result.clientCpuSeconds()).withCalls(result.calls()));
        }
        log("reads: " + Format.rate(result.requestsPerSecond()) + " req/s, p50 " + Format.micros(result.p50()) + ", p99 "
                + Format.micros(result.p99()) + ", p99.9 " + Format.micros(result.p999()) + ", max " + Format.micros(result.max())
                + (result.failed() > 0 ? ", " + result.failed() + " failed" : "")
                + (result.error() != null ? ", error: " + result.error() : ""));
        return result;
    }

    private void log(String message) {
        System.out.printf(Locale.ROOT, "[%7.1f s] %s%n", (System.nanoTime() - t0) / 1e9, message);
    }

    private static Duration seconds(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // a leftover temp file is harmless; the report says nothing about it
                }
            });
        } catch (IOException e) {
            // same: temp space only
        }
    }
}
