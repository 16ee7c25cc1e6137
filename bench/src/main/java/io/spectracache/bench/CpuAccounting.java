package io.spectracache.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the CPU went during a phase: CPU time of this JVM's threads, grouped by role (stream threads, broker
 * request handlers, ...), the rest of the process (GC, JIT, RocksDB's native threads), and the whole machine, so
 * that other processes on a shared box show up in the report instead of silently slowing a run down.
 */
final class CpuAccounting {
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final long USER_HZ = 100;
    private static final String NOT_JAVA = "not Java threads (GC, JIT, RocksDB background, ended threads)"; // /proc/stat ticks; 100 on every Linux this runs on

    /** The stages a per-event CPU figure is split into, in the report's order. */
    enum Stage {
        STREAM_THREADS("Kafka Streams stream threads"),
        STREAMS_PRODUCER("Kafka Streams producer I/O"),
        BROKER("broker (request handlers, network, transactions, other)"),
        LOAD("benchmark: send loop, producer I/O, completion polling (for SpectraCache with its REST server)"),
        NATIVE("not Java threads: GC, JIT, RocksDB background"),
        OTHER("other Java threads (Kafka clients' heartbeat and admin threads, metrics, ...)");

        final String label;

        Stage(String label) {
            this.label = label;
        }
    }

    /** A moment's counters. */
    record Snapshot(long wallNanos, Map<Long, String> names, Map<Long, Long> threadCpu, long processCpu, long machineBusyTicks,
                    long machineTotalTicks, long gcCount, long gcMillis, long jitMillis) {
    }

    /** The difference of two snapshots: CPU seconds per group, in descending order. */
    record Usage(double wallSeconds, Map<String, Double> groups, double processSeconds, double machineBusySeconds,
                 double machineCapacitySeconds, long gcCount, double gcSeconds, double jitSeconds, long calls) {

        Usage(double wallSeconds, Map<String, Double> groups, double processSeconds, double machineBusySeconds,
              double machineCapacitySeconds, long gcCount, double gcSeconds, double jitSeconds) {
            this(wallSeconds, groups, processSeconds, machineBusySeconds, machineCapacitySeconds, gcCount, gcSeconds, jitSeconds, 0);
        }

        /** This usage, knowing how many requests were served in it (for a per-request figure). */
        Usage withCalls(long count) {
            return new Usage(wallSeconds, groups, processSeconds, machineBusySeconds, machineCapacitySeconds, gcCount,
                    gcSeconds, jitSeconds, count);
        }

        /**
         * This usage with the CPU of threads that ended during the phase (and so are missing from the end snapshot)
         * moved from the "not Java threads" remainder to a group of their own.
         */
        Usage withEndedThreads(String group, double seconds) {
            Map<String, Double> merged = new HashMap<>();
            merged.put(group, seconds);
            groups.forEach((name, value) -> merged.merge(name,
                    name.startsWith(NOT_JAVA) ? Math.max(0, value - seconds) : value, Double::sum));
            Map<String, Double> adjusted = new LinkedHashMap<>();
            merged.entrySet().stream()
                    .sorted(Comparator.comparing((Map.Entry<String, Double> e) -> e.getKey().startsWith(NOT_JAVA))
                            .thenComparing(Map.Entry.<String, Double>comparingByValue().reversed()))
                    .forEach(e -> adjusted.put(e.getKey(), e.getValue()));
            return new Usage(wallSeconds, adjusted, processSeconds, machineBusySeconds, machineCapacitySeconds, gcCount,
                    gcSeconds, jitSeconds);
        }

        /** CPU seconds per {@link Stage}, every stage present (0 when none of its threads ran). */
        Map<Stage, Double> byStage() {
            Map<Stage, Double> stages = new EnumMap<>(Stage.class);
            for (Stage stage : Stage.values()) {
                stages.put(stage, 0.0);
            }
            groups.forEach((group, seconds) -> stages.merge(stage(group), seconds, Double::sum));
            return stages;
        }

        double otherProcessesSeconds() {
            return Math.max(0, machineBusySeconds - processSeconds);
        }

        String markdown() {
            StringBuilder md = new StringBuilder("| where | CPU seconds | share of wall time |\n| --- | ---: | ---: |\n");
            groups.forEach((group, seconds) -> md.append("| ").append(group).append(" | ").append(Format.decimal(seconds, 2))
                    .append(" | ").append(Format.percent(seconds / wallSeconds)).append(" |\n"));
            md.append("| **this JVM, total** | **").append(Format.decimal(processSeconds, 2)).append("** | **")
                    .append(Format.percent(processSeconds / wallSeconds)).append("** |\n");
            if (machineCapacitySeconds > 0) {
                md.append("| other processes on the machine | ").append(Format.decimal(otherProcessesSeconds(), 2)).append(" | ")
                        .append(Format.percent(otherProcessesSeconds() / wallSeconds)).append(" |\n");
                md.append("| machine idle | ").append(Format.decimal(machineCapacitySeconds - machineBusySeconds, 2)).append(" | ")
                        .append(Format.percent((machineCapacitySeconds - machineBusySeconds) / wallSeconds)).append(" |\n");
            }
            if (calls > 0) {
                md.append("\nPer request (").append(Format.count(calls)).append(" requests, warm-up included): ");
                groups.forEach((group, seconds) -> {
                    if (seconds / wallSeconds >= 0.05) {
                        md.append(group).append(' ').append(Format.decimal(seconds * 1e6 / calls, 1)).append(" µs; ");
                    }
                });
                md.append("other processes ").append(Format.decimal(otherProcessesSeconds() * 1e6 / calls, 1)).append(" µs.\n");
            }
            return md.append("\nWall time ").append(Format.seconds(wallSeconds)).append("; a share of 100 % is one core busy "
                    + "for the whole phase. GC: ").append(gcCount).append(" collections, ").append(Format.seconds(gcSeconds))
                    .append(" in collections (G1: mostly pause time); JIT compilation: ").append(Format.seconds(jitSeconds))
                    .append(".\n").toString();
        }
    }

    private CpuAccounting() {
    }

    static Snapshot snapshot() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, String> names = new HashMap<>();
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (nanos >= 0) {
                names.put(info.getThreadId(), info.getThreadName());
                cpu.put(info.getThreadId(), nanos);
            }
        }
        long process = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            process = os.getProcessCpuTime();
        }
        long[] machine = machineTicks();
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long jitMillis = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
        return new Snapshot(System.nanoTime(), names, cpu, process, machine[0], machine[1], gcCount, gcMillis, jitMillis);
    }

    static Usage between(Snapshot start, Snapshot end) {
        Map<String, Double> groups = new HashMap<>();
        double javaThreads = 0;
        for (Map.Entry<Long, Long> thread : end.threadCpu().entrySet()) {
            long before = start.threadCpu().getOrDefault(thread.getKey(), 0L);
            double seconds = (thread.getValue() - before) / 1e9;
            if (seconds <= 0) {
                continue;
            }
            javaThreads += seconds;
            groups.merge(group(end.names().get(thread.getKey())), seconds, Double::sum);
        }
        // Threads that ended during the phase are missing from `end`: their CPU lands in the remainder below.
        double process = (end.processCpu() - start.processCpu()) / 1e9;
        Map<String, Double> sorted = new LinkedHashMap<>();
        List<Map.Entry<String, Double>> entries = groups.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).toList();
        double rest = 0;
        for (int i = 0; i < entries.size(); i++) {
            if (i < 10 && entries.get(i).getValue() >= 0.05) {
                sorted.put(entries.get(i).getKey(), entries.get(i).getValue());
            } else {
                rest += entries.get(i).getValue();
            }
        }
        if (rest > 0) {
            sorted.put("other Java threads", rest);
        }
        sorted.put(NOT_JAVA, Math.max(0, process - javaThreads));
        double busy = (end.machineBusyTicks() - start.machineBusyTicks()) / (double) USER_HZ;
        double capacity = (end.machineTotalTicks() - start.machineTotalTicks()) / (double) USER_HZ;
        return new Usage((end.wallNanos() - start.wallNanos()) / 1e9, sorted, process, busy, capacity,
                end.gcCount() - start.gcCount(), (end.gcMillis() - start.gcMillis()) / 1e3, (end.jitMillis() - start.jitMillis()) / 1e3);
    }

    /** The stage a group of {@link #group} belongs to. */
    static Stage stage(String group) {
        if (group.equals("Kafka Streams stream threads")) {
            return Stage.STREAM_THREADS;
        }
        if (group.startsWith("Kafka Streams producer I/O")) {
            return Stage.STREAMS_PRODUCER;
        }
        if (group.startsWith("broker")) {
            return Stage.BROKER;
        }
        if (group.startsWith("benchmark") || group.equals("REST server (Jetty)")) {
            return Stage.LOAD;
        }
        if (group.startsWith(NOT_JAVA)) {
            return Stage.NATIVE;
        }
        return Stage.OTHER;
    }

    /** The role of a thread, from its name. */
    static String group(String name) {
        if (name == null) {
            return "?";
        }
        if (name.contains("StreamThread")) {
            return name.contains("producer") ? "Kafka Streams producer I/O (kafka-producer-network-thread)"
                    : "Kafka Streams stream threads";
        }
        if (name.startsWith("kafka-producer-network-thread")) {
            return name.contains("bench") ? "benchmark producer I/O" : "other producers' I/O";
        }
        if (name.startsWith("data-plane-kafka-request-handler")) {
            return "broker request handlers";
        }
        if (name.startsWith("data-plane-kafka-network-thread")) {
            return "broker network threads";
        }
        if (name.startsWith("JettyServerThreadPool") || name.startsWith("qtp")) {
            return "REST server (Jetty)";
        }
        if (name.equals("main")) {
            return "benchmark main thread (send loop, polling)";
        }
        if (name.startsWith("bench-client")) {
            return "benchmark clients";
        }
        if (name.startsWith("kafka-coordinator-heartbeat-thread") || name.startsWith("kafka-admin-client-thread")) {
            return "Kafka clients' heartbeat and admin threads";
        }
        String normal = DIGITS.matcher(UUID.matcher(name).replaceAll("*")).replaceAll("N");
        if (normal.startsWith("kafka-") || normal.contains("raft") || normal.contains("quorum") || normal.contains("Fetcher")
                || normal.startsWith("ExpirationReaper") || normal.contains("log-cleaner") || normal.startsWith("group-coordinator")
                || normal.startsWith("transaction") || normal.startsWith("AddPartitionsToTxnSenderThread")
                || normal.startsWith("TxnMarkerSenderThread")) {
            return "broker, other threads";
        }
        return normal.toLowerCase(Locale.ROOT);
    }

    private static long[] machineTicks() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0); // cpu user nice system idle iowait irq softirq steal ...
            String[] fields = cpu.trim().split("\\s+");
            long total = 0;
            long idle = 0;
            for (int i = 1; i < fields.length && i <= 8; i++) {
                long value = Long.parseLong(fields[i]);
                total += value;
                if (i == 4 || i == 5) {
                    idle += value;
                }
            }
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }
}
