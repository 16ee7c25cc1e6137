package io.spectracache.sketches;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.events.DeviceEvent;
import io.spectracache.state.WriteBehindKeyValueStore;
import io.spectracache.state.WriteBehindStores;
import io.spectracache.topics.StoreSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.memory.Memory;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CPU of one 24-hour distinct count's local part, as {@code SketchQueries} answers it with its merge cache, over
 * the sketch benchmark's data (168 hours × 3,000 events from 50,000 devices, a quarter from the first 1 %, 4
 * partitions of real RocksDB write-behind stores, the default sketches, so five days of expired minute windows), with
 * no HTTP, scatter or Interactive Queries around it: the windows read forwards (as every range read did before) and
 * backwards ({@code LocalSketchStores.allWindows}), and what the reads alone and the union's image cost. The answers
 * must be the same bytes either way. The history ends at {@code -Dsketches.bench.endHour=} (UTC, default 21: 3 closed
 * hours of yesterday and today's open day; 1: 23 closed hours). Run with {@code mvn -o -q verify -pl
 * aggregation-topologies -am -Dgroups=benchmark -Dtest=SketchReadCostBenchmarkTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class SketchReadCostBenchmarkTest {
    private static final int PARTITIONS = 4;
    private static final int DEVICES = 50_000;
    private static final int HOURS = 7 * 24;
    private static final int EVENTS_PER_HOUR = 3_000;
    private static final long HOUR = 3_600_000L;
    private static final int END_HOUR = Integer.getInteger("sketches.bench.endHour", 21);
    private static final int ANSWERS = Integer.getInteger("sketches.bench.answers", 3_000);
    private static final int WRITE_OUT_EVERY = 1_000;

    @TempDir
    Path stateDir;

    /** One partition's stores. */
    private record Partition(KeyValueStore<Bytes, SketchWindow> windows, KeyValueStore<Bytes, SeenRange> seen,
                             List<WriteBehindKeyValueStore<Bytes, ?>> all, SketchProcessor processor,
                             MockProcessorContext<String, DeviceEvent> context) {
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldReportTheCpuOfA24HourCountsLocalPart() throws Exception {
        List<Partition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "sketch-reads-cost");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            Path dir = Files.createDirectories(stateDir.resolve("p" + p));
            props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
            MockProcessorContext<String, DeviceEvent> context = new MockProcessorContext<>(props,
                    new org.apache.kafka.streams.processor.TaskId(0, p), dir.toFile());
            List<WriteBehindKeyValueStore<Bytes, ?>> stores = new ArrayList<>();
            for (StoreSpec<Bytes, ?> spec : List.of(SketchesTopology.WINDOWS_STORE, SketchesTopology.SEEN_STORE,
                    SketchesTopology.FILTERS_STORE)) {
                KeyValueStore<Bytes, ?> store = WriteBehindStores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(spec.name()), spec.keySerde(), spec.valueSerde())
                        .withLoggingDisabled().build();
                store.init(context.getStateStoreContext(), store);
                context.addStateStore(store);
                stores.add((WriteBehindKeyValueStore<Bytes, ?>) store);
            }
            SketchProcessor processor = new SketchProcessor(SketchSettings.defaults(), new SimpleMeterRegistry());
            processor.init(context);
            partitions.add(new Partition((KeyValueStore<Bytes, SketchWindow>) (Object) stores.get(0),
                    (KeyValueStore<Bytes, SeenRange>) (Object) stores.get(1), stores, processor, context));
        }
        long end = Instant.parse("2026-11-30T00:00:00Z").toEpochMilli() + END_HOUR * HOUR;
        long firstHour = end - HOURS * HOUR;
        ingest(partitions, firstHour);

        DistinctDefinition devices = SketchSettings.defaults().distinct().get(0);
        long from = end - 24 * HOUR;
        SketchStores forwards = stores(partitions, false);
        SketchStores backwards = stores(partitions, true);
        long[] clocks = new long[PARTITIONS];
        for (int p = 0; p < PARTITIONS; p++) {
            clocks[p] = SketchReads.clock(SketchStores.of(partitions.get(p).windows(), partitions.get(p).seen(), null));
        }
        DenseWindowCache forwardCache = new DenseWindowCache(64L << 20);
        DenseWindowCache backwardCache = new DenseWindowCache(64L << 20);
        byte[] before = answer(forwards, devices, from, end, clocks, forwardCache);
        byte[] after = answer(backwards, devices, from, end, clocks, backwardCache);
        assertThat(after).as("the same answer, byte for byte, whichever way the windows are read").isEqualTo(before);

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Double> micros = new LinkedHashMap<>();
        for (int round = 0; round < 3; round++) {
            micros.put("answer, windows read forwards", cpuMicros(threads,
                    () -> answer(forwards, devices, from, end, clocks, forwardCache)));
            micros.put("answer, windows read backwards", cpuMicros(threads,
                    () -> answer(backwards, devices, from, end, clocks, backwardCache)));
            WindowCover cover = WindowCover.plan(devices.windows(), from, end, clocks[0]);
            Bytes lane = SketchKeys.lane(devices.name(), null);
            micros.put("reads alone, forwards", cpuMicros(threads, () -> readAll(forwards, lane, cover)));
            micros.put("reads alone, backwards", cpuMicros(threads, () -> readAll(backwards, lane, cover)));
            micros.put("the answer's runs read backwards as stored bytes (no deserialising)", cpuMicros(threads,
                    () -> readRuns(partitions, lane, cover, true)));
            micros.put("the answer's runs read backwards as windows (deserialised)", cpuMicros(threads,
                    () -> readRuns(partitions, lane, cover, false)));
            micros.put("the union's image (a register walk and a copy), after two dense merges", cpuMicros(threads, () -> {
                Union again = new Union(DistinctWindow.LG_K);
                again.update(HllSketch.heapify(before));
                again.update(HllSketch.heapify(before));
                return again.toCompactByteArray();
            }));
            micros.put("the estimate of an answer's image (wrap)", cpuMicros(threads,
                    () -> HllSketch.wrap(Memory.wrap(before)).getEstimate()));
            System.out.printf(Locale.ROOT, "round %d, history ending %s, cover %s:%n", round, Instant.ofEpochMilli(end),
                    cover.windows().size() + " windows");
            micros.forEach((what, us) -> System.out.printf(Locale.ROOT, "  %-75s %8.1f µs%n", what, us));
        }
        System.out.printf(Locale.ROOT, "estimate %.1f%n", HllSketch.heapify(before).getEstimate());
        for (Partition partition : partitions) {
            partition.all().forEach(KeyValueStore::close);
        }
    }

    private static void ingest(List<Partition> partitions, long firstHour) {
        String[] ids = new String[DEVICES];
        int[] partitionOf = new int[DEVICES];
        for (int d = 0; d < DEVICES; d++) {
            ids[d] = String.format(Locale.ROOT, "sketch-device-%06d", d);
            partitionOf[d] = Utils.toPositive(Utils.murmur2(ids[d].getBytes(UTF_8))) % PARTITIONS;
        }
        SplittableRandom random = new SplittableRandom(42 + 9);
        int[] sincewriteOut = new int[PARTITIONS];
        for (int h = 0; h < HOURS; h++) {
            for (int i = 0; i < EVENTS_PER_HOUR; i++) {
                int device = random.nextInt(DEVICES);
                if (random.nextInt(4) == 0) {
                    device = random.nextInt(DEVICES / 100);
                }
                long ts = firstHour + h * HOUR + (long) i * HOUR / EVENTS_PER_HOUR;
                DeviceEvent event = new DeviceEvent(ids[device], Instant.ofEpochMilli(ts), "s" + h + "-" + i,
                        device % 3 == 0 ? "globex" : "acme", Map.of("temp", 21.5), null, Map.of());
                int p = partitionOf[device];
                Partition partition = partitions.get(p);
                partition.processor().process(new Record<>(ids[device], event, ts));
                if (++sincewriteOut[p] == WRITE_OUT_EVERY) {
                    partition.all().forEach(WriteBehindKeyValueStore::flushCache);
                    partition.context().resetForwards();
                    sincewriteOut[p] = 0;
                }
            }
        }
        partitions.forEach(partition -> partition.all().forEach(WriteBehindKeyValueStore::flushCache));
    }

    /** As {@code SketchQueries.localDistinct}: partitions grouped by cover, one union, its image. */
    private static byte[] answer(SketchStores stores, DistinctDefinition sketch, long from, long to, long[] clocks,
                                 DenseWindowCache cache) {
        Map<WindowCover, Set<Integer>> byCover = new LinkedHashMap<>();
        Map<WindowCover, Long> newest = new LinkedHashMap<>();
        for (int p = 0; p < clocks.length; p++) {
            WindowCover plan = WindowCover.plan(sketch.windows(), from, to, clocks[p]);
            byCover.computeIfAbsent(plan, c -> new TreeSet<>()).add(p);
            newest.merge(plan, clocks[p], Math::max);
        }
        assertThat(byCover).as("every partition plans the same cover, as in the benchmark").hasSize(1);
        Union union = new Union(DistinctWindow.LG_K);
        for (Map.Entry<WindowCover, Set<Integer>> group : byCover.entrySet()) {
            SketchReads.distinctInto(stores, sketch, null, group.getKey(), union, cache, group.getValue(),
                    newest.get(group.getKey()));
        }
        return union.toCompactByteArray();
    }

    /** Each size's windows of the cover as one backwards range per partition, as stored bytes or as windows. */
    @SuppressWarnings("unchecked")
    private static int readRuns(List<Partition> partitions, Bytes lane, WindowCover cover, boolean bytes) {
        Map<Long, long[]> runs = new LinkedHashMap<>();
        for (WindowCover.Window window : cover.windows()) {
            runs.merge(window.size(), new long[] {window.start(), window.start()},
                    (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        int read = 0;
        for (Partition partition : partitions) {
            KeyValueStore<Bytes, ?> store = bytes ? (KeyValueStore<Bytes, byte[]>) ((WrappedStateStore<?, ?, ?>)
                    ((WrappedStateStore<?, ?, ?>) partition.windows()).wrapped()).wrapped() : partition.windows();
            for (Map.Entry<Long, long[]> run : runs.entrySet()) {
                try (KeyValueIterator<Bytes, ?> range = store.reverseRange(SketchKeys.window(lane, run.getKey(),
                        run.getValue()[0]), SketchKeys.window(lane, run.getKey(), run.getValue()[1]))) {
                    while (range.hasNext()) {
                        range.next();
                        read++;
                    }
                }
            }
        }
        return read;
    }

    private static int readAll(SketchStores stores, Bytes lane, WindowCover cover) {
        int read = 0;
        for (WindowCover.Window window : cover.windows()) {
            read += stores.allWindows(SketchKeys.window(lane, window.size(), window.start()),
                    SketchKeys.window(lane, window.size(), window.start())).size();
        }
        return read;
    }

    /** All partitions' windows as one reader, each partition's in turn, read forwards or backwards. */
    private static SketchStores stores(List<Partition> partitions, boolean backwards) {
        return new WindowsOnlyStores() {
            @Override
            public KeyValueIterator<Bytes, SketchWindow> windows(Bytes from, Bytes to) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<KeyValue<Bytes, SketchWindow>> allWindows(Bytes from, Bytes to) {
                if (backwards) {
                    // As LocalSketchStores reads them.
                    return SketchStores.forwards(partitions.stream().map(p -> p.windows().reverseRange(from, to)).toList());
                }
                List<KeyValue<Bytes, SketchWindow>> all = new ArrayList<>();
                for (Partition partition : partitions) {
                    try (KeyValueIterator<Bytes, SketchWindow> read = partition.windows().range(from, to)) {
                        read.forEachRemaining(all::add);
                    }
                }
                return all;
            }
        };
    }

    private interface Work {
        Object run();
    }

    /** Thread CPU per call over {@value #ANSWERS} calls, after as many to warm up. */
    private static double cpuMicros(ThreadMXBean threads, Work work) {
        Object sink = null;
        for (int i = 0; i < ANSWERS; i++) {
            sink = work.run();
        }
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < ANSWERS; i++) {
            sink = work.run();
        }
        assertThat(sink).isNotNull();
        return (threads.getCurrentThreadCpuTime() - start) / 1e3 / ANSWERS;
    }
}
