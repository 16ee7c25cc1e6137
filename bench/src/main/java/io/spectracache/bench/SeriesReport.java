package io.spectracache.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The time-series figures of one run (issue 8's benchmark), and their part of the Markdown report: ingest with series
 * on and off, bytes per raw point on disk, range-query latency, Flight against JSON, and Redis side by side.
 */
final class SeriesReport {
    /** Issue 8: ingest with series on keeps at least this share of the rate without. */
    static final double TARGET_ON_OFF = 0.8;
    /** Issue 8: bytes per raw point on disk. */
    static final double TARGET_BYTES_PER_POINT = 2.0;
    /** Issue 8: Flight's rows/s as a multiple of JSON's. */
    static final double TARGET_FLIGHT_OVER_JSON = 10;
    /** Issue 8: p99 of a 1 h raw range read, µs. */
    static final long TARGET_RAW_HOUR_P99_MICROS = 2_000;
    /** The name of the 1 h raw range read phase (its 1-client figure is the target's). */
    static final String RAW_HOUR = "SpectraCache GET /v1/devices/{id}/series/temp, 1 h of raw points";
    /** The 16 bytes of a (long, double) pair. */
    static final double PAIR_BYTES = 16;

    /** One ingest round: the same events into a fresh instance, series on or off. */
    record Round(int round, boolean series, long events, double seconds, ProduceRun.Result producer, CpuAccounting.Usage cpu) {
        double rate() {
            return events / seconds;
        }

        double cpuMicrosPerEvent() {
            return cpu == null ? Double.NaN : cpu.processSeconds() * 1e6 / events;
        }

        double streamMicrosPerEvent() {
            return cpu == null ? Double.NaN : cpu.byStage().get(CpuAccounting.Stage.STREAM_THREADS) * 1e6 / events;
        }
    }

    /**
     * The raw store's size for one data set: RocksDB's figures summed over tasks ({@code metrics} by Kafka metric
     * name), the points sent and how many of them are in sealed chunks (the {@link SealedPoints} model), the chunks
     * the model counts and those the processor counted ({@code spectra.timeseries.chunks.sealed}).
     */
    record StoreSize(String data, long points, long sealedPoints, long modelChunks, double counterChunks,
                     Map<String, Double> metrics, Map<String, Double> otherStores) {
        double bytesPerPoint(String metric) {
            Double bytes = metrics.get(metric);
            return bytes == null || sealedPoints == 0 ? Double.NaN : bytes / sealedPoints;
        }

        /** False only when the processor's counter is known and differs from the model. */
        boolean chunksAgree() {
            return Double.isNaN(counterChunks) || Math.abs(counterChunks - modelChunks) < 0.5;
        }
    }

    /** One range-query phase and what an answer held (e.g. "3,600 points"). */
    record Query(LatencyResult result, String answer) {
    }

    /** Redis holding the same points. */
    record RedisMemory(String version, long points, long series, long usedBefore, long usedAfter, String encoding,
                       String listpackLimit, double loadSeconds) {
        double bytesPerPoint() {
            return (double) (usedAfter - usedBefore) / points;
        }
    }

    final List<Round> rounds = new ArrayList<>();
    final List<StoreSize> sizes = new ArrayList<>();
    final List<Query> queries = new ArrayList<>();
    final List<BulkReads.Result> bulk = new ArrayList<>();
    final List<Query> redisReads = new ArrayList<>();
    final Map<String, String> settings = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();
    RedisMemory redis;
    /** Rows each bulk pass should read: every point of the fleet. */
    long bulkExpectedRows;
    /** How the store sizes were made to include everything written. */
    String flushNote;

    boolean isEmpty() {
        return rounds.isEmpty() && sizes.isEmpty() && queries.isEmpty() && bulk.isEmpty() && redis == null && redisReads.isEmpty()
                && notes.isEmpty();
    }

    /** Mean events/s of the rounds with series on (true) or off. */
    double meanRate(boolean series) {
        return rounds.stream().filter(r -> r.series() == series).mapToDouble(Round::rate).average().orElse(Double.NaN);
    }

    /** Mean CPU per event (this JVM) of the rounds with series on or off. */
    double meanCpu(boolean series) {
        return rounds.stream().filter(r -> r.series() == series).mapToDouble(Round::cpuMicrosPerEvent).average().orElse(Double.NaN);
    }

    /** Series on as a multiple of series off, events/s; NaN without both. */
    double onOffRatio() {
        return meanRate(true) / meanRate(false);
    }

    /** Flight's rows/s over JSON's; NaN without both. */
    double flightOverJson() {
        double flight = bulk.stream().filter(r -> r.name().startsWith("Arrow Flight")).mapToDouble(BulkReads.Result::rowsPerSecond)
                .findFirst().orElse(Double.NaN);
        double json = bulk.stream().filter(r -> r.name().startsWith("JSON")).mapToDouble(BulkReads.Result::rowsPerSecond)
                .findFirst().orElse(Double.NaN);
        return flight / json;
    }

    /** The 1 h raw range read at one client, if it ran. */
    LatencyResult rawHourOneClient() {
        return queries.stream().map(Query::result).filter(r -> r.name().equals(RAW_HOUR) && r.clients() == 1).findFirst().orElse(null);
    }

    String markdown(double floorRate) {
        if (isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("## Time series (issue 8)\n\n");
        if (!settings.isEmpty()) {
            md.append("| setting | value |\n| --- | --- |\n");
            settings.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
            md.append('\n');
        }
        if (!rounds.isEmpty()) {
            md.append("### Ingest with series on and off (same events, a fresh instance each round, pairs alternating which goes first, "
                            + "after one unmeasured round with series on)\n\n")
                    .append("| round | series | events | time | events/s | vs floor | CPU µs/event: this JVM / stream threads "
                            + "| CPU: this JVM / other processes |\n| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for (Round r : rounds) {
                md.append("| ").append(r.round()).append(" | ").append(r.series() ? "on" : "off").append(" | ")
                        .append(Format.count(r.events())).append(" | ").append(Format.seconds(r.seconds())).append(" | ")
                        .append(Format.rate(r.rate())).append(" | ").append(Format.times(r.rate() / floorRate)).append(" | ")
                        .append(Format.decimal(r.cpuMicrosPerEvent(), 1)).append(" / ").append(Format.decimal(r.streamMicrosPerEvent(), 1))
                        .append(" | ").append(cores(r.cpu())).append(" |\n");
            }
            md.append("\nSeries on / off: **").append(Format.times(onOffRatio())).append("** the events/s (mean of each side: ")
                    .append(Format.rate(meanRate(true))).append(" / ").append(Format.rate(meanRate(false)))
                    .append("), ").append(Format.times(meanCpu(true) / meanCpu(false))).append(" the CPU per event (")
                    .append(Format.decimal(meanCpu(true), 1)).append(" / ").append(Format.decimal(meanCpu(false), 1))
                    .append(" µs). Per pair (on / off of the same pair): ").append(pairs()).append(".\n\n");
            Round lastOff = null;
            Round lastOn = null;
            for (Round r : rounds) {
                if (r.series()) {
                    lastOn = r;
                } else {
                    lastOff = r;
                }
            }
            if (lastOff != null && lastOn != null && lastOff.cpu() != null && lastOn.cpu() != null) {
                md.append("CPU per event by stage, last round of each side:\n\n")
                        .append(Report.cpuPerEvent("series off", lastOff.cpu(), "series on", lastOn.cpu(), lastOn.events()))
                        .append('\n');
            }
        }
        if (!sizes.isEmpty()) {
            md.append("### Bytes per raw point on disk (`timeseries-raw`, RocksDB's own size properties)\n\n")
                    .append("| data | points sent | in sealed chunks | chunks: model / processor | total-sst-files-size "
                            + "| **B/point** | live-sst-files-size | B/point | memtables | vs 16 B (long, double) |\n"
                            + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for (StoreSize s : sizes) {
                double bpp = s.bytesPerPoint("total-sst-files-size");
                md.append("| ").append(s.data()).append(" | ").append(Format.count(s.points())).append(" | ")
                        .append(Format.count(s.sealedPoints())).append(" | ").append(Format.count(s.modelChunks())).append(" / ")
                        .append(Double.isNaN(s.counterChunks()) ? "–" : Format.count(Math.round(s.counterChunks())))
                        .append(s.chunksAgree() ? "" : " **(differ)**").append(" | ")
                        .append(bytes(s.metrics().get("total-sst-files-size"))).append(" | **").append(Format.decimal(bpp, 2))
                        .append("** | ").append(bytes(s.metrics().get("live-sst-files-size"))).append(" | ")
                        .append(Format.decimal(s.bytesPerPoint("live-sst-files-size"), 2)).append(" | ")
                        .append(bytes(s.metrics().get("size-all-mem-tables"))).append(" | ")
                        .append(Format.times(PAIR_BYTES / bpp).replace("×", "× smaller")).append(" |\n");
            }
            md.append('\n');
            for (StoreSize s : sizes) {
                if (!s.otherStores().isEmpty()) {
                    md.append("Other stores of ").append(s.data()).append(" (total-sst-files-size): ");
                    List<String> parts = new ArrayList<>();
                    s.otherStores().forEach((store, size) -> parts.add("`" + store + "` " + bytes(size)));
                    md.append(String.join(", ", parts)).append(".\n");
                }
            }
            if (flushNote != null) {
                md.append('\n').append(flushNote).append('\n');
            }
            md.append('\n');
        }
        if (!queries.isEmpty() || !redisReads.isEmpty()) {
            md.append("### Range queries (closed loop, loopback, socket client)\n\n")
                    .append("| query | clients | requests | requests/s | p50 | p99 | p99.9 | max | errors | an answer holds |\n")
                    .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
            List<Query> all = new ArrayList<>(queries);
            all.addAll(redisReads);
            for (Query q : all) {
                LatencyResult r = q.result();
                md.append("| ").append(r.name()).append(" | ").append(r.clients()).append(" | ").append(Format.count(r.ok()))
                        .append(" | ").append(Format.rate(r.requestsPerSecond()))
                        .append(" | ").append(Format.micros(r.p50())).append(" | ").append(Format.micros(r.p99())).append(" | ")
                        .append(Format.micros(r.p999())).append(" | ").append(Format.micros(r.max())).append(" | ").append(r.failed())
                        .append(r.error() == null ? "" : " (" + r.error().replace('|', '/') + ")").append(" | ")
                        .append(q.answer()).append(" |\n");
            }
            md.append("\nThe month of 1-minute buckets and the group-by run one client, one request after the other, for "
                    + "the measured time and at least 20 answers (few answers: p99 is about the maximum).\n\n");
        }
        if (!bulk.isEmpty()) {
            md.append("### The same raw points over Arrow Flight and JSON REST\n\n")
                    .append("| way | passes | rows per pass | rows/s | MB/s received | vs JSON | median pass rows/s | vs JSON (medians) |\n"
                            + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            double json = bulk.stream().filter(r -> r.name().startsWith("JSON")).mapToDouble(BulkReads.Result::rowsPerSecond)
                    .findFirst().orElse(Double.NaN);
            double jsonMedian = bulk.stream().filter(r -> r.name().startsWith("JSON"))
                    .mapToDouble(BulkReads.Result::medianPassRowsPerSecond).findFirst().orElse(Double.NaN);
            for (BulkReads.Result r : bulk) {
                md.append("| ").append(r.name().replace("|", "/")).append(" | ").append(r.passes()).append(" | ")
                        .append(Format.count(r.rows() / Math.max(1, r.passes()))).append(" | ").append(Format.rate(r.rowsPerSecond()))
                        .append(" | ").append(Format.decimal(r.megabytesPerSecond(), 1)).append(" | ")
                        .append(Format.times(r.rowsPerSecond() / json)).append(" | ")
                        .append(Double.isNaN(r.medianPassRowsPerSecond()) ? "–" : Format.rate(r.medianPassRowsPerSecond()))
                        .append(" | ").append(Double.isNaN(r.medianPassRowsPerSecond() / jsonMedian) ? "–"
                                : Format.times(r.medianPassRowsPerSecond() / jsonMedian)).append(" |\n");
            }
            md.append("\nEvery pass reads every point of the fleet (").append(Format.count(bulkExpectedRows))
                    .append(" rows). One client, loopback, the same instance; MB/s counts what the client receives "
                            + "(Arrow buffers, or JSON bodies). Each way warms up on its measured pass itself, again and "
                            + "again, for the warm-up time and at least " + SeriesPhases.BULK_MIN_WARMUP.toSeconds()
                            + " s, then on until the JIT compiler has settled (under "
                            + Format.decimal(100 * SeriesBulk.Warmup.SETTLED_SHARE, 0) + " % of the last "
                            + SeriesBulk.Warmup.SETTLE_WINDOW.toSeconds() + " s) or " + SeriesPhases.BULK_MAX_WARMUP.toSeconds()
                            + " s have passed (each way's note below says which, and the compilation during its measured "
                            + "passes), then reads whole passes for the measured time and at least "
                            + SeriesPhases.BULK_MIN_PASSES + ": rows/s is their total over their time, the median pass's "
                            + "beside it.\n\n");
        }
        if (redis != null) {
            md.append("### Redis: the same points in sorted sets\n\n")
                    .append("| Redis | points | sorted sets | used_memory before → after | **bytes per point** | encoding | load |\n")
                    .append("| --- | ---: | ---: | ---: | ---: | --- | ---: |\n")
                    .append("| ").append(redis.version()).append(" | ").append(Format.count(redis.points())).append(" | ")
                    .append(Format.count(redis.series())).append(" | ").append(bytes((double) redis.usedBefore())).append(" → ")
                    .append(bytes((double) redis.usedAfter())).append(" | **").append(Format.decimal(redis.bytesPerPoint(), 1))
                    .append("** | ").append(redis.encoding()).append(" (zset-max-listpack-entries ").append(redis.listpackLimit())
                    .append(") | ").append(Format.seconds(redis.loadSeconds())).append(" |\n\n")
                    .append("One sorted set per series (`series:<deviceId>:<metric>`), score = epoch ms, member = "
                            + "`<epoch-ms>:<value>` as text (the timestamp keeps equal values of one series distinct). "
                            + "Bytes per point = the growth of INFO memory `used_memory` over the load, divided by the points. "
                            + "Range reads: `ZRANGEBYSCORE key from (to` over the same range, RESP socket client (table above).\n\n");
        }
        if (!notes.isEmpty()) {
            notes.forEach(note -> md.append("- ").append(note).append('\n'));
            md.append('\n');
        }
        return md.toString();
    }

    /** The rows of the report's targets table. */
    String targets() {
        StringBuilder md = new StringBuilder();
        if (rounds.stream().anyMatch(Round::series) && rounds.stream().anyMatch(r -> !r.series())) {
            md.append("| ingest with series on ≥ ").append(Format.times(TARGET_ON_OFF)).append(" series off (issue 8) | ")
                    .append(Format.times(onOffRatio())).append(" | ").append(yesNo(onOffRatio() >= TARGET_ON_OFF)).append(" |\n");
        }
        sizes.stream().filter(s -> s.data().startsWith("simulated fleet")).findFirst().ifPresent(s -> {
            double bpp = s.bytesPerPoint("total-sst-files-size");
            md.append("| ≤ ").append(Format.decimal(TARGET_BYTES_PER_POINT, 0)).append(" bytes per raw point on disk, simulated fleet | ")
                    .append(Format.decimal(bpp, 2)).append(" B | ").append(yesNo(bpp <= TARGET_BYTES_PER_POINT)).append(" |\n");
        });
        LatencyResult hour = rawHourOneClient();
        if (hour != null) {
            md.append("| 1 h raw range p99 < 2 ms (1 client) | ").append(Format.micros(hour.p99())).append(" | ")
                    .append(yesNo(hour.failed() == 0 && hour.ok() > 0 && hour.p99() < TARGET_RAW_HOUR_P99_MICROS)).append(" |\n");
        }
        double flight = flightOverJson();
        if (!Double.isNaN(flight)) {
            md.append("| Flight ≥ 10× JSON rows/s, same points | ").append(Format.times(flight)).append(" | ")
                    .append(yesNo(flight >= TARGET_FLIGHT_OVER_JSON)).append(" |\n");
        }
        return md.toString();
    }

    /** On / off per pair: the two rounds of one round number, whichever went first. */
    private String pairs() {
        List<String> pairs = new ArrayList<>();
        for (Round on : rounds) {
            if (on.series()) {
                rounds.stream().filter(off -> !off.series() && off.round() == on.round()).findFirst()
                        .ifPresent(off -> pairs.add(Format.times(on.rate() / off.rate())));
            }
        }
        return pairs.isEmpty() ? "–" : String.join(", ", pairs);
    }

    private static String cores(CpuAccounting.Usage usage) {
        if (usage == null) {
            return "";
        }
        return Format.decimal(usage.processSeconds() / usage.wallSeconds(), 2) + " / "
                + Format.decimal(usage.otherProcessesSeconds() / usage.wallSeconds(), 2) + " cores";
    }

    /** "12.3 MB" (10^6), "–" for NaN or missing. */
    static String bytes(Double bytes) {
        if (bytes == null || bytes.isNaN()) {
            return "–";
        }
        if (bytes < 1e4) {
            return String.format(Locale.ROOT, "%.0f B", bytes);
        }
        if (bytes < 1e6) {
            return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    private static String yesNo(boolean met) {
        return met ? "yes" : "**no**";
    }
}
