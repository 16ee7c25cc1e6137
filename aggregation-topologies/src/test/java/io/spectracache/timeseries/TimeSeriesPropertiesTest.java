package io.spectracache.timeseries;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.events.DeviceEvent;
import io.spectracache.testing.TopologyHarness;
import io.spectracache.timeseries.codec.Chunk;
import io.spectracache.topics.Topics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Random event sequences (in-order, late within and beyond grace, far beyond retention, the same time again with
 * another value, NaN, idle sweeps in between) against a naive model written from the contract on
 * {@link TimeSeriesTopology}: every raw range and every tier bucket the stores answer equals the model's, also when
 * the task restarts in the middle and rebuilds every store from its changelog.
 */
class TimeSeriesPropertiesTest {
    private static final long T0 = Instant.parse("2026-11-24T19:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private static final String[] DEVICES = {"truck-1", "truck-10", "meter-1"};
    private static final String[] METRICS = {"temp", "speed"};
    private static final String APPLICATION_ID = "timeseries-properties";

    /** One step: how far the fleet's time moves, how late this event is, and what it carries. */
    record Op(int device, int metric, long advanceMs, int lateKind, long lateMs, int value, boolean sweep) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.integers().between(0, DEVICES.length - 1),
                Arbitraries.integers().between(0, METRICS.length - 1),
                Arbitraries.longs().between(0, 3 * MINUTE),
                Arbitraries.integers().between(0, 19),
                Arbitraries.longs().between(0, 4 * 60 * MINUTE),
                Arbitraries.integers().between(-3, 12),
                Arbitraries.integers().between(0, 29).map(draw -> draw == 0))
                .as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(160);
    }

    /** The model: points by series and time (last write wins), buckets by tier, series and start. */
    static final class Model {
        final TimeSeriesSettings settings;
        long clock = Long.MIN_VALUE;
        final Map<String, Long> latest = new HashMap<>();
        final Map<String, TreeMap<Long, Double>> raw = new HashMap<>();
        final List<Map<String, TreeMap<Long, Rollup>>> tiers;

        Model(TimeSeriesSettings settings) {
            this.settings = settings;
            this.tiers = settings.tiers().stream().map(tier -> (Map<String, TreeMap<Long, Rollup>>) new HashMap<String, TreeMap<Long, Rollup>>()).toList();
        }

        void add(String series, long t, double value) {
            clock = Math.max(clock, t);
            if (!Double.isFinite(value)) {
                return;
            }
            Long newest = latest.get(series);
            boolean late = newest != null && t < newest - settings.grace().toMillis();
            if (t > clock - settings.rawRetention().toMillis() && !late) {
                raw.computeIfAbsent(series, s -> new TreeMap<>()).put(t, value);
            }
            for (int i = 0; i < settings.tiers().size(); i++) {
                RollupTier tier = settings.tiers().get(i);
                long start = tier.bucketStart(t);
                if (start > clock - tier.retentionMs()) {
                    tiers.get(i).computeIfAbsent(series, s -> new TreeMap<>())
                            .computeIfAbsent(start, s -> Rollup.empty()).add(t, value);
                }
            }
            latest.merge(series, t, Math::max);
        }
    }

    private static TimeSeriesSettings settings(int chunkPoints) {
        return TimeSeriesSettings.defaults().withChunkMaxSpan(Duration.ofMinutes(10))
                .withRawRetention(Duration.ofHours(1)).withGrace(Duration.ofMinutes(5)).withChunkMaxPoints(chunkPoints)
                .withTiers("1m:2h,5m:6h");
    }

    private static TopologyHarness harness(TimeSeriesSettings settings) {
        return TopologyHarness.of(TopologyHarness.validatedEventsFromTopic(), new TimeSeriesTopology(settings))
                .meters(new SimpleMeterRegistry()).applicationId(APPLICATION_ID).startingAt(Instant.ofEpochMilli(T0))
                .build();
    }

    @Property(tries = 120)
    void shouldAnswerEveryRawRangeAndEveryBucketAsTheNaiveModel(@ForAll("ops") List<Op> ops,
                                                                @ForAll @IntRange(min = 2, max = 8) int chunkPoints) {
        TimeSeriesSettings settings = settings(chunkPoints);
        Model model = new Model(settings);
        try (TopologyHarness harness = harness(settings)) {
            run(harness, ops, T0, model);
            assertMatches(harness, settings, model);
        }
    }

    @Property(tries = 60)
    void shouldAnswerAsTheNaiveModelAcrossARestartThatRebuildsEveryStoreFromItsChangelog(
            @ForAll("ops") List<Op> ops, @ForAll @IntRange(min = 2, max = 8) int chunkPoints,
            @ForAll @IntRange(min = 0, max = 160) int restartAt) {
        TimeSeriesSettings settings = settings(chunkPoints);
        Model model = new Model(settings);
        int split = Math.min(restartAt, ops.size());
        Map<String, List<TestRecord<byte[], byte[]>>> changelogs = new HashMap<>();
        long fleetTime;
        try (TopologyHarness before = harness(settings)) {
            fleetTime = run(before, ops.subList(0, split), T0, model);
            for (String store : storeNames(settings)) {
                changelogs.put(store, before.driver().createOutputTopic(changelog(store), new ByteArrayDeserializer(),
                        new ByteArrayDeserializer()).readRecordsToList());
            }
        }
        try (TopologyHarness after = harness(settings)) {
            restore(after, settings, changelogs);
            run(after, ops.subList(split, ops.size()), fleetTime, model);
            assertMatches(after, settings, model);
        }
    }

    /** Pipes {@code ops} into the harness and the model; the fleet's time after them. */
    private static long run(TopologyHarness harness, List<Op> ops, long fleetTime, Model model) {
        TestInputTopic<String, DeviceEvent> events = harness.input(Topics.EVENTS);
        for (Op op : ops) {
            fleetTime += op.advanceMs();
            long t = switch (op.lateKind()) {
                case 0, 1, 2 -> fleetTime - op.lateMs() % (10 * MINUTE);    // late, around the grace
                case 3 -> fleetTime - op.lateMs();                            // up to 4 h: beyond raw, 1m
                case 4 -> fleetTime - op.lateMs() % (2 * MINUTE) / 1000 * 1000; // often the same second again
                default -> fleetTime;
            };
            double value = op.value() == 12 ? Double.NaN : op.value() * 0.5;
            String device = DEVICES[op.device()];
            String metric = METRICS[op.metric()];
            events.pipeInput(device, DeviceEvent.of(device, Instant.ofEpochMilli(t), Map.of(metric, value)));
            model.add(device + "/" + metric, t, value);
            if (op.sweep()) {
                harness.driver().advanceWallClockTime(TimeSeriesProcessor.SWEEP_INTERVAL);
            }
        }
        return fleetTime;
    }

    private static List<String> storeNames(TimeSeriesSettings settings) {
        List<String> names = new ArrayList<>(List.of(TimeSeriesTopology.OPEN_STORE_NAME,
                TimeSeriesTopology.TAILS_STORE_NAME, TimeSeriesTopology.RAW_STORE.name()));
        settings.tiers().forEach(tier -> names.add(TimeSeriesTopology.tierStore(tier).name()));
        return names;
    }

    private static String changelog(String store) {
        return APPLICATION_ID + "-" + store + "-changelog";
    }

    /**
     * What Kafka Streams does when a task starts without local state: every changelog record, in order, back into its
     * store (a null value deletes). A key-value store's changelog key is the store key; a window store's is the store
     * key, then the window start (8 bytes) and a sequence number (4 bytes). TopologyTestDriver wipes its state on close
     * and never restores, hence the replay by hand; a store that stops being one of these kinds fails here.
     */
    private static void restore(TopologyHarness harness, TimeSeriesSettings settings,
                                Map<String, List<TestRecord<byte[], byte[]>>> changelogs) {
        TimeSeriesTopology topology = new TimeSeriesTopology(settings);
        KeyValueStore<Bytes, OpenSeries> open = harness.driver().getKeyValueStore(TimeSeriesTopology.OPEN_STORE_NAME);
        for (TestRecord<byte[], byte[]> record : changelogs.get(TimeSeriesTopology.OPEN_STORE_NAME)) {
            open.put(Bytes.wrap(record.key()), topology.openStore().valueSerde().deserializer()
                    .deserialize(changelog(TimeSeriesTopology.OPEN_STORE_NAME), record.value()));
        }
        // The tails' changelog holds each device's records (TailSegmentsStore), written back as they are, below it.
        KeyValueStore<Bytes, DeviceTails> tails = harness.driver().getKeyValueStore(TimeSeriesTopology.TAILS_STORE_NAME);
        KeyValueStore<Bytes, byte[]> records = ((TailSegmentsStore) ((WrappedStateStore<?, ?, ?>) tails).wrapped())
                .wrapped();
        for (TestRecord<byte[], byte[]> record : changelogs.get(TimeSeriesTopology.TAILS_STORE_NAME)) {
            records.put(Bytes.wrap(record.key()), record.value());
        }
        restoreWindows(harness.driver().getWindowStore(TimeSeriesTopology.RAW_STORE.name()),
                TimeSeriesTopology.RAW_STORE.valueSerde(), changelogs.get(TimeSeriesTopology.RAW_STORE.name()));
        for (RollupTier tier : settings.tiers()) {
            var spec = TimeSeriesTopology.tierStore(tier);
            restoreWindows(harness.driver().getWindowStore(spec.name()), spec.valueSerde(), changelogs.get(spec.name()));
        }
    }

    private static <V> void restoreWindows(WindowStore<Bytes, V> store, Serde<V> values,
                                           List<TestRecord<byte[], byte[]>> changelog) {
        assertThat(store).as("a window store").isNotNull();
        for (TestRecord<byte[], byte[]> record : changelog) {
            byte[] binary = record.key();
            Bytes key = Bytes.wrap(Arrays.copyOfRange(binary, 0, binary.length - 12));
            long windowStart = ByteBuffer.wrap(binary, binary.length - 12, 8).getLong();
            store.put(key, values.deserializer().deserialize("changelog", record.value()), windowStart);
        }
    }

    private static void assertMatches(TopologyHarness harness, TimeSeriesSettings settings, Model model) {
        KeyValueStore<Bytes, OpenSeries> open = harness.driver().getKeyValueStore(TimeSeriesTopology.OPEN_STORE_NAME);
        WindowStore<Bytes, Chunk> raw = harness.driver().getWindowStore(TimeSeriesTopology.RAW_STORE.name());
        Map<String, WindowStore<Bytes, Rollup>> tierStores = new HashMap<>();
        settings.tiers().forEach(tier -> tierStores.put(tier.name(),
                harness.driver().getWindowStore(TimeSeriesTopology.tierStore(tier).name())));
        SeriesStores stores = SeriesStores.of(open,
                harness.driver().getKeyValueStore(TimeSeriesTopology.TAILS_STORE_NAME), raw, tierStores);
        SeriesStores storedBytes = StoredChunkStores.of(stores, raw);
        long rawFrom = model.clock - settings.rawRetention().toMillis() + 1;
        for (String device : DEVICES) {
            for (String metric : METRICS) {
                String series = device + "/" + metric;
                // Every range: the whole live span, and a window inside it.
                for (long[] range : new long[][] {{rawFrom, Long.MAX_VALUE}, {rawFrom + 7 * MINUTE, rawFrom + 31 * MINUTE}}) {
                    Chunk answered = SeriesReads.raw(stores, settings.chunkMaxSpan().toMillis(), device, metric,
                            range[0], range[1]);
                    NavigableMap<Long, Double> expected = model.raw.getOrDefault(series, new TreeMap<>())
                            .subMap(range[0], true, range[1], false);
                    assertThat(answered.timestamps()).as("%s raw times in %d..%d", series, range[0], range[1])
                            .containsExactly(expected.keySet().stream().mapToLong(Long::longValue).toArray());
                    assertThat(answered.values()).as("%s raw values", series)
                            .containsExactly(expected.values().stream().mapToDouble(Double::doubleValue).toArray());
                    // The bulk reader, decoding the stored chunks' bytes: the same points, bit for bit.
                    List<Long> times = new ArrayList<>();
                    List<Long> bits = new ArrayList<>();
                    new RawPointReader().read(storedBytes, settings.chunkMaxSpan().toMillis(),
                            SeriesKeys.seriesPrefix(device, metric), range[0], range[1], Integer.MAX_VALUE,
                            (t, v, offset, n) -> {
                                for (int i = offset; i < offset + n; i++) {
                                    times.add(t[i]);
                                    bits.add(Double.doubleToRawLongBits(v[i]));
                                }
                            });
                    assertThat(times).as("%s raw times read from stored bytes", series)
                            .containsExactlyElementsOf(expected.keySet());
                    assertThat(bits).as("%s raw value bits read from stored bytes", series).containsExactlyElementsOf(
                            expected.values().stream().map(Double::doubleToRawLongBits).toList());
                }
                for (int i = 0; i < settings.tiers().size(); i++) {
                    RollupTier tier = settings.tiers().get(i);
                    long from = model.clock - tier.retentionMs() + 1;
                    NavigableMap<Long, Rollup> answered = SeriesReads.buckets(stores, tier, device, metric, from,
                            Long.MAX_VALUE);
                    NavigableMap<Long, Rollup> expected = model.tiers.get(i).getOrDefault(series, new TreeMap<>())
                            .tailMap(from, true);
                    assertThat(answered.keySet()).as("%s %s bucket starts", series, tier.name())
                            .containsExactlyElementsOf(expected.keySet());
                    expected.forEach((start, bucket) -> assertSameBucket(answered.get(start), bucket,
                            series + " " + tier.name() + "@" + start));
                }
            }
        }
    }

    private static void assertSameBucket(Rollup actual, Rollup expected, String what) {
        assertThat(actual.count()).as(what + " count").isEqualTo(expected.count());
        assertThat(actual.sum()).as(what + " sum").isEqualTo(expected.sum());
        assertThat(actual.min()).as(what + " min").isEqualTo(expected.min());
        assertThat(actual.max()).as(what + " max").isEqualTo(expected.max());
        assertThat(actual.firstAt()).as(what + " firstAt").isEqualTo(expected.firstAt());
        assertThat(actual.first()).as(what + " first").isEqualTo(expected.first());
        assertThat(actual.lastAt()).as(what + " lastAt").isEqualTo(expected.lastAt());
        assertThat(actual.last()).as(what + " last").isEqualTo(expected.last());
        for (double rank : new double[] {0.0, 0.5, 0.95, 0.99, 1.0}) {
            assertThat(actual.quantile(rank)).as(what + " q" + rank).isEqualTo(expected.quantile(rank));
        }
    }
}
