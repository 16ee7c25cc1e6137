package io.spectracache.timeseries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * {@code timeseries-open-tails}' records ({@link TailSegmentsStore}): whatever the processor does to a device's series
 * between write-outs, the records read back as the device's whole tails, from the store and from a compacted changelog
 * (the latest record of each key) after a restart, and a commit appends only what changed.
 */
class TailSegmentsStoreTest {
    private static final long T0 = 1_795_546_800_000L;
    private static final String[] METRICS = {"temp", "speed", "fuel"};
    private final DeviceTailsSerde serde = new DeviceTailsSerde("1m", "1h");
    private final OpenSeriesSerde bases = new OpenSeriesSerde("1m", "1h");

    /** One step: a change to one series (as the processor makes them), or a write-out, or a restart. */
    record Step(int kind, int metric, int tier, int offsetSeconds, int value) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        return Combinators.combine(Arbitraries.integers().between(0, 15), Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(0, 1), Arbitraries.integers().between(-30, 600),
                        Arbitraries.integers().between(-4, 8))
                .as(Step::new).list().ofMaxSize(200);
    }

    @Property(tries = 300)
    void shouldReadTheRecordsBackAsTheWholeTailsAfterEveryWriteOutAndAcrossRestarts(@ForAll("steps") List<Step> steps) {
        TailSegmentsStore store = store();
        Map<String, byte[]> storedBases = new HashMap<>();
        Map<Bytes, byte[]> changelog = new HashMap<>();
        DeviceTails device = new DeviceTails("truck-1");
        Bytes key = device.devicePrefix();
        long wholeBytes = 0;
        long recordBytes = 0;
        for (Step step : steps) {
            switch (step.kind()) {
                case 0, 1 -> {
                    store.put(key, device);
                    copyChangelog(store, key, changelog);
                    assertReadsAsWhole(store.get(key), device);
                    assertEachSeriesReadsAlone(store, key);
                    wholeBytes += serde.serialize("t", device).length;
                    recordBytes += lastRecord(store, key).length;
                }
                case 2 -> {
                    // A restart: a fresh store from the compacted changelog, the device read back and put on its bases.
                    store.put(key, device);
                    copyChangelog(store, key, changelog);
                    store = store();
                    for (Map.Entry<Bytes, byte[]> record : changelog.entrySet()) {
                        store.wrapped().put(record.getKey(), record.getValue());
                    }
                    DeviceTails read = store.get(key);
                    assertReadsAsWhole(read, device);
                    assertEachSeriesReadsAlone(store, key);
                    device = completed(read == null ? new DeviceTails("truck-1") : read, device, storedBases);
                }
                case 3 -> {
                    int index = device.indexOf(METRICS[step.metric()]);
                    if (index >= 0) {
                        device.remove(index);
                        storedBases.remove(METRICS[step.metric()]);
                    }
                }
                default -> change(device, step, storedBases);
            }
        }
        if (wholeBytes > 0) {
            assertThat(recordBytes).as("records against whole tails").isLessThanOrEqualTo(wholeBytes + 64L * steps.size());
        }
    }

    @Test
    void shouldAppendOnlyTheReadingsOfEachCommitAndStartOverWithAWholeRecordAfterTheRebase() {
        TailSegmentsStore store = store();
        DeviceTails device = new DeviceTails("truck-1");
        Map<String, byte[]> storedBases = new HashMap<>();
        List<Integer> sizes = new ArrayList<>();
        List<Integer> wholeSizes = new ArrayList<>();
        for (int commit = 0; commit < 8; commit++) {
            for (int reading = 0; reading < 12; reading++) {
                int second = commit * 12 + reading;
                change(device, new Step(4, 0, 0, second, second % 7), storedBases);
                if (second == 63) {
                    change(device, new Step(15, 0, 0, second, 0), storedBases); // a rebase
                }
            }
            wholeSizes.add(serde.serialize("t", device).length);
            store.put(device.devicePrefix(), device);
            sizes.add(lastRecord(store, device.devicePrefix()).length);
        }

        // Each commit's segment holds its 12 readings, not the log since the base: the same size every commit.
        assertThat(sizes.get(2)).isEqualTo(sizes.get(1)).isEqualTo(sizes.get(3));
        assertThat(sizes.get(4)).isEqualTo(sizes.get(1)).isLessThan(wholeSizes.get(4) / 3);
        // The rebase in commit 5 made a whole record (the readings since the base) about as small as a segment: it
        // started the next run in slot 0; the run before's later segments stay until overwritten, left out by readers.
        Bytes key = device.devicePrefix();
        assertThat(keys(store, key)).containsExactly(TailSegmentsStore.recordKey(key, 0),
                TailSegmentsStore.recordKey(key, 1), TailSegmentsStore.recordKey(key, 2),
                TailSegmentsStore.recordKey(key, 3), TailSegmentsStore.recordKey(key, 4));
        assertThat(store.wrapped().get(TailSegmentsStore.recordKey(key, 0))[1]).as("whole").isEqualTo(
                DeviceTailsSerde.WHOLE);
        assertThat(device.run).isEqualTo(2);
        assertThat(device.lastSlot).isEqualTo(2);
        assertThat(store.get(key).lastSlot).isEqualTo(2);
        assertReadsAsWhole(store.get(device.devicePrefix()), device);
    }

    @Test
    void shouldReplaceARecordOfTheFormatBeforeSegmentsWithAWholeRecordOnTheNextWrite() throws Exception {
        TailSegmentsStore store = store();
        Bytes key = SeriesKeys.devicePrefix("truck-1");
        byte[] versionTwo;
        try (var in = getClass().getResourceAsStream("/golden/device-tails-v2.bin")) {
            versionTwo = in.readAllBytes();
        }
        store.wrapped().put(key, versionTwo);
        DeviceTails read = store.get(key);
        assertThat(read).isEqualTo(serde.deserialize("t", versionTwo));

        store.put(key, read);

        assertThat(keys(store, key)).containsExactly(TailSegmentsStore.recordKey(key, 0));
        assertThat(store.get(key)).isEqualTo(serde.deserialize("t", versionTwo));
    }

    @Test
    void shouldWriteWholeAnObjectThatDoesNotKnowTheRecordsOfThisStore() {
        TailSegmentsStore store = store();
        DeviceTails device = new DeviceTails("truck-1");
        Map<String, byte[]> storedBases = new HashMap<>();
        change(device, new Step(4, 0, 0, 1, 3), storedBases);
        store.put(device.devicePrefix(), device);
        change(device, new Step(4, 0, 0, 2, 3), storedBases);
        store.put(device.devicePrefix(), device);
        device.segmentsOf = null; // as after a sweep's delete, or an object from elsewhere

        change(device, new Step(4, 0, 0, 3, 3), storedBases);
        store.put(device.devicePrefix(), device);

        assertThat(keys(store, device.devicePrefix())).containsExactly(
                TailSegmentsStore.recordKey(device.devicePrefix(), 0), TailSegmentsStore.recordKey(device.devicePrefix(), 1));
        assertThat(device.run).isEqualTo(2);
        assertThat(device.lastSlot).isZero();
        assertReadsAsWhole(store.get(device.devicePrefix()), device);
    }

    @Test
    void shouldAnswerAKeyQueryWithTheDevicesRecordsPutTogether() {
        TailSegmentsStore store = store();
        DeviceTails device = new DeviceTails("truck-1");
        Map<String, byte[]> storedBases = new HashMap<>();
        for (int second = 0; second < 5; second++) {
            change(device, new Step(4, 1, 0, second, second), storedBases);
            store.put(device.devicePrefix(), device);
        }

        QueryResult<DeviceTails> result = store.query(KeyQuery.withKey(device.devicePrefix()), PositionBound.unbounded(),
                new QueryConfig(false));

        assertThat(result.isSuccess()).isTrue();
        assertReadsAsWhole(result.getResult(), device);
        try (KeyValueIterator<Bytes, DeviceTails> all = store.all()) {
            assertThat(all.hasNext()).isTrue();
            KeyValue<Bytes, DeviceTails> only = all.next();
            assertThat(only.key).isEqualTo(device.devicePrefix());
            assertReadsAsWhole(only.value, device);
            assertThat(all.hasNext()).isFalse();
        }
    }

    /** The device's records read back equal its whole tails, as the serde's whole form gives them. */
    private void assertReadsAsWhole(DeviceTails read, DeviceTails live) {
        DeviceTails whole = serde.deserialize("t", serde.serialize("t", live));
        if (whole.size() == 0) {
            assertThat(read == null || read.size() == 0).as("no tails: %s", read).isTrue();
            return;
        }
        assertThat(read).isEqualTo(whole);
    }

    /** {@code read} with every series put on its base; the same state as {@code live}. */
    private DeviceTails completed(DeviceTails read, DeviceTails live, Map<String, byte[]> storedBases) {
        synchronized (read) {
            for (int i = 0; i < read.count(); i++) {
                byte[] base = storedBases.get(read.metric(i));
                assertThat(read.seriesAt(i).completeOn(base == null ? null : bases.deserialize("t", base))).isTrue();
            }
            // Series without a tail are their bases.
            for (int i = 0; i < live.count(); i++) {
                if (read.indexOf(live.metric(i)) < 0) {
                    byte[] base = storedBases.get(live.metric(i));
                    read.add(live.metric(i), base == null ? bases.empty() : bases.deserialize("t", base));
                }
            }
            for (int i = 0; i < live.count(); i++) {
                assertThat(read.seriesAt(read.indexOf(live.metric(i)))).as(live.metric(i)).isEqualTo(live.seriesAt(i));
            }
        }
        return read;
    }

    /** Applies a change to one series the way the processor would (a rebase writes the base). */
    private void change(DeviceTails device, Step step, Map<String, byte[]> storedBases) {
        String metric = METRICS[step.metric()];
        int index = device.indexOf(metric);
        if (index < 0) {
            index = device.add(metric, bases.empty());
        }
        OpenSeries series = device.seriesAt(index);
        long t = T0 + step.offsetSeconds() * 1000L;
        double value = step.value() * 0.25;
        int tier = step.tier();
        switch (step.kind()) {
            case 4, 5, 6, 7 -> {
                series.insert(t, value);
                for (int i = 0; i < 2; i++) {
                    if (!series.hasBucket(i)) {
                        series.openBucket(i, t - 1000);
                    }
                    series.addToBucket(i, t, value);
                }
            }
            case 8, 9 -> {
                if (!series.hasBucket(tier)) {
                    series.openBucket(tier, t - 1000);
                }
                series.addToBucket(tier, t, value);
            }
            case 10 -> series.takeChunk();
            case 11 -> series.takeBucket(tier);
            case 12 -> series.sealedPoint(t);
            case 13 -> series.sealedBucket(tier, t - 60_000);
            case 14 -> {
                // Nothing logged: a reading that only moved the clocks.
            }
            default -> {
                series.rebase();
                storedBases.put(metric, bases.serialize("t", series));
                return;
            }
        }
        series.seen(t);
    }

    private TailSegmentsStore store() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tail-segments");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>(props, new TaskId(0, 0), null);
        KeyValueStore<Bytes, byte[]> records = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(
                TimeSeriesTopology.TAILS_STORE_NAME), Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled()
                .withCachingDisabled().build();
        TailSegmentsStore store = new TailSegmentsStore(records, serde);
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    /**
     * A bulk read of one metric reads each series' tail alone from the device's records: the same series as the whole
     * device read back, for every metric (and none for a metric without a tail).
     */
    private void assertEachSeriesReadsAlone(TailSegmentsStore store, Bytes device) {
        List<byte[]> records = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> stored = store.wrapped().range(device, TailSegmentsStore.lastKey(device))) {
            stored.forEachRemaining(record -> records.add(record.value));
        }
        DeviceTails whole = store.get(device);
        for (String metric : METRICS) {
            assertThat(serde.readSeries(records, device, metric)).as(metric)
                    .isEqualTo(whole == null ? null : whole.series(metric));
        }
    }

    /** What a compacted changelog keeps of the device's records: the latest value of each key (null: deleted). */
    private static void copyChangelog(TailSegmentsStore store, Bytes device, Map<Bytes, byte[]> changelog) {
        changelog.keySet().removeIf(key -> true);
        for (Bytes key : keys(store, device)) {
            changelog.put(key, store.wrapped().get(key));
        }
    }

    private static List<Bytes> keys(TailSegmentsStore store, Bytes device) {
        List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> records = store.wrapped().range(device,
                TailSegmentsStore.recordKey(device, 0xFF))) {
            records.forEachRemaining(record -> keys.add(record.key));
        }
        return keys;
    }

    private static byte[] lastRecord(TailSegmentsStore store, Bytes device) {
        List<Bytes> keys = keys(store, device);
        return keys.isEmpty() ? new byte[0] : store.wrapped().get(keys.get(keys.size() - 1));
    }
}
