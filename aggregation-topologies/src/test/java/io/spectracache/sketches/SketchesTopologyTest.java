package io.spectracache.sketches;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.events.DeviceEvent;
import io.spectracache.testing.TopologyHarness;
import io.spectracache.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.datasketches.hll.HllSketch;
import org.apache.kafka.common.serialization.BytesDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SketchesTopologyTest {
    private static final long T0 = Instant.parse("2026-11-24T19:00:00Z").toEpochMilli();
    private static final long SECOND = 1000;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;
    private static final String APPLICATION_ID = "sketches-test";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private SketchSettings settings;
    private TopologyHarness harness;
    private TestInputTopic<String, DeviceEvent> events;

    private void start(SketchSettings sketchSettings) {
        settings = sketchSettings;
        harness = TopologyHarness.of(TopologyHarness.validatedEventsFromTopic(), new SketchesTopology(settings))
                .meters(meters).applicationId(APPLICATION_ID).startingAt(Instant.ofEpochMilli(T0)).build();
        events = harness.input(Topics.EVENTS);
    }

    @AfterEach
    void close() {
        if (harness != null) {
            harness.close();
        }
    }

    private void send(String device, String tenant, long at) {
        send(device, tenant, at, Map.of());
    }

    private void send(String device, String tenant, long at, Map<String, String> attributes) {
        events.pipeInput(device, new DeviceEvent(device, Instant.ofEpochMilli(at), null, tenant,
                Map.of("temp", 21.5), null, attributes));
    }

    private KeyValueStore<Bytes, SketchWindow> windows() {
        return harness.driver().getKeyValueStore(SketchesTopology.WINDOWS_STORE.name());
    }

    private SketchStores stores() {
        return SketchStores.of(windows(), harness.driver().getKeyValueStore(SketchesTopology.SEEN_STORE.name()),
                harness.driver().getKeyValueStore(SketchesTopology.FILTERS_STORE.name()));
    }

    private DistinctDefinition devices() {
        return settings.distinct(SketchSettings.DEVICES).orElseThrow();
    }

    /** The estimate, rounded: below a few thousand items an HLL sketch keeps exact coupons, off by float noise. */
    private long distinct(String group, long from, long to) {
        return Math.round(SketchReads.distinct(stores(), devices(), group, from, to).estimate());
    }

    private List<SketchKeys.WindowKey> storedWindows() {
        List<SketchKeys.WindowKey> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, SketchWindow> all = windows().all()) {
            all.forEachRemaining(entry -> keys.add(SketchKeys.decodeWindow(entry.key)));
        }
        return keys;
    }

    private double counted(SketchMeters meter, String sketch, String reason) {
        var search = meters.find(meter.meterName()).tag(SketchMeters.SKETCH_TAG, sketch);
        if (reason != null) {
            search = search.tag(SketchMeters.REASON_TAG, reason);
        }
        return search.counter().count();
    }

    @Test
    void shouldCountDistinctDevicesPerTenantAndForAllTenantsTogether() {
        start(SketchSettings.defaults());

        send("truck-1", "acme", T0);
        send("truck-2", "acme", T0 + SECOND);
        send("truck-1", "acme", T0 + 2 * SECOND);
        send("truck-3", "globex", T0 + 3 * SECOND);
        send("meter-1", null, T0 + 4 * SECOND);

        assertThat(distinct("acme", T0, T0 + HOUR)).isEqualTo(2);
        assertThat(distinct("globex", T0, T0 + HOUR)).isEqualTo(1);
        assertThat(distinct("initech", T0, T0 + HOUR)).isZero();
        assertThat(distinct(null, T0, T0 + HOUR)).as("all groups, including events without a tenant").isEqualTo(4);
    }

    @Test
    void shouldKeepOneWindowPerLaneSizeAndStartUnderTheDocumentedKeys() {
        start(SketchSettings.defaults());

        send("truck-1", "acme", T0 + 90 * SECOND);

        assertThat(storedWindows()).containsExactlyInAnyOrder(
                new SketchKeys.WindowKey("devices", null, MINUTE, T0 + MINUTE),
                new SketchKeys.WindowKey("devices", null, HOUR, T0),
                new SketchKeys.WindowKey("devices", null, DAY, T0 - 19 * HOUR),
                new SketchKeys.WindowKey("devices", "acme", MINUTE, T0 + MINUTE),
                new SketchKeys.WindowKey("devices", "acme", HOUR, T0),
                new SketchKeys.WindowKey("devices", "acme", DAY, T0 - 19 * HOUR),
                new SketchKeys.WindowKey("noisiest-devices", null, MINUTE, T0 + MINUTE),
                new SketchKeys.WindowKey("noisiest-devices", null, HOUR, T0),
                new SketchKeys.WindowKey("noisiest-devices", null, DAY, T0 - 19 * HOUR));
        assertThat(windows().get(SketchKeys.window("devices", "acme", HOUR, T0))).isInstanceOf(DistinctWindow.class);
        assertThat(windows().get(SketchKeys.window("noisiest-devices", null, HOUR, T0))).isInstanceOf(TopKWindow.class);
    }

    @Test
    void shouldAnswerADayFromItsCoarsestWindowsWithTheMinutesAtTheEdges() {
        start(SketchSettings.defaults());
        // One new device every 7 minutes for two days, from 19:00 on day 0.
        List<String> all = new ArrayList<>();
        for (int i = 0; i * 7 * MINUTE < 2 * DAY; i++) {
            all.add("truck-" + i);
            send("truck-" + i, "acme", T0 + i * 7 * MINUTE);
        }
        long from = T0 + 17 * MINUTE;
        long to = from + DAY;

        SketchReads.DistinctPart part = SketchReads.distinct(stores(), devices(), null, from, to);

        long expected = countBetween(all.size(), from, to);
        assertThat(Math.round(HllSketchEstimate.of(part.sketch()))).isEqualTo(expected);
        assertThat(part.cover().from()).isEqualTo(from);
        assertThat(part.cover().to()).isEqualTo(to);
        assertThat(part.cover().windows()).hasSize(43 + 23 + 17);
        assertThat(part.windows()).as("windows with events among those planned").isLessThanOrEqualTo(43 + 23 + 17)
                .isGreaterThan(23);
    }

    private static long countBetween(int devices, long from, long to) {
        long count = 0;
        for (int i = 0; i < devices; i++) {
            long at = T0 + i * 7 * MINUTE;
            if (at >= from && at < to) {
                count++;
            }
        }
        return count;
    }

    @Test
    void shouldAnswerOneEstimatePerStepOfASeries() {
        start(SketchSettings.defaults());
        for (int hour = 0; hour < 5; hour++) {
            for (int device = 0; device <= hour; device++) {
                send("truck-" + device, "acme", T0 + hour * HOUR + device * MINUTE);
            }
        }

        List<SketchReads.DistinctBucket> series = SketchReads.distinctSeries(stores(), devices(), "acme", T0,
                T0 + 5 * HOUR, HOUR);

        assertThat(series).extracting(SketchReads.DistinctBucket::start)
                .containsExactly(T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR, T0 + 4 * HOUR);
        assertThat(series).extracting(bucket -> Math.round(bucket.part().estimate())).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(series).allSatisfy(bucket -> assertThat(bucket.part().cover().windows()).hasSize(1));
    }

    @Test
    void shouldMergeIntoTheCallersUnionExactlyWhatTheImagesOfACountAndASeriesHold() {
        start(SketchSettings.defaults());
        for (int hour = 0; hour < 5; hour++) {
            for (int device = 0; device <= 40 * hour; device++) {
                send("truck-" + device, device % 2 == 0 ? "acme" : "globex", T0 + hour * HOUR + device * 1_000L);
            }
        }
        SketchReads.DistinctPart part = SketchReads.distinct(stores(), devices(), null, T0, T0 + 5 * HOUR);
        org.apache.datasketches.hll.Union union = new org.apache.datasketches.hll.Union(DistinctWindow.LG_K);

        int read = SketchReads.distinctInto(stores(), devices(), null, part.cover(), union);

        assertThat(read).isEqualTo(part.windows());
        assertThat(union.getEstimate()).isEqualTo(part.estimate());
        List<SketchReads.DistinctBucket> series = SketchReads.distinctSeries(stores(), devices(), "acme", T0,
                T0 + 5 * HOUR, HOUR);
        List<org.apache.datasketches.hll.Union> unions = new ArrayList<>();
        for (int b = 0; b < 5; b++) {
            unions.add(new org.apache.datasketches.hll.Union(DistinctWindow.LG_K));
        }
        SketchReads.distinctSeriesInto(stores(), devices(), "acme", T0, T0 + 5 * HOUR, HOUR, unions);
        for (int b = 0; b < 5; b++) {
            assertThat(unions.get(b).getEstimate()).as("step %s", b).isEqualTo(series.get(b).part().estimate());
        }
    }

    /**
     * Regression for a view over several partitions (the query service reads all its local partitions in one request)
     * losing windows: the same window of two partitions has the same key, and reading the windows into a map by
     * window kept only the last partition's.
     */
    @Test
    void shouldMergeEveryPartitionsWindowWhenOneViewReadsSeveralPartitionsWithTheSameWindowKeys() {
        start(SketchSettings.defaults());
        for (int device = 0; device < 100; device++) {
            send("truck-" + device, "acme", T0 + device * SECOND);
        }
        java.util.TreeMap<Bytes, SketchWindow> firstPartition = new java.util.TreeMap<>();
        try (KeyValueIterator<Bytes, SketchWindow> all = windows().all()) {
            all.forEachRemaining(entry -> firstPartition.put(entry.key, entry.value));
        }
        long firstClock = SketchReads.clock(stores());
        harness.close();
        start(SketchSettings.defaults());
        for (int device = 100; device < 300; device++) {
            send("truck-" + device, "acme", T0 + device * SECOND);
        }
        SketchStores secondPartition = stores();
        SketchStores both = new WindowsOnlyStores() {
            @Override
            public KeyValueIterator<Bytes, SketchWindow> windows(Bytes from, Bytes to) {
                List<KeyValue<Bytes, SketchWindow>> entries = new ArrayList<>();
                firstPartition.subMap(from, true, to, true).forEach((key, value) -> entries.add(KeyValue.pair(key, value)));
                try (KeyValueIterator<Bytes, SketchWindow> second = secondPartition.windows(from, to)) {
                    second.forEachRemaining(entries::add);
                }
                return listed(entries);
            }
        };
        WindowCover cover = WindowCover.plan(devices().windows(), T0, T0 + HOUR,
                Math.max(firstClock, SketchReads.clock(secondPartition)));
        org.apache.datasketches.hll.Union union = new org.apache.datasketches.hll.Union(DistinctWindow.LG_K);

        int read = SketchReads.distinctInto(both, devices(), null, cover, union);

        assertThat(Math.round(union.getEstimate())).isEqualTo(300);
        assertThat(read).isEqualTo(SketchReads.distinctInto(secondPartition, devices(), null, cover,
                new org.apache.datasketches.hll.Union(DistinctWindow.LG_K)) * 2);
    }

    private static <V> KeyValueIterator<Bytes, V> listed(List<KeyValue<Bytes, V>> entries) {
        return new KeyValueIterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < entries.size();
            }

            @Override
            public KeyValue<Bytes, V> next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return entries.get(next++);
            }

            @Override
            public Bytes peekNextKey() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return entries.get(next).key;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void shouldNotCountAnEventWithoutTheFieldAndSayWhy() {
        start(SketchSettings.defaults().withDistinct(List.of(new DistinctDefinition("regions",
                SketchField.parse("attributes.region"), Optional.empty(), WindowSpec.parseList("1h:1d")))));

        send("truck-1", "acme", T0, Map.of("region", "eu"));
        send("truck-2", "acme", T0, Map.of());
        send("truck-3", "acme", T0, Map.of("region", "us"));

        DistinctDefinition regions = settings.distinct("regions").orElseThrow();
        assertThat(Math.round(SketchReads.distinct(stores(), regions, null, T0, T0 + HOUR).estimate())).isEqualTo(2);
        assertThat(counted(SketchMeters.UPDATES_SKIPPED, "regions", SketchMeters.REASON_NO_VALUE)).isEqualTo(1);
    }

    @Test
    void shouldRankTheNoisiestDevices() {
        start(SketchSettings.defaults());
        for (int device = 1; device <= 5; device++) {
            for (int event = 0; event < device * 10; event++) {
                send("truck-" + device, "acme", T0 + event * SECOND);
            }
        }

        SketchReads.TopKPart part = SketchReads.topK(stores(), settings.topK(SketchSettings.NOISIEST_DEVICES)
                .orElseThrow(), T0, T0 + HOUR);

        assertThat(SketchMerge.heavyHitters(part.sketch(), 3)).containsExactly(
                new SketchMerge.HeavyHitter("truck-5", 50, 50, 50),
                new SketchMerge.HeavyHitter("truck-4", 40, 40, 40),
                new SketchMerge.HeavyHitter("truck-3", 30, 30, 30));
        assertThat(SketchMerge.totals(part.sketch()).events()).isEqualTo(150);
    }

    @Test
    void shouldRememberEverySeenDeviceAndNeverClaimAnUnseenOneWithoutCause() {
        start(SketchSettings.defaults());
        for (int i = 0; i < 200; i++) {
            send("truck-" + i, "acme", T0 + i);
        }
        FilterDefinition seen = settings.filter(SketchSettings.SEEN_DEVICES).orElseThrow();

        for (int i = 0; i < 200; i++) {
            assertThat(SketchReads.mightContain(stores(), seen, "truck-" + i)).as("truck-%d", i).isTrue();
        }
        List<String> absent = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            absent.add("meter-" + i);
        }
        long maybes = SketchReads.mightContainAll(stores(), seen, absent).stream().filter(b -> b).count();
        assertThat(maybes).as("false positives among 2,000 absent ids at 1%").isLessThan(60);
        assertThat(SketchReads.mightContain(stores(), seen, "truck-0")).isTrue();
    }

    @Test
    void shouldDropWindowsPastTheirRetentionByLaneAndSize() {
        start(SketchSettings.defaults().withTopK(List.of()).withDistinct(List.of(new DistinctDefinition("devices",
                SketchField.DEVICE_ID, Optional.of(SketchField.TENANT), WindowSpec.parseList("1m:5m,1h:3h")))));

        send("truck-1", "acme", T0);
        send("truck-2", "globex", T0 + 2 * MINUTE);
        send("truck-3", "acme", T0 + 10 * MINUTE);

        assertThat(storedWindows()).containsExactlyInAnyOrder(
                new SketchKeys.WindowKey("devices", null, MINUTE, T0 + 10 * MINUTE),
                new SketchKeys.WindowKey("devices", null, HOUR, T0),
                new SketchKeys.WindowKey("devices", "acme", MINUTE, T0 + 10 * MINUTE),
                new SketchKeys.WindowKey("devices", "acme", HOUR, T0),
                new SketchKeys.WindowKey("devices", "globex", HOUR, T0));
        assertThat(counted(SketchMeters.WINDOWS_EXPIRED, "devices", null)).isEqualTo(4);

        send("truck-4", "acme", T0 + 5 * HOUR);

        assertThat(storedWindows()).containsExactlyInAnyOrder(
                new SketchKeys.WindowKey("devices", null, MINUTE, T0 + 5 * HOUR),
                new SketchKeys.WindowKey("devices", null, HOUR, T0 + 5 * HOUR),
                new SketchKeys.WindowKey("devices", "acme", MINUTE, T0 + 5 * HOUR),
                new SketchKeys.WindowKey("devices", "acme", HOUR, T0 + 5 * HOUR));
        assertThat(SketchReads.groups(stores(), devices(), T0, T0 + 6 * HOUR)).containsExactly("acme");
        assertThat(harness.driver().getKeyValueStore(SketchesTopology.SEEN_STORE.name())
                .get(SketchKeys.lane("devices", "globex"))).as("a lane with nothing left is forgotten").isNull();
    }

    @Test
    void shouldCountALateEventInItsOwnWindowAndSkipOnlyTheSizesThatExpired() {
        start(SketchSettings.defaults().withTopK(List.of()).withDistinct(List.of(new DistinctDefinition("devices",
                SketchField.DEVICE_ID, Optional.empty(), WindowSpec.parseList("1m:5m,1h:3h")))));

        send("truck-1", null, T0 + 30 * MINUTE);
        send("truck-2", null, T0 + 2 * MINUTE);     // 28 minutes late: its minute expired, its hour did not
        send("truck-3", null, T0 + 29 * MINUTE);    // one minute late: both kept

        assertThat(distinct(null, T0, T0 + HOUR)).isEqualTo(3);
        assertThat(Math.round(SketchReads.distinct(stores(), devices(), null, T0 + 29 * MINUTE, T0 + 31 * MINUTE)
                .estimate())).isEqualTo(2);
        assertThat(counted(SketchMeters.UPDATES_SKIPPED, "devices", SketchMeters.REASON_BEYOND_RETENTION)).isEqualTo(1);
    }

    @Test
    void shouldListTheGroupsWithEventsInTheRange() {
        start(SketchSettings.defaults());

        send("truck-1", "acme", T0);
        send("truck-2", "globex", T0 + 2 * HOUR);
        send("truck-3", "initech", T0 + 4 * HOUR);

        assertThat(SketchReads.groups(stores(), devices(), T0 + HOUR, T0 + 5 * HOUR)).containsExactly("globex", "initech");
        assertThat(SketchReads.groups(stores(), devices(), T0, T0 + 3 * HOUR)).containsExactly("acme", "globex");
    }

    /**
     * Regression guard for the hot-path rule "serialised once per commit": a window no event touched since the last
     * commit is never written again (its changelog carries one record per commit that changed it).
     */
    @Test
    void shouldNotWriteAWindowAgainOnceEventsMovedOnToTheNextOne() {
        start(SketchSettings.defaults().withTopK(List.of()).withFilters(List.of()));

        send("truck-1", "acme", T0);
        send("truck-2", "acme", T0 + SECOND);
        for (int i = 0; i < 5; i++) {
            send("truck-" + i, "acme", T0 + MINUTE + i * SECOND);
        }

        TestOutputTopic<Bytes, Bytes> changelog = harness.driver().createOutputTopic(APPLICATION_ID
                + "-sketches-windows-changelog", new BytesDeserializer(), new BytesDeserializer());
        Bytes firstMinute = SketchKeys.window("devices", "acme", MINUTE, T0);
        Bytes hour = SketchKeys.window("devices", "acme", HOUR, T0);
        List<Bytes> keys = changelog.readKeyValuesToList().stream().map(kv -> kv.key).toList();
        assertThat(keys.stream().filter(firstMinute::equals).count()).as("commits that changed the first minute")
                .isEqualTo(2);
        assertThat(keys.stream().filter(hour::equals).count()).isEqualTo(7);
    }

    @Test
    void shouldLeaveDistinctCountsAndFiltersExactlyAsTheyWereWhenEventsAreReplayed() {
        start(SketchSettings.defaults());
        for (int i = 0; i < 300; i++) {
            send("truck-" + i % 120, i % 2 == 0 ? "acme" : "globex", T0 + i * SECOND);
        }
        SketchMerge.Estimate before = SketchMerge.estimate(SketchReads.distinct(stores(), devices(), null, T0, T0 + DAY)
                .sketch());
        SketchMerge.Estimate acmeBefore = SketchMerge.estimate(SketchReads.distinct(stores(), devices(), "acme", T0,
                T0 + DAY).sketch());
        List<BloomBlock> blocksBefore = blocks();
        TopKDefinition noisiest = settings.topK(SketchSettings.NOISIEST_DEVICES).orElseThrow();
        long eventsBefore = SketchMerge.totals(SketchReads.topK(stores(), noisiest, T0, T0 + DAY).sketch()).events();

        for (int i = 0; i < 300; i++) {
            send("truck-" + i % 120, i % 2 == 0 ? "acme" : "globex", T0 + i * SECOND);
        }

        assertThat(SketchMerge.estimate(SketchReads.distinct(stores(), devices(), null, T0, T0 + DAY).sketch()))
                .isEqualTo(before);
        assertThat(SketchMerge.estimate(SketchReads.distinct(stores(), devices(), "acme", T0, T0 + DAY).sketch()))
                .isEqualTo(acmeBefore);
        assertThat(Math.round(before.estimate())).isEqualTo(120);
        assertThat(blocks()).isEqualTo(blocksBefore);
        assertThat(SketchMerge.totals(SketchReads.topK(stores(), noisiest, T0, T0 + DAY).sketch()).events())
                .as("a top-K counts what it is given: ingest's de-duplication keeps replays away from it")
                .isEqualTo(2 * eventsBefore);
    }

    /**
     * A device repeats within a minute far more often than it is new: the processor skips counting a device again in
     * a window that holds it. That must leave every window byte for byte as counting every event would, HIP
     * estimator included, in list, set and dense mode, for late events into an earlier minute too.
     */
    @Test
    void shouldLeaveEveryWindowAsCountingEveryEventWouldWhenDevicesRepeat() {
        start(SketchSettings.defaults().withTopK(List.of()).withFilters(List.of()));
        Map<Bytes, HllSketch> expected = new HashMap<>();
        Random random = new Random(11);
        for (int i = 0; i < 6_000; i++) {
            // 2,000 devices (past the sparse modes) over three minutes, each minute also taking late events.
            long at = T0 + (i / 2_000) * MINUTE + (i % 2_000) * 20L - (random.nextInt(4) == 0 ? MINUTE : 0);
            String device = "truck-" + (i < 2_000 ? i : random.nextInt(400));
            send(device, "acme", at);
            for (WindowSpec spec : devices().windows()) {
                for (String group : new String[] {null, "acme"}) {
                    expected.computeIfAbsent(SketchKeys.window("devices", group, spec.sizeMs(), spec.startOf(at)),
                            key -> new HllSketch(DistinctWindow.LG_K, DistinctWindow.TYPE))
                            .update(device.getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        Map<Bytes, byte[]> stored = new HashMap<>();
        try (KeyValueIterator<Bytes, SketchWindow> all = windows().all()) {
            all.forEachRemaining(entry -> stored.put(entry.key, entry.value.image()));
        }
        assertThat(stored.keySet()).isEqualTo(expected.keySet());
        expected.forEach((key, sketch) -> assertThat(stored.get(key)).as("%s", SketchKeys.decodeWindow(key))
                .isEqualTo(sketch.toCompactByteArray()));
        assertThat(expected.values()).as("the test reaches dense windows").anyMatch(sketch -> sketch.getEstimate() > 1_900);
    }

    private List<BloomBlock> blocks() {
        List<BloomBlock> blocks = new ArrayList<>();
        KeyValueStore<Bytes, BloomBlock> store = harness.driver().getKeyValueStore(SketchesTopology.FILTERS_STORE.name());
        try (KeyValueIterator<Bytes, BloomBlock> all = store.all()) {
            all.forEachRemaining(entry -> blocks.add(entry.value));
        }
        return blocks;
    }

    /** A list change applies within a second: each task remembers the list's answers that long (wall clock). */
    @Test
    void shouldCopyEventsWhoseValueIsOnAWatchListUntilItIsRemoved() {
        WatchDefinition stolen = new WatchDefinition("stolen", SketchField.parse("attributes.mac"));
        start(SketchSettings.defaults().withWatches(List.of(stolen)));
        TestInputTopic<String, byte[]> list = harness.driver().createInputTopic("spectra.watch.stolen",
                new StringSerializer(), new ByteArraySerializer());
        TestOutputTopic<String, DeviceEvent> matches = harness.output(SketchesTopology.WATCH_MATCHES);

        list.pipeInput("aa:bb", new byte[] {1});
        send("truck-1", "acme", T0, Map.of("mac", "aa:bb"));
        send("truck-2", "acme", T0, Map.of("mac", "cc:dd"));
        list.pipeInput("aa:bb", (byte[]) null);
        harness.driver().advanceWallClockTime(java.time.Duration.ofSeconds(1));
        send("truck-1", "acme", T0 + SECOND, Map.of("mac", "aa:bb"));
        list.pipeInput("cc:dd", new byte[] {1});
        harness.driver().advanceWallClockTime(java.time.Duration.ofSeconds(1));
        send("truck-2", "acme", T0 + 2 * SECOND, Map.of("mac", "cc:dd"));

        List<TestRecord<String, DeviceEvent>> copies = matches.readRecordsToList();
        assertThat(copies).extracting(TestRecord::key).containsExactly("truck-1", "truck-2");
        assertThat(copies.get(0).key()).isEqualTo("truck-1");
        assertThat(copies.get(0).value().attributes()).containsEntry("mac", "aa:bb");
        assertThat(new String(copies.get(0).headers().lastHeader(SketchesTopology.WATCH_HEADER).value(),
                StandardCharsets.UTF_8)).isEqualTo("stolen");
        assertThat(counted(SketchMeters.WATCH_MATCHES, "stolen", null)).isEqualTo(2);
    }

    @Test
    void shouldAttachOneProcessorToTheValidatedEventsWithoutARepartitionOrASink() {
        start(SketchSettings.defaults());

        TopologyDescription description = harness.topology().describe();
        assertThat(description.subtopologies()).hasSize(1);
        List<String> nodes = new ArrayList<>();
        description.subtopologies().forEach(sub -> sub.nodes().forEach(node -> nodes.add(node.name())));
        assertThat(nodes).containsExactlyInAnyOrder("events-source", SketchesTopology.PROCESSOR_NAME);
        assertThat(description.globalStores()).isEmpty();
    }

    @Test
    void shouldAddNothingWhenDisabled() {
        start(SketchSettings.defaults().withEnabled(false));

        assertThat(harness.topology().describe().subtopologies()).allSatisfy(sub ->
                assertThat(sub.nodes()).extracting(TopologyDescription.Node::name).containsExactly("events-source"));
    }

    /** Reads an HLL image's estimate (helper so assertions read as numbers). */
    static final class HllSketchEstimate {
        static double of(byte[] image) {
            return org.apache.datasketches.hll.HllSketch.heapify(image).getEstimate();
        }
    }
}
