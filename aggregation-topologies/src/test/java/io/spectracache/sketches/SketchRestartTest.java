package io.spectracache.sketches;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.events.DeviceEvent;
import io.spectracache.testing.TopologyHarness;
import io.spectracache.topics.StoreSpec;
import io.spectracache.topics.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Everything is changelog-backed (issue 9, item 6): a task rebuilt from its changelogs (as Kafka Streams rebuilds one
 * on another instance, or after losing its disk) answers exactly what a task that never stopped answers, including
 * what expires after the restart. TopologyTestDriver never restores, so the changelog is replayed into the stores by
 * hand before the first event, as in {@code DedupExactnessPropertiesTest}; the processor reads its state back on its
 * first event after that.
 */
class SketchRestartTest {
    private static final long T0 = Instant.parse("2026-11-24T19:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private static final long HOUR = 60 * MINUTE;
    private static final String APPLICATION_ID = "sketches-restart";
    private static final SketchSettings SETTINGS = SketchSettings.defaults()
            .withDistinct(List.of(new DistinctDefinition("devices", SketchField.DEVICE_ID,
                    Optional.of(SketchField.TENANT), WindowSpec.parseList("1m:30m,1h:6h,1d:3d"))))
            .withTopK(List.of(new TopKDefinition("noisiest-devices", SketchField.DEVICE_ID,
                    WindowSpec.parseList("1m:30m,1h:6h"), 256)))
            .withFilters(List.of(new FilterDefinition("seen-devices", SketchField.DEVICE_ID, 0.01, 1_000)));
    private static final List<StoreSpec<Bytes, ?>> STORES = List.of(SketchesTopology.WINDOWS_STORE,
            SketchesTopology.SEEN_STORE, SketchesTopology.FILTERS_STORE);

    private static TopologyHarness harness() {
        return TopologyHarness.of(TopologyHarness.validatedEventsFromTopic(), new SketchesTopology(SETTINGS))
                .applicationId(APPLICATION_ID).startingAt(Instant.ofEpochMilli(T0)).build();
    }

    private static List<DeviceEvent> events() {
        Random random = new Random(11);
        List<DeviceEvent> events = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            String device = "truck-" + random.nextInt(1_500);
            long at = T0 + i * 5_000L - random.nextInt(3) * 40_000L;   // some a little late
            events.add(new DeviceEvent(device, Instant.ofEpochMilli(at), null, "tenant-" + device.hashCode() % 4,
                    Map.of(), null, Map.of()));
        }
        return events;
    }

    private static void pipe(TopologyHarness harness, List<DeviceEvent> events) {
        TestInputTopic<String, DeviceEvent> input = harness.input(Topics.EVENTS);
        events.forEach(event -> input.pipeInput(event.deviceId(), event));
    }

    /** What a harness answers: every stored window key, and the reads of every kind over a few ranges. */
    private static List<Object> answers(TopologyHarness harness) {
        SketchStores stores = SketchStores.of(harness.driver().getKeyValueStore(SketchesTopology.WINDOWS_STORE.name()),
                harness.driver().getKeyValueStore(SketchesTopology.SEEN_STORE.name()),
                harness.driver().getKeyValueStore(SketchesTopology.FILTERS_STORE.name()));
        List<Object> answers = new ArrayList<>();
        KeyValueStore<Bytes, SketchWindow> windows = harness.driver().getKeyValueStore(
                SketchesTopology.WINDOWS_STORE.name());
        TreeSet<Bytes> keys = new TreeSet<>();
        try (KeyValueIterator<Bytes, SketchWindow> all = windows.all()) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        answers.add(keys);
        answers.add(SketchReads.clock(stores));
        DistinctDefinition devices = SETTINGS.distinct().get(0);
        TopKDefinition noisiest = SETTINGS.topK().get(0);
        for (long from : new long[] {T0, T0 + 90 * MINUTE, T0 + 3 * HOUR + 7 * MINUTE}) {
            for (long length : new long[] {10 * MINUTE, HOUR, 5 * HOUR}) {
                for (String group : new String[] {null, "tenant-0", "tenant-3"}) {
                    answers.add(SketchMerge.estimate(SketchReads.distinct(stores, devices, group, from, from + length)
                            .sketch()));
                }
                answers.add(SketchMerge.heavyHitters(SketchReads.topK(stores, noisiest, from, from + length).sketch(),
                        20));
                answers.add(SketchReads.groups(stores, devices, from, from + length));
            }
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            ids.add("truck-" + i);
        }
        answers.add(SketchReads.mightContainAll(stores, SETTINGS.filters().get(0), ids));
        return answers;
    }

    @Test
    void shouldAnswerExactlyAsATaskThatNeverStoppedAfterRebuildingFromTheChangelogs() {
        List<DeviceEvent> events = events();
        List<Object> expected;
        try (TopologyHarness uninterrupted = harness()) {
            pipe(uninterrupted, events);
            expected = answers(uninterrupted);
        }

        List<Object> actual;
        Map<String, List<TestRecord<byte[], byte[]>>> changelogs = new java.util.HashMap<>();
        try (TopologyHarness before = harness()) {
            pipe(before, events.subList(0, 1_800));
            for (StoreSpec<Bytes, ?> store : STORES) {
                changelogs.put(store.name(), before.driver().createOutputTopic(changelog(store),
                        new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList());
            }
        }
        try (TopologyHarness after = harness()) {
            for (StoreSpec<Bytes, ?> store : STORES) {
                restore(after, store, changelogs.get(store.name()));
            }
            pipe(after, events.subList(1_800, events.size()));
            actual = answers(after);
        }

        assertThat(changelogs.get(SketchesTopology.WINDOWS_STORE.name())).isNotEmpty();
        assertThat(actual).isEqualTo(expected);
    }

    private static String changelog(StoreSpec<?, ?> store) {
        return APPLICATION_ID + "-" + store.name() + "-changelog";
    }

    /** Every changelog record, in order, into the store (a null value deletes), as Kafka Streams restores a task. */
    private static <V> void restore(TopologyHarness harness, StoreSpec<Bytes, V> spec,
                                    List<TestRecord<byte[], byte[]>> records) {
        KeyValueStore<Bytes, V> store = harness.driver().getKeyValueStore(spec.name());
        for (TestRecord<byte[], byte[]> record : records) {
            Bytes key = spec.keySerde().deserializer().deserialize(changelog(spec), record.key());
            V value = spec.valueSerde().deserializer().deserialize(changelog(spec), record.value());
            store.put(key, value);
        }
    }
}
