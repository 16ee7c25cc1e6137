package io.spectracache.spatial;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.events.DeviceEvent;
import io.spectracache.events.GeoPoint;
import io.spectracache.state.WriteBehindKeyValueStore;
import io.spectracache.state.WriteBehindStores;
import java.io.IOException;
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
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream-thread CPU the spatial processor adds per event (issue 7's budget: ~5 µs with a location, ~nothing
 * without), outside the test driver: the processor over real RocksDB stores (no changelog), a write-behind flush every
 * 4,000 events (a 200 ms commit at 20,000 events/s), 10,000 devices clustered in cities moving a few metres per
 * event; without a location, with one and no fences, and with one and 10,000 square fences of 30 m to 2 km
 * (log-uniform) placed where the devices are. Also fence checks per second (R-tree and exact test) with 10,000 fences. Run with
 * {@code mvn -o -q verify -pl aggregation-topologies -am -Dtest.excludedGroups=integration -Dgroups=benchmark
 * -Dtest=SpatialProcessorCostBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}; results in
 * {@code target/spatial-cost.txt}.
 */
@Tag("benchmark")
class SpatialProcessorCostBenchmarkTest {
    private static final int DEVICES = 10_000;
    private static final int FENCES = 10_000;
    private static final int WARM_UP = 200_000;
    private static final int MEASURED = 600_000;
    private static final int EVENTS_PER_COMMIT = 4_000;

    @TempDir
    Path stateDir;

    @Test
    void shouldReportCpuPerEventAndFenceChecksPerSecond() throws Exception {
        double[][] homes = CellChoiceBenchmarkTest.cityFleet(DEVICES, 3);
        StringBuilder report = new StringBuilder();
        report.append(run("no location", homes, DEVICES, false, 0, "a"));
        report.append(run("location, no fences", homes, DEVICES, true, 0, "b"));
        report.append(run("location, 10,000 fences", homes, DEVICES, true, FENCES, "c"));
        report.append(run("location, no fences, 1,000 devices (bench/run's fleet)", homes, 1_000, true, 0, "d"));
        report.append(run("location, 10,000 fences, 1,000 devices", homes, 1_000, true, FENCES, "e"));
        report.append(run("bench/run's events: 1,000 devices jumping within 0.01° (a new cell at nearly every event), "
                + "tenant and 2 attributes, 8 events per device per commit", homes, 1_000, true, 0, "f", true, 8_000));
        report.append(fenceChecks(homes));
        Files.writeString(Path.of("target", "spatial-cost.txt"), report.toString());
        System.out.print(report);
        assertThat(report).contains("µs CPU");
    }

