package io.spectracache.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects the figures of one benchmark run and writes them as Markdown. */
final class Report {
    static final double TARGET_EVENTS_PER_SECOND = 100_000;
    static final double TARGET_RATIO_TO_RAW = 0.5;
    static final long TARGET_P99_MICROS_AT_32 = 1_000;
    /** Issue 7: end to end at least this multiple of the floor application's rate, in the same run. */
    static final double TARGET_RATIO_TO_FLOOR = 0.6;
    /** Keys of {@link #cpu} for the two ingest phases compared per event. */
    static final String CPU_END_TO_END = "end-to-end ingest";
    static final String CPU_FLOOR = "floor: minimal Kafka Streams application";

    final Machine machine;
    final String command;
    final String jvmArguments;
    final Instant started;
    final Map<String, String> settings = new LinkedHashMap<>();
    final List<LatencyResult> reads = new ArrayList<>();
    final List<BulkReads.Result> bulk = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    final Map<String, CpuAccounting.Usage> cpu = new LinkedHashMap<>();
    final Map<String, String> streamsFigures = new LinkedHashMap<>();
    /** Issue 8's time-series phases. */
    final SeriesReport series = new SeriesReport();
    ProduceRun.Result raw;
    ProduceRun.Result ingestProducer;
    double endToEndSeconds = Double.NaN;
    ProduceRun.Result floorProducer;
    double floorSeconds = Double.NaN;
    double startupSeconds = Double.NaN;
    long events;
    long devices;

    Report(Machine machine, String command, String jvmArguments, Instant started) {
        this.machine = machine;
        this.command = command;
        this.jvmArguments = jvmArguments;
        this.started = started;
    }

    double endToEndRate() {
        return events / endToEndSeconds;
    }

    /** The floor application's rate, first send → every device's count complete; NaN when it did not run. */
    double floorRate() {
        return events / floorSeconds;
    }

