package io.spectracache.timeseries;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.events.DeviceEvent;
import io.spectracache.testing.TopologyHarness;
import io.spectracache.timeseries.codec.Chunk;
import io.spectracache.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimeSeriesTopologyTest {
    private static final long T0 = Instant.parse("2026-11-24T19:00:00Z").toEpochMilli();
    private static final long SECOND = 1000;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private TimeSeriesSettings settings;
    private TopologyHarness harness;
    private TestInputTopic<String, DeviceEvent> events;

    private void start(TimeSeriesSettings timeSeriesSettings) {
        settings = timeSeriesSettings;
        harness = TopologyHarness.of(TopologyHarness.validatedEventsFromTopic(), new TimeSeriesTopology(settings))
                .meters(meters).applicationId("timeseries-test").startingAt(Instant.ofEpochMilli(T0)).build();
        events = harness.input(Topics.EVENTS);
    }

    @AfterEach
    void close() {
        if (harness != null) {
            harness.close();
        }
    }

    private void send(String device, long at, Map<String, Double> metrics) {
        events.pipeInput(device, DeviceEvent.of(device, Instant.ofEpochMilli(at), metrics));
    }

    private void send(String device, long at, double temp) {
        send(device, at, Map.of("temp", temp));
    }

    private KeyValueStore<Bytes, OpenSeries> open() {
        return harness.driver().getKeyValueStore(TimeSeriesTopology.OPEN_STORE_NAME);
    }

    private KeyValueStore<Bytes, DeviceTails> tails() {
        return harness.driver().getKeyValueStore(TimeSeriesTopology.TAILS_STORE_NAME);
    }

    /** The open part of one series as readers see it: put on its base. */
    private OpenSeries openSeries(String device, String metric) {
        return SeriesReads.open(stores(), SeriesKeys.seriesPrefix(device, metric));
    }

    private WindowStore<Bytes, Chunk> raw() {
        return harness.driver().getWindowStore(TimeSeriesTopology.RAW_STORE.name());
    }

    private SeriesStores stores() {
        Map<String, WindowStore<Bytes, Rollup>> tiers = new HashMap<>();
        settings.tiers().forEach(tier -> tiers.put(tier.name(), tier(tier.name())));
        return SeriesStores.of(open(), tails(), raw(), tiers);
    }

    private WindowStore<Bytes, Rollup> tier(String name) {
        return harness.driver().getWindowStore(TimeSeriesTopology.TIER_STORE_PREFIX + name);
    }

    private Chunk points(String device, String metric) {
        return SeriesReads.raw(stores(), settings.chunkMaxSpan().toMillis(), device, metric, 0, Long.MAX_VALUE);
    }

    private NavigableMap<Long, Rollup> buckets(String tierName, String device) {
        RollupTier tier = settings.tiers().stream().filter(t -> t.name().equals(tierName)).findFirst().orElseThrow();
        return SeriesReads.buckets(stores(), tier, device, "temp", 0, Long.MAX_VALUE);
    }

    private List<Long> sealedChunkStarts(String device) {
        List<Long> starts = new ArrayList<>();
        try (var chunks = raw().fetch(SeriesKeys.seriesPrefix(device, "temp"), 0, Long.MAX_VALUE)) {
            chunks.forEachRemaining(chunk -> starts.add(chunk.key));
        }
        return starts;
    }

    private double counted(String meter, String tier, String reason) {
        var search = meters.find(meter).tag(TimeSeriesMeters.TIER_TAG, tier);
        if (reason != null) {
            search = search.tag(TimeSeriesMeters.REASON_TAG, reason);
        }
        return search.counter().count();
    }

    private static Chunk chunk(long[] timestamps, double[] values) {
        return Chunk.of(timestamps, values);
    }

    @Test
    void shouldAppendEveryMetricToTheOpenChunkOfItsOwnSeries() {
        start(TimeSeriesSettings.defaults());

        send("truck-1", T0, Map.of("temp", 21.5, "speed", 63.0));
        send("truck-1", T0 + SECOND, Map.of("temp", 21.7, "speed", 64.0));

        assertThat(points("truck-1", "temp")).isEqualTo(chunk(new long[] {T0, T0 + SECOND}, new double[] {21.5, 21.7}));
        assertThat(points("truck-1", "speed")).isEqualTo(chunk(new long[] {T0, T0 + SECOND}, new double[] {63, 64}));
        assertThat(sealedChunkStarts("truck-1")).isEmpty();
    }

    @Test
    void shouldListADevicesMetricsWithTheirOldestAndNewestPointAcrossSealedAndOpenParts() {
        start(TimeSeriesSettings.defaults().withChunkMaxPoints(2));

        send("truck-1", T0, Map.of("temp", 21.5, "speed", 63.0));
        send("truck-1", T0 + SECOND, Map.of("temp", 21.7));
        send("truck-1", T0 + 2 * SECOND, Map.of("temp", 21.9));
        send("truck-10", T0 + 3 * SECOND, Map.of("rpm", 900.0));
        send("truck", T0 + 3 * SECOND, Map.of("rpm", 800.0));

        assertThat(SeriesReads.metrics(stores(), settings.tiers(), "truck-1")).containsExactly(
                new SeriesReads.Listed("temp", T0, T0 + 2 * SECOND),
                new SeriesReads.Listed("speed", T0, T0));
        assertThat(SeriesReads.metrics(stores(), settings.tiers(), "truck-2")).isEmpty();
    }

    @Test
    void shouldSealAChunkAtItsPointLimitIntoTheRawStore() {
        start(TimeSeriesSettings.defaults().withChunkMaxPoints(4));

        for (int i = 0; i < 10; i++) {
            send("truck-1", T0 + i * SECOND, i);
        }

        assertThat(sealedChunkStarts("truck-1")).containsExactly(T0, T0 + 4 * SECOND);
        assertThat(openSeries("truck-1", "temp").chunk().size()).isEqualTo(2);
        assertThat(points("truck-1", "temp").size()).isEqualTo(10);
        assertThat(meters.find(TimeSeriesMeters.CHUNKS_SEALED.meterName()).counter().count()).isEqualTo(2);
    }

    @Test
    void shouldSealAChunkWhenTheNextPointLiesBeyondItsSpan() {
        start(TimeSeriesSettings.defaults().withChunkMaxSpan(Duration.ofMinutes(10)));

        send("truck-1", T0, 1);
        send("truck-1", T0 + 5 * MINUTE, 2);
        send("truck-1", T0 + 10 * MINUTE, 3);

        assertThat(sealedChunkStarts("truck-1")).containsExactly(T0);
        assertThat(points("truck-1", "temp"))
                .isEqualTo(chunk(new long[] {T0, T0 + 5 * MINUTE, T0 + 10 * MINUTE}, new double[] {1, 2, 3}));
    }

    @Test
    void shouldMergeALatePointWithinGraceIntoTheSealedChunkThatOwnsItsTime() {
        start(TimeSeriesSettings.defaults().withChunkMaxPoints(4));
        for (int i = 0; i < 10; i++) {
            send("truck-1", T0 + i * 10 * SECOND, i);
        }

        send("truck-1", T0 + 15 * SECOND, 1.5);   // inside the first sealed chunk
        send("truck-1", T0 + 35 * SECOND, 3.5);   // between the chunks: the first owns it (greatest start before)
        send("truck-1", T0 - 5 * SECOND, -0.5);   // before every chunk: a chunk of its own

        Chunk all = points("truck-1", "temp");
        assertThat(all.size()).isEqualTo(13);
        assertThat(all.timestamps()).isSorted();
        assertThat(all.value(0)).isEqualTo(-0.5);
        assertThat(all.value(3)).isEqualTo(1.5);
        assertThat(sealedChunkStarts("truck-1")).containsExactly(T0 - 5 * SECOND, T0, T0 + 40 * SECOND);
        assertThat(counted(TimeSeriesMeters.POINTS_MERGED_LATE.meterName(), "raw", null)).isEqualTo(3);
    }

    @Test
    void shouldReplaceTheValueOfAPointAtATimeAlreadyHeldSealedOrOpen() {
        start(TimeSeriesSettings.defaults().withChunkMaxPoints(3));
        for (int i = 0; i < 5; i++) {
            send("truck-1", T0 + i * SECOND, i);
        }

        send("truck-1", T0 + SECOND, 10);       // sealed
        send("truck-1", T0 + 4 * SECOND, 40);   // open

        assertThat(points("truck-1", "temp")).isEqualTo(chunk(
                new long[] {T0, T0 + SECOND, T0 + 2 * SECOND, T0 + 3 * SECOND, T0 + 4 * SECOND},
                new double[] {0, 10, 2, 3, 40}));
    }

    @Test
    void shouldSplitASealedChunkThatLatePointsGrewPastTwiceItsLimit() {
        start(TimeSeriesSettings.defaults().withChunkMaxPoints(4));
        for (int i = 0; i < 8; i++) {
            send("truck-1", T0 + i * 10 * SECOND, i);
        }
        for (int i = 1; i <= 6; i++) {
            send("truck-1", T0 + i * SECOND, 100 + i);
        }

        assertThat(sealedChunkStarts("truck-1")).hasSize(3);
        Chunk all = points("truck-1", "temp");
        assertThat(all.size()).isEqualTo(14);
        assertThat(all.timestamps()).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void shouldKeepAPointLaterThanGraceOutOfRawButInEveryTier() {
        start(TimeSeriesSettings.defaults().withGrace(Duration.ofMinutes(5)));
        send("truck-1", T0, 1);
        send("truck-1", T0 + 10 * MINUTE, 2);

        send("truck-1", T0 + 2 * MINUTE, 3);

        assertThat(points("truck-1", "temp").size()).isEqualTo(2);
        assertThat(counted(TimeSeriesMeters.POINTS_SKIPPED.meterName(), "raw", TimeSeriesMeters.REASON_BEYOND_GRACE))
                .isEqualTo(1);
        assertThat(buckets("1m", "truck-1")).containsKeys(T0, T0 + 2 * MINUTE, T0 + 10 * MINUTE);
        assertThat(buckets("1h", "truck-1").firstEntry().getValue().count()).isEqualTo(3);
    }

    @Test
    void shouldMeasureGracePerSeriesSoALaggingDeviceLosesNothing() {
        start(TimeSeriesSettings.defaults().withGrace(Duration.ofMinutes(5)));
        send("truck-fast", T0 + HOUR, 1);

        send("truck-slow", T0, 1);
        send("truck-slow", T0 + MINUTE, 2);

        assertThat(points("truck-slow", "temp").size()).isEqualTo(2);
    }

    @Test
    void shouldFoldReadingsIntoBucketsAndUpdateASealedBucketWithALateReading() {
        start(TimeSeriesSettings.defaults());
        send("truck-1", T0 + 10 * SECOND, 1);
        send("truck-1", T0 + 20 * SECOND, 3);
        send("truck-1", T0 + MINUTE + 5 * SECOND, 10);   // seals the first minute

        send("truck-1", T0 + 30 * SECOND, 2);             // late, into the sealed minute

        try (var sealed = tier("1m").fetch(SeriesKeys.seriesPrefix("truck-1", "temp"), 0, Long.MAX_VALUE)) {
            KeyValue<Long, Rollup> first = sealed.next();
            assertThat(first.key).isEqualTo(T0);
            assertThat(first.value.count()).isEqualTo(3);
            assertThat(first.value.sum()).isEqualTo(6);
            assertThat(first.value.last()).isEqualTo(2);
            assertThat(first.value.lastAt()).isEqualTo(T0 + 30 * SECOND);
            assertThat(sealed.hasNext()).isFalse();   // the second minute is still open
        }
        NavigableMap<Long, Rollup> minutes = buckets("1m", "truck-1");
        assertThat(minutes.keySet()).containsExactly(T0, T0 + MINUTE);
        assertThat(minutes.get(T0 + MINUTE).count()).isEqualTo(1);
        assertThat(counted(TimeSeriesMeters.POINTS_MERGED_LATE.meterName(), "1m", null)).isEqualTo(1);
        assertThat(buckets("1h", "truck-1").get(T0).count()).isEqualTo(4);
    }

    @Test
    void shouldSkipNanAndInfinityEverywhereAndCountThem() {
        start(TimeSeriesSettings.defaults());
        Map<String, Double> metrics = new HashMap<>();
        metrics.put("temp", Double.NaN);
        metrics.put("speed", Double.POSITIVE_INFINITY);
        metrics.put("fuel", Double.NEGATIVE_INFINITY);
        metrics.put("battery", 80.0);

        send("truck-1", T0, metrics);

        assertThat(points("truck-1", "temp").size()).isZero();
        assertThat(points("truck-1", "speed").size()).isZero();
        assertThat(points("truck-1", "battery").size()).isEqualTo(1);
        assertThat(open().get(SeriesKeys.seriesPrefix("truck-1", "temp"))).isNull();
        assertThat(counted(TimeSeriesMeters.POINTS_SKIPPED.meterName(), "all", TimeSeriesMeters.REASON_NOT_FINITE))
                .isEqualTo(3);
    }

    @Test
    void shouldDropExpiredRawRangesAndLandABackfillInTheTiersThatStillKeepIt() {
        start(TimeSeriesSettings.defaults().withRawRetention(Duration.ofHours(6)).withChunkMaxPoints(10)
                .withChunkMaxSpan(Duration.ofHours(1)).withTiers("1m:1d,1h:60d"));
        for (int i = 0; i < 40; i++) {
            send("truck-1", T0 + i * MINUTE, i);
        }
        assertThat(sealedChunkStarts("truck-1")).contains(T0);

        // Stream time moves two days on: the first chunks are past raw retention plus a span, and segments go.
        for (int i = 0; i < 30; i++) {
            send("truck-1", T0 + 2 * DAY + i * MINUTE, i);
        }
        assertThat(sealedChunkStarts("truck-1")).allMatch(start -> start >= T0 + 2 * DAY - 7 * HOUR);
        assertThat(points("truck-1", "temp").timestamp(0)).isGreaterThanOrEqualTo(T0 + 2 * DAY);
        assertThat(buckets("1m", "truck-1").firstKey()).isGreaterThan(T0 + DAY);
        assertThat(buckets("1h", "truck-1")).containsKey(T0);

        // A gateway back after 10 days sends an old reading: too old for raw and for 1m, right for 1h.
        send("truck-1", T0 + 2 * DAY - 10 * DAY + 30 * MINUTE, 7);

        assertThat(counted(TimeSeriesMeters.POINTS_SKIPPED.meterName(), "raw",
                TimeSeriesMeters.REASON_BEYOND_RETENTION)).isEqualTo(1);
        assertThat(counted(TimeSeriesMeters.POINTS_SKIPPED.meterName(), "1m",
                TimeSeriesMeters.REASON_BEYOND_RETENTION)).isEqualTo(1);
        assertThat(counted(TimeSeriesMeters.POINTS_SKIPPED.meterName(), "1h",
                TimeSeriesMeters.REASON_BEYOND_RETENTION)).isZero();
        assertThat(buckets("1h", "truck-1").get(T0 - 8 * DAY).count()).isEqualTo(1);
        assertThat(buckets("1h", "truck-1").get(T0).count()).isEqualTo(40);
    }

    @Test
    void shouldListAndDeleteOneDeviceCompletelyByItsKeyRangeAndTouchNoOther() {
        start(TimeSeriesSettings.defaults().withChunkMaxPoints(2));
        for (String device : List.of("truck-1", "truck-10", "truck-1a", "truck-")) {
            for (int i = 0; i < 5; i++) {
                send(device, T0 + i * MINUTE, Map.of("temp", (double) i, "speed", (double) i * 2));
            }
        }

        List<KeyValue<Windowed<Bytes>, Chunk>> listed = new ArrayList<>();
        try (KeyValueIterator<Windowed<Bytes>, Chunk> device = raw().fetch(SeriesKeys.devicePrefix("truck-1"),
                SeriesKeys.deviceRangeEnd("truck-1"), 0, Long.MAX_VALUE)) {
            device.forEachRemaining(listed::add);
        }
        assertThat(listed).hasSize(4)
                .allMatch(entry -> decodeDevice(entry.key.key()).equals("truck-1"));
        List<Bytes> openKeys = new ArrayList<>();
        try (var openOfDevice = open().range(SeriesKeys.devicePrefix("truck-1"), SeriesKeys.deviceRangeEnd("truck-1"))) {
            openOfDevice.forEachRemaining(entry -> openKeys.add(entry.key));
        }
        assertThat(openKeys).hasSize(2);
        List<Bytes> tailKeys = new ArrayList<>();
        try (var tailsOfDevice = tails().range(SeriesKeys.devicePrefix("truck-1"), SeriesKeys.deviceRangeEnd("truck-1"))) {
            tailsOfDevice.forEachRemaining(entry -> tailKeys.add(entry.key));
        }
        assertThat(tailKeys).containsExactly(SeriesKeys.devicePrefix("truck-1"));

        listed.forEach(entry -> raw().put(entry.key.key(), null, entry.key.window().start()));
        openKeys.forEach(key -> open().delete(key));
        tailKeys.forEach(key -> tails().delete(key));

        try (var device = raw().fetch(SeriesKeys.devicePrefix("truck-1"), SeriesKeys.deviceRangeEnd("truck-1"),
                0, Long.MAX_VALUE)) {
            assertThat(device.hasNext()).isFalse();
        }
        assertThat(points("truck-1", "temp").size()).isZero();
        assertThat(SeriesReads.metrics(stores(), settings.tiers(), "truck-1")).isEmpty();
        for (String other : List.of("truck-10", "truck-1a", "truck-")) {
            assertThat(points(other, "temp").size()).as(other).isEqualTo(5);
        }
    }

    private static String decodeDevice(Bytes seriesPrefix) {
        byte[] withTime = java.util.Arrays.copyOf(seriesPrefix.get(), seriesPrefix.get().length + Long.BYTES);
        return SeriesKeys.decode(Bytes.wrap(withTime)).deviceId();
    }

    @Test
    void shouldSealIdleSeriesOnTheSweepAndForgetSeriesWhosePointsAllExpired() {
        start(TimeSeriesSettings.defaults().withRawRetention(Duration.ofHours(4)).withChunkMaxSpan(Duration.ofHours(1))
                .withTiers("1m:2h,1h:3h"));
        send("meter-1", T0, 230);
        send("truck-1", T0 + 90 * MINUTE, 20);

        harness.driver().advanceWallClockTime(TimeSeriesProcessor.SWEEP_INTERVAL);

        assertThat(sealedChunkStarts("meter-1")).containsExactly(T0);
        assertThat(openSeries("meter-1", "temp").chunk().size()).isZero();
        assertThat(SeriesReads.buckets(stores(), settings.tiers().get(0), "meter-1", "temp", 0,
                Long.MAX_VALUE)).containsOnlyKeys(T0);
        assertThat(openSeries("truck-1", "temp").chunk().size()).isEqualTo(1);

        send("truck-1", T0 + 10 * HOUR, 21);
        harness.driver().advanceWallClockTime(TimeSeriesProcessor.SWEEP_INTERVAL);

        assertThat(open().get(SeriesKeys.seriesPrefix("meter-1", "temp"))).isNull();
    }

    @Test
    void shouldKeepADevicesTailsRecordFarUnderKafkasLimitWhenItSendsThousandsOfMetrics() {
        // Issue 6's fat device: events of 3,500 metrics each, first always the same names, then new names each time.
        start(TimeSeriesSettings.defaults());
        for (int e = 0; e < 20; e++) {
            Map<String, Double> metrics = new HashMap<>();
            for (int j = 0; j < 3_500; j++) {
                metrics.put(String.format(java.util.Locale.ROOT, "m%02d_%05d", e < 10 ? 0 : e, j), (double) e);
            }
            send("fat-device", T0 + e * SECOND, metrics);
        }

        List<Integer> recordSizes = harness.driver().createOutputTopic(
                        "timeseries-test-" + TimeSeriesTopology.TAILS_STORE_NAME + "-changelog",
                        new org.apache.kafka.common.serialization.BytesDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer())
                .readValuesToList().stream().filter(java.util.Objects::nonNull).map(value -> value.length).toList();
        assertThat(recordSizes).hasSize(20)
                .allMatch(size -> size <= TimeSeriesProcessor.DEVICE_TAILS_BUDGET_BYTES + 64 * 1024);
        assertThat(points("fat-device", "m00_00042").values()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(points("fat-device", "m19_03499").values()).containsExactly(19);
    }

    @Test
    void shouldKeepEveryPointOfDevicesTheObjectCacheForgotWhenMoreSeriesSendThanItHolds() {
        // More series than the processor keeps as objects: devices are forgotten (second chance) and read back.
        start(TimeSeriesSettings.defaults());
        int devices = TimeSeriesProcessor.CACHED_SERIES / 4 + 500;
        for (int round = 0; round < 2; round++) {
            for (int d = 0; d < devices; d++) {
                send("meter-" + d, T0 + round * SECOND + d,
                        Map.of("a", round + 0.5, "b", round + 1.5, "c", round + 2.5, "d", (double) d));
            }
        }

        for (int d : new int[] {0, 1, devices / 2, devices - 1}) {
            assertThat(points("meter-" + d, "a").values()).as("meter-%d", d).containsExactly(0.5, 1.5);
            assertThat(points("meter-" + d, "d").values()).as("meter-%d", d).containsExactly(d, d);
        }
    }

    @Test
    void shouldGoOnFromWhatTheBaseStoreHoldsWhenATailsBaseWasLostInsteadOfFailingEveryEvent() {
        // At-least-once after a crash can leave a device's tails in their changelog without the base they continue.
        start(TimeSeriesSettings.defaults());
        send("truck-1", T0, 20);
        send("truck-1", T0 + SECOND, 21);
        DeviceTails written = tails().get(SeriesKeys.devicePrefix("truck-1"));
        harness.close();
        start(TimeSeriesSettings.defaults());
        tails().put(SeriesKeys.devicePrefix("truck-1"), written);

        send("truck-1", T0 + 2 * SECOND, 22);

        assertThat(points("truck-1", "temp").values()).containsExactly(22);
        assertThat(openSeries("truck-1", "temp").latest()).isEqualTo(T0 + 2 * SECOND);
    }

    @Test
    void shouldAttachWithoutRepartitionAndNameEveryProcessorAndStoreTimeseries() {
        start(TimeSeriesSettings.defaults());
        TopologyDescription description = harness.topology().describe();
        List<String> names = new ArrayList<>();
        for (TopologyDescription.Subtopology sub : description.subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                names.add(node.name());
                if (node instanceof TopologyDescription.Processor processor) {
                    names.addAll(processor.stores());
                }
            }
        }
        assertThat(description.subtopologies()).hasSize(1);
        assertThat(names).filteredOn(name -> !name.equals("events-source"))
                .allMatch(name -> name.startsWith("timeseries-"))
                .contains("timeseries-append", "timeseries-open", "timeseries-raw", "timeseries-rollup-1m",
                        "timeseries-rollup-1h");
    }

    @Test
    void shouldAddNothingWhenDisabled() {
        start(TimeSeriesSettings.defaults().withEnabled(false));

        assertThat(harness.topology().describe().subtopologies().iterator().next().nodes()).hasSize(1);
    }
}
