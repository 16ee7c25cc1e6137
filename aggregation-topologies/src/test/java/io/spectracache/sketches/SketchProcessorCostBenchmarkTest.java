package io.spectracache.sketches;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.events.DeviceEvent;
import io.spectracache.state.WriteBehindKeyValueStore;
import io.spectracache.state.WriteBehindStores;
import io.spectracache.topics.StoreSpec;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream-thread CPU the sketches processor adds per event with the default sketches (distinct devices by tenant,
 * noisiest devices, seen devices), outside the test driver (which commits after every record): the processor over
 * real RocksDB write-behind stores (no changelog), a write-out every 4,000 events (a 200 ms commit at 20,000
 * events/s), 1,000 devices in 10 tenants ({@code -Dsketches.bench.devices=} to change), 20 events per ms of event
 * time. The budget is about 5 µs per event. Run
 * with {@code mvn -o -q verify -pl aggregation-topologies -am -Dtest.excludedGroups=integration -Dgroups=benchmark
 * -Dtest=SketchProcessorCostBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class SketchProcessorCostBenchmarkTest {
    private static final int DEVICES = Integer.getInteger("sketches.bench.devices", 1_000);
    private static final int WARM_UP = 300_000;
    private static final int MEASURED = 1_000_000;
    private static final int EVENTS_PER_COMMIT = 4_000;
    /** Devices on one watch list ({@code -Dsketches.bench.watched=}); 0 for none, the default settings. */
    private static final int WATCHED = Integer.getInteger("sketches.bench.watched", 0);

    @TempDir
    Path stateDir;

    @Test
    void shouldReportCpuPerEvent() throws Exception {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "sketches-cost");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(stateDir).toString());
        MockProcessorContext<String, DeviceEvent> context = new MockProcessorContext<>(props,
                new org.apache.kafka.streams.processor.TaskId(0, 0), stateDir.toFile());
        SketchSettings settings = SketchSettings.defaults();
        if (WATCHED > 0) {
            WatchDefinition watch = new WatchDefinition("watched", SketchField.DEVICE_ID);
            settings = settings.withWatches(List.of(watch));
            KeyValueStore<String, byte[]> list = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(
                    SketchesTopology.watchStore(watch).name()), org.apache.kafka.common.serialization.Serdes.String(),
                    org.apache.kafka.common.serialization.Serdes.ByteArray()).withLoggingDisabled().build();
            list.init(context.getStateStoreContext(), list);
            context.addStateStore(list);
            for (int i = 0; i < WATCHED; i++) {
                list.put(String.format(Locale.ROOT, "truck-%06d", i * 7), new byte[] {1});
            }
        }
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
        SketchProcessor processor = new SketchProcessor(settings, new SimpleMeterRegistry());
        processor.init(context);

        Random random = new Random(7);
        String[] ids = new String[DEVICES];
        for (int i = 0; i < DEVICES; i++) {
            ids[i] = String.format(Locale.ROOT, "truck-%06d", i);
        }
        long t0 = Instant.parse("2026-11-24T19:00:00Z").toEpochMilli();
        var threads = ManagementFactory.getThreadMXBean();
        long cpuStart = 0;
        long wallStart = 0;
        for (int i = 0; i < WARM_UP + MEASURED; i++) {
            if (i == WARM_UP) {
                cpuStart = threads.getCurrentThreadCpuTime();
                wallStart = System.nanoTime();
            }
            int device = random.nextInt(DEVICES);
            long t = t0 + i / 20 + random.nextInt(5);
            DeviceEvent event = new DeviceEvent(ids[device], Instant.ofEpochMilli(t), null, "tenant-" + device % 10,
                    Map.of("temp", 21.5), null, Map.of());
            context.setRecordMetadata("spectra.events.valid", 0, i); // the stores' positions advance as in a task
            processor.process(new Record<>(ids[device], event, t));
            if (i % EVENTS_PER_COMMIT == EVENTS_PER_COMMIT - 1) {
                stores.forEach(WriteBehindKeyValueStore::flushCache);
                context.resetForwards();
            }
        }
        double cpuMicros = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e3 / MEASURED;
        double wallMicros = (System.nanoTime() - wallStart) / 1e3 / MEASURED;
        System.out.printf(Locale.ROOT, "sketches processor (defaults, %d devices on a watch list): %.2f µs CPU (%.2f µs "
                + "wall) per event, %d devices in 10 tenants, write-out every %d events, %.1f min of event time%n",
                WATCHED, cpuMicros, wallMicros, DEVICES, EVENTS_PER_COMMIT, (WARM_UP + MEASURED) / 20.0 / 60_000);
        stores.forEach(WriteBehindKeyValueStore::flushCache);
        report(stores);
        assertThat(cpuMicros).isPositive();
        stores.forEach(KeyValueStore::close);
    }

    /** The upper end, ten million distinct items: too slow for every build, so measured here. */
    @Test
    void shouldReportTheDistinctCountErrorAtTenMillionItems() {
        int trials = 5;
        int n = 10_000_000;
        int within = 0;
        for (int trial = 0; trial < trials; trial++) {
            Random random = new Random(97L + trial);
            DistinctWindow window = DistinctWindow.empty();
            for (int i = 0; i < n; i++) {
                window.update(Long.toHexString(random.nextLong()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            SketchMerge.Estimate estimate = SketchMerge.estimate(window.image());
            double error = (estimate.estimate() - n) / n;
            within += Math.abs(error) <= 2 * SketchAccuracyTest.RSE ? 1 : 0;
            System.out.printf(Locale.ROOT, "n=%,d trial %d: estimate %,.0f, error %+.3f%%, 95%% bounds [%,.0f, %,.0f]%n",
                    n, trial, estimate.estimate(), 100 * error, estimate.lower95(), estimate.upper95());
        }
        assertThat(within).as("trials within 2·RSE at ten million").isGreaterThanOrEqualTo(trials - 1);
    }

    private static void report(List<WriteBehindKeyValueStore<Bytes, ?>> stores) {
        SketchWindowSerde windows = new SketchWindowSerde();
        BloomBlockSerde blocks = new BloomBlockSerde();
        long[] count = new long[4];
        long[] bytes = new long[4];
        @SuppressWarnings("unchecked")
        KeyValueStore<Bytes, SketchWindow> windowStore = (KeyValueStore<Bytes, SketchWindow>) stores.get(0);
        try (KeyValueIterator<Bytes, SketchWindow> all = windowStore.all()) {
            while (all.hasNext()) {
                var entry = all.next();
                SketchKeys.WindowKey key = SketchKeys.decodeWindow(entry.key);
                int kind = entry.value instanceof DistinctWindow ? (key.group() == null ? 0 : 1) : 2;
                count[kind]++;
                bytes[kind] += windows.serialize("t", entry.value).length;
            }
        }
        @SuppressWarnings("unchecked")
        KeyValueStore<Bytes, BloomBlock> blockStore = (KeyValueStore<Bytes, BloomBlock>) stores.get(2);
        try (KeyValueIterator<Bytes, BloomBlock> all = blockStore.all()) {
            while (all.hasNext()) {
                count[3]++;
                bytes[3] += blocks.serialize("t", all.next().value).length;
            }
        }
        String[] names = {"distinct windows, all tenants", "distinct windows, one tenant", "top-K windows",
                "Bloom blocks"};
        for (int i = 0; i < names.length; i++) {
            System.out.printf(Locale.ROOT, "  %s: %d stored, %.0f bytes each on average%n", names[i], count[i],
                    count[i] == 0 ? 0.0 : (double) bytes[i] / count[i]);
        }
    }
}
