package io.spectracache.timeseries;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.events.DeviceEvent;
import io.spectracache.state.WriteBehindKeyValueStore;
import io.spectracache.timeseries.codec.Chunk;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream-thread CPU the time-series processor adds per event, outside the test driver (which commits, and so
 * serialises every open series, after every record): the processor over real RocksDB stores (no changelog), a
 * write-behind flush every 4,000 events (a 200 ms commit at 20,000 events/s), 1,000 devices, 4 metrics per event,
 * one event per device every ~50 ms of event time. Run with
 * {@code mvn -o -q verify -pl aggregation-topologies -am -Dtest.excludedGroups=integration -Dgroups=benchmark
 * -Dtest=TimeSeriesProcessorCostBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}; add
 * {@code -Dtimeseries.bench.deviceIntervalMs=1000} for one event per device per second (13 minutes of event time, so
 * minute buckets and chunks seal as they would in production), {@code -Dtimeseries.bench.tiers=1m:30d} for other
 * tiers, {@code -Dtimeseries.bench.eventsPerCommit=12000} for the write-outs of a 200 ms commit at 60,000 events/s,
 * {@code -Dtimeseries.bench.devices=20} for a fleet whose series all stay in the CPU's caches (each series still one
 * reading per {@code deviceIntervalMs} of event time). {@link #main} runs it outside Surefire, on a copied classpath, so
 * builds can be compared back to back.
 */
@Tag("benchmark")
class TimeSeriesProcessorCostBenchmarkTest {
    private static final int DEVICES = Integer.getInteger("timeseries.bench.devices", 1_000);
    private static final int WARM_UP = 200_000;
    private static final int MEASURED = 600_000;
    private static final int EVENTS_PER_COMMIT = Integer.getInteger("timeseries.bench.eventsPerCommit", 4_000);

    @TempDir
    Path stateDir;

    /** Runs {@link #shouldReportCpuPerEvent()} once, in a temporary state directory. */
    public static void main(String[] args) throws Exception {
        TimeSeriesProcessorCostBenchmarkTest test = new TimeSeriesProcessorCostBenchmarkTest();
        test.stateDir = Files.createTempDirectory("timeseries-cost");
        test.shouldReportCpuPerEvent();
    }

    @Test
    void shouldReportCpuPerEvent() throws Exception {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "timeseries-cost");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(stateDir).toString());
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>(props,
                new org.apache.kafka.streams.processor.TaskId(0, 0), stateDir.toFile());
        TimeSeriesSettings settings = TimeSeriesSettings.defaults()
                .withTiers(System.getProperty("timeseries.bench.tiers", TimeSeriesSettings.DEFAULT_TIERS));
        TimeSeriesTopology topology = new TimeSeriesTopology(settings);
        Counting<byte[]> tailsSerde = new Counting<>(org.apache.kafka.common.serialization.Serdes.ByteArray());
        Counting<OpenSeries> openSerde = new Counting<>(topology.openStore().valueSerde());
        KeyValueStore<Bytes, DeviceTails> tails = topology.tailsStoreBuilder(
                Stores.persistentKeyValueStore(TimeSeriesTopology.TAILS_STORE_NAME), tailsSerde)
                .withLoggingDisabled().build();
        Counting<Chunk> chunkSerde = new Counting<>(TimeSeriesTopology.RAW_STORE.valueSerde());
        WindowStore<Bytes, Chunk> raw = Stores.windowStoreBuilder(Stores.persistentWindowStore(
                        TimeSeriesTopology.RAW_STORE.name(), TimeSeriesTopology.rawStoreRetention(settings),
                        settings.chunkMaxSpan(), false), TimeSeriesTopology.RAW_STORE.keySerde(),
                chunkSerde).withLoggingDisabled().withCachingDisabled().build();
        Counting<Rollup> rollupSerde = new Counting<>(new RollupSerde());
        KeyValueStore<Bytes, OpenSeries> open = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(TimeSeriesTopology.OPEN_STORE_NAME),
                topology.openStore().keySerde(), openSerde)
                .withLoggingDisabled().withCachingDisabled().build();
        tails.init(context.getStateStoreContext(), tails);
        open.init(context.getStateStoreContext(), open);
        raw.init(context.getStateStoreContext(), raw);
        context.addStateStore(tails);
        context.addStateStore(open);
        context.addStateStore(raw);
        for (RollupTier tier : settings.tiers()) {
            var spec = TimeSeriesTopology.tierStore(tier);
            WindowStore<Bytes, Rollup> store = Stores.windowStoreBuilder(Stores.persistentWindowStore(spec.name(),
                            tier.retention(), tier.step(), false), spec.keySerde(), rollupSerde)
                    .withLoggingDisabled().withCachingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        TimeSeriesProcessor processor = new TimeSeriesProcessor(settings,
                (OpenSeriesSerde) topology.openStore().valueSerde(), new SimpleMeterRegistry());
        processor.init(context);

        Random random = new Random(7);
        String[] ids = new String[DEVICES];
        for (int i = 0; i < DEVICES; i++) {
            ids[i] = String.format(Locale.ROOT, "truck-%04d", i);
        }
        long t0 = Instant.parse("2026-11-24T19:00:00Z").toEpochMilli();
        long deviceIntervalMs = Long.getLong("timeseries.bench.deviceIntervalMs", 50);
        var threads = ManagementFactory.getThreadMXBean();
        long cpuStart = 0;
        long flushCpu = 0;
        long wallStart = 0;
        for (int i = 0; i < WARM_UP + MEASURED; i++) {
            if (i == WARM_UP) {
                // A commit here, so the measured events are exactly those written out in the window.
                ((WriteBehindKeyValueStore<Bytes, DeviceTails>) tails).flushCache();
                tailsSerde.reset();
                openSerde.reset();
                chunkSerde.reset();
                rollupSerde.reset();
                cpuStart = threads.getCurrentThreadCpuTime();
                wallStart = System.nanoTime();
            }
            String id = ids[random.nextInt(DEVICES)];
            long t = t0 + i * deviceIntervalMs / DEVICES + random.nextInt(5);
            DeviceEvent event = DeviceEvent.of(id, Instant.ofEpochMilli(t), Map.of(
                    "temp", Math.round((20 + random.nextGaussian()) * 100) / 100.0,
                    "speed", Math.round(random.nextDouble() * 900) / 10.0,
                    "battery", 80.0 - i / 100_000.0,
                    "fuel", Math.round(random.nextDouble() * 1000) / 10.0));
            processor.process(new Record<>(id, event, t));
            if (i % EVENTS_PER_COMMIT == EVENTS_PER_COMMIT - 1 && i < WARM_UP + MEASURED - 1) {
                long flushStart = threads.getCurrentThreadCpuTime();
                ((WriteBehindKeyValueStore<Bytes, DeviceTails>) tails).flushCache();
                if (i >= WARM_UP) {
                    flushCpu += threads.getCurrentThreadCpuTime() - flushStart;
                }
            }
        }
        long flushStart = threads.getCurrentThreadCpuTime();
        ((WriteBehindKeyValueStore<Bytes, DeviceTails>) tails).flushCache();
        flushCpu += threads.getCurrentThreadCpuTime() - flushStart;
        double cpuMicros = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e3 / MEASURED;
        double wallMicros = (System.nanoTime() - wallStart) / 1e3 / MEASURED;
        System.out.printf(Locale.ROOT, "time series processor: %.2f µs CPU (%.2f µs wall) per event of 4 readings, "
                + "%d devices (one event each per %d ms), write-behind flush every %d events, tiers \"%s\"%n", cpuMicros,
                wallMicros, DEVICES, deviceIntervalMs, EVENTS_PER_COMMIT, RollupTier.format(settings.tiers()));
        System.out.printf(Locale.ROOT, "  of which the commits' write-out of the tails (serialise, RocksDB put): %.2f µs%n",
                flushCpu / 1e3 / MEASURED);
        System.out.printf(Locale.ROOT, "  bytes written per event: tails %.1f (%d records, %d deletes), bases %.1f (%d "
                + "records)%n", (double) tailsSerde.bytes / MEASURED, tailsSerde.records, tailsSerde.deletes,
                (double) openSerde.bytes / MEASURED, openSerde.records);
        System.out.printf(Locale.ROOT, "  and sealed: chunks %.1f (%d records), rollup buckets %.1f (%d records)%n",
                (double) chunkSerde.bytes / MEASURED, chunkSerde.records, (double) rollupSerde.bytes / MEASURED,
                rollupSerde.records);
        assertThat(cpuMicros).isPositive();
        tails.close();
        open.close();
        raw.close();
    }

    /** Counts the bytes a serde writes, as a changelog would receive them. */
    private static final class Counting<T> implements org.apache.kafka.common.serialization.Serde<T> {
        private final org.apache.kafka.common.serialization.Serde<T> inner;
        long bytes;
        long records;
        long deletes;

        Counting(org.apache.kafka.common.serialization.Serde<T> inner) {
            this.inner = inner;
        }

        void reset() {
            bytes = 0;
            records = 0;
            deletes = 0;
        }

        @Override
        public org.apache.kafka.common.serialization.Serializer<T> serializer() {
            return (topic, value) -> {
                byte[] out = inner.serializer().serialize(topic, value);
                if (out == null) {
                    deletes++;
                } else {
                    bytes += out.length;
                    records++;
                }
                return out;
            };
        }

        @Override
        public org.apache.kafka.common.serialization.Deserializer<T> deserializer() {
            return inner.deserializer();
        }
    }
}