    /** SpectraCache's end-to-end rate as a multiple of the floor's; NaN when either did not run. */
    double ratioToFloor() {
        return endToEndRate() / floorRate();
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# SpectraCache benchmark, ").append(started).append("\n\n");
        md.append("Command: `").append(command).append("`");
        String revision = System.getProperty("bench.gitRevision", "");
        if (!revision.isBlank()) {
            md.append(" at commit `").append(revision).append('`');
        }
        md.append("\n\n");
        md.append("| machine | |\n| --- | --- |\n");
        md.append("| CPUs (nproc) | ").append(machine.processors()).append(" |\n");
        md.append("| CPU model | ").append(machine.cpuModel()).append(" |\n");
        md.append("| memory | ").append(machine.memory()).append(" |\n");
        md.append("| JVM | ").append(machine.jvm()).append(" |\n");
        md.append("| JVM options | `").append(jvmArguments.isBlank() ? "(none)" : jvmArguments).append("` |\n");
        md.append("| OS | ").append(machine.os()).append(" |\n");
        md.append("| load average at start / end | ").append(machine.loadAverage()).append(" / ")
                .append(Machine.currentLoadAverage()).append(" |\n\n");

        md.append("| setting | value |\n| --- | --- |\n");
        settings.forEach((key, value) -> md.append("| ").append(key).append(" | ").append(value).append(" |\n"));
        md.append('\n');

        md.append("## Ingest\n\n");
        md.append("| phase | records | time | records/s | MB/s | vs raw Kafka | vs floor | CPU: this JVM / other processes |\n")
                .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        if (raw != null) {
            md.append("| raw Kafka produce (reference) | ").append(Format.count(raw.records())).append(" | ")
                    .append(Format.seconds(raw.seconds())).append(" | ").append(Format.rate(raw.recordsPerSecond()))
                    .append(" | ").append(Format.megabytes(raw.megabytesPerSecond())).append(" | 100 % | – | ").append(cores("raw Kafka produce"))
                    .append(" |\n");
        }
        if (!Double.isNaN(floorSeconds)) {
            md.append("| floor: minimal Kafka Streams application (parse, count and latest per device in RocksDB; first send → every device's count read by IQ) | ")
                    .append(Format.count(events)).append(" | ").append(Format.seconds(floorSeconds)).append(" | ")
                    .append(Format.rate(floorRate())).append(" | ")
                    .append(Format.megabytes(floorProducer.bytes() / 1e6 / floorSeconds)).append(" | ")
                    .append(raw == null ? "–" : Format.percent(floorRate() / raw.recordsPerSecond())).append(" | 1.00× | ")
                    .append(cores(CPU_FLOOR)).append(" |\n");
        }
        if (ingestProducer != null) {
            md.append("| SpectraCache: producer only (to events.raw, streams running) | ")
                    .append(Format.count(ingestProducer.records())).append(" | ")
                    .append(Format.seconds(ingestProducer.seconds())).append(" | ")
                    .append(Format.rate(ingestProducer.recordsPerSecond())).append(" | ")
                    .append(Format.megabytes(ingestProducer.megabytesPerSecond())).append(" | ")
                    .append(raw == null ? "–" : Format.percent(ingestProducer.recordsPerSecond() / raw.recordsPerSecond()))
                    .append(" | – | |\n");
        }
        if (!Double.isNaN(endToEndSeconds)) {
            md.append("| **SpectraCache end to end** (first send → every device's eventCount queryable) | ")
                    .append(Format.count(events)).append(" | ").append(Format.seconds(endToEndSeconds)).append(" | **")
                    .append(Format.rate(endToEndRate())).append("** | ")
                    .append(Format.megabytes(ingestProducer.bytes() / 1e6 / endToEndSeconds)).append(" | **")
                    .append(raw == null ? "–" : Format.percent(endToEndRate() / raw.recordsPerSecond())).append("** | **")
                    .append(Format.times(ratioToFloor())).append("** | ")
                    .append(cores(CPU_END_TO_END)).append(" |\n");
        }
        if (!Double.isNaN(startupSeconds)) {
            md.append("\nSpectraCache start until ready (not in any figure above): ")
                    .append(Format.seconds(startupSeconds)).append(".\n");
        }
        md.append('\n');

        if (!reads.isEmpty()) {
            md.append("## Point reads (closed loop, loopback)\n\n");
            md.append("| what | clients | requests/s | p50 | p99 | p99.9 | max | errors |\n")
                    .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for (LatencyResult r : reads) {
                md.append("| ").append(r.name()).append(" | ").append(r.clients()).append(" | ")
                        .append(Format.rate(r.requestsPerSecond())).append(" | ").append(Format.micros(r.p50()))
                        .append(" | ").append(Format.micros(r.p99())).append(" | ").append(Format.micros(r.p999()))
                        .append(" | ").append(Format.micros(r.max())).append(" | ").append(r.failed())
                        .append(r.error() == null ? "" : " (" + r.error().replace('|', '/') + ")").append(" |\n");
            }
            md.append("\nClosed loop: each client sends its next request when the previous answer is read, so the "
                    + "latencies are service times; no coordinated-omission correction applies (it would for a "
                    + "fixed-rate, open-loop test). Latencies recorded in µs with HdrHistogram (3 significant digits).\n\n");
        }

        if (!bulk.isEmpty()) {
            md.append("## Bulk reads: every device state, Arrow Flight against REST pages\n\n")
                    .append("| way | passes | rows | rows/s | MB/s received | vs REST |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
            double restRate = bulk.stream().filter(r -> r.name().startsWith("REST")).mapToDouble(BulkReads.Result::rowsPerSecond)
                    .findFirst().orElse(Double.NaN);
            for (BulkReads.Result r : bulk) {
                md.append("| ").append(r.name().replace("|", "/")).append(" | ").append(r.passes()).append(" | ")
                        .append(Format.count(r.rows())).append(" | ").append(Format.rate(r.rowsPerSecond())).append(" | ")
                        .append(String.format(java.util.Locale.ROOT, "%.1f", r.megabytesPerSecond())).append(" | ")
                        .append(Double.isNaN(restRate) ? "–" : String.format(java.util.Locale.ROOT, "%.2f×", r.rowsPerSecond() / restRate))
                        .append(" |\n");
            }
            md.append("\nOne client, loopback, the same instance; each way repeated for the measured time after a warm-up. "
                    + "MB/s counts what the client receives: Arrow buffers, or JSON bodies.\n\n");
        }

        md.append(series.markdown(floorRate()));

        md.append("## Targets\n\n| target | measured | met |\n| --- | --- | --- |\n");
        if (!Double.isNaN(endToEndSeconds)) {
            md.append("| end to end ≥ ").append(Format.rate(TARGET_EVENTS_PER_SECOND)).append(" events/s | ")
                    .append(Format.rate(endToEndRate())).append(" | ").append(yesNo(endToEndRate() >= TARGET_EVENTS_PER_SECOND)).append(" |\n");
            if (raw != null) {
                double ratio = endToEndRate() / raw.recordsPerSecond();
                md.append("| end to end ≥ 50 % of raw Kafka produce | ").append(Format.percent(ratio)).append(" | ")
                        .append(yesNo(ratio >= TARGET_RATIO_TO_RAW)).append(" |\n");
            }
            if (!Double.isNaN(floorSeconds)) {
                md.append("| end to end ≥ ").append(Format.times(TARGET_RATIO_TO_FLOOR))
                        .append(" the floor application (issue 7) | ").append(Format.times(ratioToFloor())).append(" | ")
                        .append(yesNo(ratioToFloor() >= TARGET_RATIO_TO_FLOOR)).append(" |\n");
            }
        }
        reads.stream().filter(r -> r.clients() == 32 && r.name().startsWith(DEVICE_READ_SOCKET)).findFirst().ifPresent(r ->
                md.append("| p99 GET /v1/devices/{id} < 1 ms at 32 clients | ").append(Format.micros(r.p99())).append(" | ")
                        .append(yesNo(r.p99() < TARGET_P99_MICROS_AT_32)).append(" |\n"));
        md.append(series.targets());
        md.append('\n');

        if (!streamsFigures.isEmpty()) {
            md.append("## Kafka Streams and ingest counters after the end-to-end run\n\n| meter | value |\n| --- | ---: |\n");
            streamsFigures.forEach((name, value) -> md.append("| ").append(name).append(" | ").append(value).append(" |\n"));
            md.append('\n');
        }
        if (cpu.containsKey(CPU_FLOOR) || cpu.containsKey(CPU_END_TO_END)) {
            md.append("## CPU per event: floor and SpectraCache end to end\n\n")
                    .append(cpuPerEvent(cpu.get(CPU_FLOOR), cpu.get(CPU_END_TO_END), events)).append('\n');
        }
        if (!cpu.isEmpty()) {
            md.append("## Where the CPU went\n\nCPU time per thread (ThreadMXBean) of this JVM, grouped by role; the whole "
                    + "machine from /proc/stat. In the Redis phases, \"other processes\" is mostly redis-server itself.\n\n");
            cpu.forEach((phase, usage) -> md.append("### ").append(phase).append("\n\n").append(usage.markdown()).append('\n'));
        }
        if (!notes.isEmpty()) {
            md.append("## Notes\n\n");
            notes.forEach(note -> md.append("- ").append(note).append('\n'));
            md.append('\n');
        }
        return md.toString();
    }

    /**
     * The CPU of each ingest phase divided by its events, per {@link CpuAccounting.Stage}, side by side: a Markdown
     * table with the floor, SpectraCache end to end, and their difference. Either usage may be null (phase skipped).
     */
    static String cpuPerEvent(CpuAccounting.Usage floor, CpuAccounting.Usage endToEnd, long events) {
        return cpuPerEvent("floor", floor, "SpectraCache end to end", endToEnd, events)
                + "\nCPU seconds of each phase (first send → complete, warm-up excluded) divided by the "
                + Format.count(events) + " events; the stages group the threads listed under \"Where the CPU "
                + "went\". The floor has no REST server: its completion polling runs on the benchmark's main thread.\n";
    }

    /** As {@link #cpuPerEvent(CpuAccounting.Usage, CpuAccounting.Usage, long)}, any two phases, the table only. */
    static String cpuPerEvent(String firstLabel, CpuAccounting.Usage floor, String secondLabel, CpuAccounting.Usage endToEnd,
                              long events) {
        Map<CpuAccounting.Stage, Double> floorStages = floor == null ? null : floor.byStage();
        Map<CpuAccounting.Stage, Double> e2eStages = endToEnd == null ? null : endToEnd.byStage();
        StringBuilder md = new StringBuilder("| stage | ").append(firstLabel).append(", µs/event | ").append(secondLabel)
                .append(", µs/event | difference |\n").append("| --- | ---: | ---: | ---: |\n");
        for (CpuAccounting.Stage stage : CpuAccounting.Stage.values()) {
            cpuRow(md, stage.label, floorStages == null ? Double.NaN : floorStages.get(stage),
                    e2eStages == null ? Double.NaN : e2eStages.get(stage), events, false);
        }
        cpuRow(md, "this JVM, total", floor == null ? Double.NaN : floor.processSeconds(),
                endToEnd == null ? Double.NaN : endToEnd.processSeconds(), events, true);
        cpuRow(md, "other processes on the machine", floor == null ? Double.NaN : floor.otherProcessesSeconds(),
                endToEnd == null ? Double.NaN : endToEnd.otherProcessesSeconds(), events, false);
        return md.toString();
    }

    private static void cpuRow(StringBuilder md, String label, double floorSeconds, double e2eSeconds, long events, boolean bold) {
        String b = bold ? "**" : "";
        md.append("| ").append(b).append(label).append(b).append(" | ").append(b).append(perEvent(floorSeconds, events)).append(b)
                .append(" | ").append(b).append(perEvent(e2eSeconds, events)).append(b).append(" | ").append(b)
                .append(Double.isNaN(floorSeconds) || Double.isNaN(e2eSeconds) ? "–" : signed((e2eSeconds - floorSeconds) * 1e6 / events))
                .append(b).append(" |\n");
    }

    private static String perEvent(double seconds, long events) {
        return Double.isNaN(seconds) ? "–" : Format.decimal(seconds * 1e6 / events, 1);
    }

    private static String signed(double micros) {
        if (Math.abs(micros) < 0.05) {
            return "0.0";
        }
        return (micros > 0 ? "+" : "") + Format.decimal(micros, 1);
    }

    static final String DEVICE_READ_SOCKET = "SpectraCache GET /v1/devices/{id}, socket client";

    /** "1.62 / 0.31 cores": the average CPU of this JVM and of everything else during a phase. */
    private String cores(String phase) {
        CpuAccounting.Usage usage = cpu.get(phase);
        if (usage == null) {
            return "";
        }
        return Format.decimal(usage.processSeconds() / usage.wallSeconds(), 2) + " / "
                + Format.decimal(usage.otherProcessesSeconds() / usage.wallSeconds(), 2) + " cores";
    }

    private static String yesNo(boolean met) {
        return met ? "yes" : "**no**";
    }
}