    private static List<Geofence> fences(double[][] homes, int count, long seed) {
        Random random = new Random(seed);
        List<Geofence> fences = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double[] at = homes[random.nextInt(homes.length)];
            double sizeM = Math.pow(10, Math.log10(30) + random.nextDouble() * Math.log10(2_000 / 30.0)); // 30 m to 2 km
            double dLat = sizeM / 111_195;
            double dLon = dLat / Math.cos(Math.toRadians(at[0]));
            double lat = at[0] - dLat / 2;
            double lon = Math.max(-180, Math.min(180 - dLon, at[1] - dLon / 2));
            String json = String.format(Locale.ROOT, "{\"type\":\"Polygon\",\"coordinates\":[[[%f,%f],[%f,%f],[%f,%f],"
                    + "[%f,%f],[%f,%f]]]}", lon, lat, lon + dLon, lat, lon + dLon, lat + dLat, lon, lat + dLat, lon, lat);
            fences.add(Geofence.parse("fence-" + i, json.getBytes(UTF_8), 100));
        }
        return fences;
    }

    private String run(String label, double[][] homes, int deviceCount, boolean located, int fenceCount, String dir)
            throws IOException {
        return run(label, homes, deviceCount, located, fenceCount, dir, false, EVENTS_PER_COMMIT);
    }

    /**
     * @param jumps           as bench/run's events: each event anywhere in its device's 0.01° square (about 1 km), with
     *                        a tenant and two attributes; else a few metres from the last position, with neither
     * @param eventsPerCommit events between two write-outs
     */
    private String run(String label, double[][] homes, int deviceCount, boolean located, int fenceCount, String dir,
                       boolean jumps, int eventsPerCommit) throws IOException {
        // -Dspatial.cost.runs=f runs only the runs named (by their directory letter), for a profile of one.
        if (!System.getProperty("spatial.cost.runs", "abcdef").contains(dir)) {
            return "";
        }
        Path state = Files.createDirectories(stateDir.resolve(dir));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "spatial-cost");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        MockProcessorContext<String, GeofenceTransition> context = new MockProcessorContext<>(props,
                new org.apache.kafka.streams.processor.TaskId(0, 0), state.toFile());
        FenceIndex fences = new FenceIndex(0);
        fences.replaceAll(fences(homes, fenceCount, 11));
        // Each store counts what it would changelog: one record per put or delete reaching RocksDB, key and value bytes.
        long[] written = new long[2];
        KeyValueStore<String, DeviceEntry> devices = WriteBehindStores.keyValueStoreBuilder(counting(
                FenceCatalogStore.supplier(Stores.persistentKeyValueStore(SpatialTopology.DEVICES_STORE.name()), fences), written),
                SpatialTopology.DEVICES_STORE.keySerde(), SpatialTopology.DEVICES_STORE.valueSerde()).withLoggingDisabled().build();
        KeyValueStore<Bytes, IndexedPosition> index = WriteBehindStores.keyValueStoreBuilder(counting(
                IndexSearchStore.supplier(Stores.persistentKeyValueStore(SpatialTopology.INDEX_STORE.name())), written),
                SpatialTopology.INDEX_STORE.keySerde(), SpatialTopology.INDEX_STORE.valueSerde()).withLoggingDisabled().build();
        KeyValueStore<Bytes, FenceMember> members = WriteBehindStores.keyValueStoreBuilder(counting(
                Stores.persistentKeyValueStore(SpatialTopology.MEMBERS_STORE.name()), written),
                SpatialTopology.MEMBERS_STORE.keySerde(), SpatialTopology.MEMBERS_STORE.valueSerde()).withLoggingDisabled().build();
        for (KeyValueStore<?, ?> store : List.of(devices, index, members)) {
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SpatialProcessor processor = new SpatialProcessor(SpatialSettings.defaults(), fences, meters);
        processor.init(context);

        Random random = new Random(7);
        String[] ids = new String[deviceCount];
        double[][] at = new double[deviceCount][];
        for (int i = 0; i < deviceCount; i++) {
            ids[i] = String.format(Locale.ROOT, "truck-%05d", i);
            at[i] = homes[i].clone();
        }
        long t0 = Instant.parse("2026-11-24T19:00:00Z").toEpochMilli();
        var threads = ManagementFactory.getThreadMXBean();
        long cpuStart = 0;
        long wallStart = 0;
        long flushCpu = 0;
        for (int i = 0; i < WARM_UP + MEASURED; i++) {
            if (i == WARM_UP) {
                cpuStart = threads.getCurrentThreadCpuTime();
                wallStart = System.nanoTime();
                flushCpu = 0;
                written[0] = 0;
                written[1] = 0;
            }
            int d = jumps ? i % deviceCount : random.nextInt(deviceCount);
            if (jumps) {
                at[d][0] = Math.min(89.99, homes[d][0]) + random.nextDouble() * 0.01;
                at[d][1] = Math.min(179.99, homes[d][1]) + random.nextDouble() * 0.01;
            } else {
                at[d][0] = Math.max(-90, Math.min(90, at[d][0] + random.nextGaussian() * 0.0002));
                at[d][1] = Math.max(-180, Math.min(180, at[d][1] + random.nextGaussian() * 0.0003));
            }
            long t = t0 + i / 20;
            DeviceEvent event = new DeviceEvent(ids[d], Instant.ofEpochMilli(t), null, jumps ? "acme" : null,
                    Map.of("speed", 50.0), located ? new GeoPoint(at[d][0], at[d][1]) : null,
                    jumps ? Map.of("fw", "1.4.2", "region", "eu-west") : Map.of());
            processor.process(new Record<>(ids[d], event, t));
            if (i % eventsPerCommit == eventsPerCommit - 1) {
                long flushStart = threads.getCurrentThreadCpuTime();
                ((WriteBehindKeyValueStore<?, ?>) devices).flushCache();
                ((WriteBehindKeyValueStore<?, ?>) index).flushCache();
                ((WriteBehindKeyValueStore<?, ?>) members).flushCache();
                context.resetForwards();
                flushCpu += threads.getCurrentThreadCpuTime() - flushStart;
            }
        }
        double cpuMicros = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e3 / MEASURED;
        double wallMicros = (System.nanoTime() - wallStart) / 1e3 / MEASURED;
        devices.close();
        index.close();
        members.close();
        double transitions = meters.find(SpatialMeters.TRANSITIONS.meterName()).counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
        return String.format(Locale.ROOT, "spatial processor, %s: %.2f µs CPU (%.2f µs of it writing out at commits; "
                        + "%.2f µs wall) per event, write-behind flush every %d events, %.3f transitions per event; "
                        + "changelog %.3f records and %.1f bytes (keys and values) per event%n", label,
                cpuMicros, flushCpu / 1e3 / MEASURED, wallMicros, eventsPerCommit, transitions / (WARM_UP + MEASURED),
                written[0] / (double) MEASURED, written[1] / (double) MEASURED);
    }

    /** A supplier whose stores count the records (puts and deletes) and bytes that reach RocksDB, as a changelog would. */
    private static org.apache.kafka.streams.state.KeyValueBytesStoreSupplier counting(
            org.apache.kafka.streams.state.KeyValueBytesStoreSupplier inner, long[] written) {
        return io.spectracache.storage.ForwardingKeyValueStore.supplier(inner,
                store -> new io.spectracache.storage.ForwardingKeyValueStore(store) {
                    @Override
                    public void put(Bytes key, byte[] value) {
                        written[0]++;
                        written[1] += key.get().length + (value == null ? 0 : value.length);
                        super.put(key, value);
                    }

                    @Override
                    public byte[] delete(Bytes key) {
                        written[0]++;
                        written[1] += key.get().length;
                        return super.delete(key);
                    }
                });
    }

    private static String fenceChecks(double[][] homes) {
        FenceIndex index = new FenceIndex(0);
        index.replaceAll(fences(homes, FENCES, 11));
        FenceIndex.Snapshot fences = index.current();
        Random random = new Random(5);
        int[] inside = {0};
        long checks = 0;
        long start = 0;
        int rounds = 2_000_000;
        for (int i = 0; i < rounds; i++) {
            if (i == rounds / 4) {
                start = System.nanoTime();
                checks = 0;
            }
            double[] p = homes[random.nextInt(homes.length)];
            double lat = p[0] + random.nextGaussian() * 0.005;
            double lon = p[1] + random.nextGaussian() * 0.005;
            fences.candidates(lat, lon, entry -> {
                if (entry.covers(lat, lon)) {
                    inside[0]++;
                }
            });
            checks++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return String.format(Locale.ROOT, "fence checks with %d fences: %.0f positions/s (R-tree candidates and exact "
                + "tests; %.2f fences holding a position on average)%n", FENCES, checks / seconds,
                (double) inside[0] / rounds);
    }
}
