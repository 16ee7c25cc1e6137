package io.spectracache.devicestate;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.devices.DeviceState;
import io.spectracache.devices.DeviceStateSerde;
import io.spectracache.devices.MetricReading;
import io.spectracache.errors.DeadLetter;
import io.spectracache.errors.RejectReason;
import io.spectracache.errors.RejectedRecordException;
import io.spectracache.events.DeviceEvent;
import io.spectracache.events.GeoPoint;
import io.spectracache.testing.TopologyHarness;
import io.spectracache.topics.RecordLimits;
import io.spectracache.topics.Topics;
import io.spectracache.topology.TopologyContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceStateTopologyTest {
    private static final String EVENTS = "spectra.events";
    private static final Instant T0 = Instant.parse("2026-11-24T19:00:00.123Z");
    private static final GeoPoint BERLIN = new GeoPoint(52.52, 13.405);
    private static final GeoPoint POTSDAM = new GeoPoint(52.39, 13.06);

    @TempDir
    java.nio.file.Path stateDir;

    private Topology topology;
    private TopologyHarness harness;
    private TopologyTestDriver driver;
    private TestInputTopic<String, DeviceEvent> events;
    private KeyValueStore<String, DeviceState> store;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void startDriver() {
        start(DeviceStateSettings.defaults(), Map.of());
    }

    private void start(DeviceStateSettings settings, Map<String, Object> extraProps) {
        if (harness != null) {
            harness.close();
        }
        harness = TopologyHarness.of(TopologyHarness.validatedEventsFromTopic(), new DeviceStateTopology(settings))
                .meters(meters).applicationId("device-state-test")
                .property(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetteringHandler.class)
                .properties(extraProps).build();
        topology = harness.topology();
        driver = harness.driver();
        events = driver.createInputTopic(EVENTS, new StringSerializer(), Topics.EVENTS.valueSerde().serializer());
        store = driver.getKeyValueStore(DeviceStateTopology.STORE.name());
    }

    @AfterEach
    void closeDriver() {
        harness.close();
    }

    /** What the application's dead-letter handler does, reduced to what these tests observe: reason and detail. */
    public static final class DeadLetteringHandler implements ProcessingExceptionHandler {
        static final String DLQ = "test.dlq";

        @Override
        public void configure(Map<String, ?> configs) {
        }

        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            RejectReason reason = exception instanceof RejectedRecordException rejected
                    ? rejected.reason() : RejectReason.PROCESSING_ERROR;
            return Response.resume(List.of(DeadLetter.of(reason, exception.getMessage())
                    .from(context.topic(), context.partition(), context.offset())
                    .toRecord(DLQ, null, null, context.headers())));
        }
    }

    private static Map<String, Double> metricsNamed(String prefix, int count) {
        Map<String, Double> metrics = new HashMap<>();
        for (int i = 0; i < count; i++) {
            metrics.put(String.format(Locale.ROOT, "%s_%05d", prefix, i), (double) i);
        }
        return metrics;
    }

    private double counted(String meter, String... tags) {
        return meters.get(meter).tags(tags).counter().count();
    }

    private int storedBytes(String deviceId) {
        return deviceId.getBytes(StandardCharsets.UTF_8).length
                + new DeviceStateSerde().serialize("t", store.get(deviceId)).length;
    }

    private void pipe(DeviceEvent event) {
        events.pipeInput(new TestRecord<>(event.deviceId(), event, event.ts()));
    }

    private static DeviceEvent event(String deviceId, long offsetMs, Map<String, Double> metrics, GeoPoint location) {
        return new DeviceEvent(deviceId, T0.plusMillis(offsetMs), "e" + offsetMs, "acme", metrics, location,
                Map.of("fw", "1.2.3"));
    }

    @Test
    void shouldCountEventsAndTrackFirstAndLastSeenPerDevice() {
        pipe(event("truck-1", 0, Map.of("temp", 20.0), BERLIN));
        pipe(event("truck-2", 500, Map.of("temp", 30.0), null));
        pipe(event("truck-1", 1_000, Map.of("temp", 21.0), POTSDAM));
        pipe(event("truck-1", 2_000, Map.of("temp", 22.0), null));

        DeviceState truck1 = store.get("truck-1");
        assertThat(truck1.eventCount()).isEqualTo(3);
        assertThat(truck1.firstSeen()).isEqualTo(T0);
        assertThat(truck1.lastSeen()).isEqualTo(T0.plusMillis(2_000));
        assertThat(truck1.lastEvent().eventId()).isEqualTo("e2000");
        assertThat(truck1.location()).isEqualTo(POTSDAM);
        assertThat(store.get("truck-2").eventCount()).isEqualTo(1);
        assertThat(store.get("unknown")).isNull();
    }

    @Test
    void shouldNotLetALateEventReplaceNewerState() {
        pipe(event("truck-1", 10_000, Map.of("temp", 25.0), POTSDAM));
        pipe(event("truck-1", 0, Map.of("temp", 20.0, "fuel", 0.5), BERLIN));

        DeviceState state = store.get("truck-1");
        assertThat(state.eventCount()).isEqualTo(2);
        assertThat(state.lastEvent().eventId()).isEqualTo("e10000");
        assertThat(state.lastSeen()).isEqualTo(T0.plusMillis(10_000));
        assertThat(state.firstSeen()).isEqualTo(T0);
        assertThat(state.location()).isEqualTo(POTSDAM);
        assertThat(state.metrics()).containsEntry("temp", new MetricReading(25.0, T0.plusMillis(10_000)));
    }

    @Test
    void shouldMergeTheNewestReadingOfEveryMetric() {
        pipe(event("truck-1", 0, Map.of("temp", 20.0, "fuel", 0.9), null));
        pipe(event("truck-1", 1_000, Map.of("speed", 50.0), null));
        pipe(event("truck-1", 2_000, Map.of("temp", 22.0), null));

        assertThat(store.get("truck-1").metrics()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "temp", new MetricReading(22.0, T0.plusMillis(2_000)),
                "fuel", new MetricReading(0.9, T0),
                "speed", new MetricReading(50.0, T0.plusMillis(1_000))));
    }

    @Test
    void shouldIgnoreTombstonesOnTheEventStream() {
        events.pipeInput("truck-1", null, T0);

        assertThat(store.get("truck-1")).isNull();
    }

    @Test
    void shouldAnswerIqv2QueriesWithThePlainState() {
        pipe(event("truck-1", 0, Map.of("temp", 20.0), null));
        pipe(event("truck-2", 0, Map.of("temp", 30.0), null));
        StateStore raw = driver.getAllStateStores().get(DeviceStateTopology.STORE.name());

        QueryResult<DeviceState> hit = raw.query(KeyQuery.<String, DeviceState>withKey("truck-1"),
                PositionBound.unbounded(), new QueryConfig(false));
        QueryResult<DeviceState> miss = raw.query(KeyQuery.<String, DeviceState>withKey("truck-3"),
                PositionBound.unbounded(), new QueryConfig(false));
        QueryResult<KeyValueIterator<String, DeviceState>> all = raw.query(
                RangeQuery.<String, DeviceState>withNoBounds(), PositionBound.unbounded(), new QueryConfig(false));

        assertThat(hit.getResult()).isEqualTo(store.get("truck-1"));
        assertThat(hit.getPosition()).isEqualTo(Position.emptyPosition().withComponent(EVENTS, 0, 1));
        assertThat(miss.isSuccess()).isTrue();
        assertThat(miss.getResult()).isNull();
        List<String> devices = new ArrayList<>();
        try (KeyValueIterator<String, DeviceState> states = all.getResult()) {
            states.forEachRemaining(kv -> devices.add(kv.value.deviceId()));
        }
        assertThat(devices).containsExactly("truck-1", "truck-2");
    }

    @Test
    void shouldWriteTheChangelogInTheBinaryFormat() {
        pipe(event("truck-1", 0, Map.of("temp", 20.0), BERLIN));

        String changelog = "device-state-test-" + DeviceStateTopology.STORE.name() + "-changelog";
        assertThat(driver.producedTopicNames()).contains(changelog);
        byte[] value = driver.createOutputTopic(changelog, new StringDeserializer(), new ByteArrayDeserializer())
                .readValue();
        assertThat(value[0]).isEqualTo(DeviceStateSerde.VERSION_1);
        assertThat(new DeviceStateSerde().deserialize(changelog, value)).isEqualTo(store.get("truck-1"));
    }

    @Test
    void shouldNotRepartitionAStreamThatComesOutOfAnUpstreamProcessor() {
        // The shape ingest hands over: its de-duplication is a process() step after its own repartition by device,
        // and Kafka Streams marks the output of process() as possibly re-keyed.
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, DeviceEvent> deduplicated = builder
                .stream(EVENTS, Consumed.with(Topics.EVENTS.keySerde(), Topics.EVENTS.valueSerde()))
                .process(() -> new ContextualProcessor<String, DeviceEvent, String, DeviceEvent>() {
                    @Override
                    public void process(Record<String, DeviceEvent> record) {
                        context().forward(record);
                    }
                }, Named.as("upstream-dedup"));
        TopologyContext context = TopologyContext.builder(builder).meters(new SimpleMeterRegistry()).build();
        context.provideEvents(deduplicated);
        new DeviceStateTopology().addTo(context);

        TopologyDescription description = builder.build().describe();
        assertThat(description.subtopologies()).hasSize(1);
        assertThat(description.toString()).doesNotContain("repartition");
    }

    @Test
    void shouldAggregateWithoutRepartitioningAndWithStableNames() {
        TopologyDescription description = topology.describe();

        assertThat(description.subtopologies()).singleElement().satisfies(sub -> {
            assertThat(sub.nodes()).noneMatch(node -> node instanceof TopologyDescription.Sink);
            assertThat(sub.nodes()).extracting(TopologyDescription.Node::name)
                    .containsExactlyInAnyOrder("events-source", DeviceStateTopology.AGGREGATE_NAME);
            assertThat(sub.nodes()).filteredOn(node -> node instanceof TopologyDescription.Source)
                    .singleElement()
                    .satisfies(source -> assertThat(((TopologyDescription.Source) source).topicSet())
                            .containsExactly(EVENTS));
        });
        assertThat(description.toString()).doesNotContain("repartition")
                .contains("stores: [" + DeviceStateTopology.STORE.name() + "]");
    }

    @Test
    void shouldKeepAtMostMaxMetricsEvictingTheLeastRecentlyUpdatedAndCountThem() {
        start(DeviceStateSettings.defaults().withMaxMetrics(3), Map.of());

        pipe(event("truck-1", 0, Map.of("a", 1.0, "b", 2.0), null));
        pipe(event("truck-1", 1_000, Map.of("c", 3.0), null));
        pipe(event("truck-1", 2_000, Map.of("d", 4.0), null));
        pipe(event("truck-1", 3_000, Map.of("b", 5.0, "e", 6.0), null));

        DeviceState state = store.get("truck-1");
        // a (t0) went for d; then c (t1) and d (t2) were older than the newest reading of b (t3) and e.
        assertThat(state.metrics()).containsOnlyKeys("b", "d", "e");
        assertThat(state.metrics().get("b")).isEqualTo(new MetricReading(5.0, T0.plusMillis(3_000)));
        assertThat(state.eventCount()).isEqualTo(4);
        assertThat(state.lastEvent().eventId()).isEqualTo("e3000");
        assertThat(counted(DeviceStateMeters.METRICS_EVICTED.meterName(),
                DeviceStateMeters.LIMIT_TAG, DeviceStateMeters.LIMIT_MAX_METRICS)).isEqualTo(2.0);
    }

    @Test
    void shouldEvictALateEventsNewMetricFirstBecauseItsReadingIsTheOldest() {
        start(DeviceStateSettings.defaults().withMaxMetrics(2), Map.of());

        pipe(event("truck-1", 5_000, Map.of("temp", 20.0, "speed", 50.0), null));
        pipe(event("truck-1", 0, Map.of("fuel", 0.5), null));

        assertThat(store.get("truck-1").metrics()).containsOnlyKeys("temp", "speed");
        assertThat(store.get("truck-1").eventCount()).isEqualTo(2);
    }

    @Test
    void shouldKeepIngestingAFatDeviceWithinItsLimitsAndLeaveOtherDevicesAlone() {
        // Issue 6, item 1: 24 valid events of 3,500 distinct metric names each for one device.
        for (int e = 0; e < 24; e++) {
            pipe(new DeviceEvent("fat-device", T0.plusMillis(e), "fat" + e, null,
                    metricsNamed(String.format(Locale.ROOT, "m%02d", e), 3_500), null, null));
            pipe(event("thin-" + e, e, Map.of("temp", 20.0 + e), BERLIN));
        }

        DeviceState fat = store.get("fat-device");
        assertThat(fat.eventCount()).isEqualTo(24);
        assertThat(fat.metrics()).hasSize(DeviceStateSettings.DEFAULT_MAX_METRICS)
                .allSatisfy((name, reading) -> assertThat(name).startsWith("m23_"));
        assertThat(fat.lastEvent().metrics()).hasSize(3_500);
        assertThat(storedBytes("fat-device")).isLessThanOrEqualTo(DeviceStateSettings.DEFAULT_MAX_STATE_BYTES);
        assertThat(store.get("thin-23").metrics()).containsOnlyKeys("temp");
        assertThat(counted(DeviceStateMeters.METRICS_EVICTED.meterName(),
                DeviceStateMeters.LIMIT_TAG, DeviceStateMeters.LIMIT_MAX_METRICS)).isEqualTo(24 * 3_500 - 1_000);
    }

    @Test
    void shouldEvictTheOldestMetricsUntilTheStateFitsItsByteLimit() {
        int limit = DeviceStateSettings.MIN_STATE_BYTES;
        start(DeviceStateSettings.defaults().withMaxStateBytes(limit), Map.of());

        for (int e = 0; e < 10; e++) {
            pipe(new DeviceEvent("truck-1", T0.plusMillis(e), "e" + e, null,
                    metricsNamed(String.format(Locale.ROOT, "m%02d", e), 50), null, null));
        }

        DeviceState state = store.get("truck-1");
        assertThat(storedBytes("truck-1")).isLessThanOrEqualTo(limit);
        assertThat(state.metrics()).hasSizeGreaterThan(50).hasSizeLessThan(500);
        assertThat(state.metrics()).containsKeys("m09_00000", "m09_00049").doesNotContainKey("m00_00000");
        // Only the oldest go: every kept reading is at least as new as every evicted one would have been.
        Instant oldestKept = state.metrics().values().stream().map(MetricReading::at).min(Instant::compareTo).orElseThrow();
        assertThat(state.metrics().keySet()).allSatisfy(name -> assertThat(name.substring(1, 3))
                .isGreaterThanOrEqualTo(String.format(Locale.ROOT, "%02d", oldestKept.toEpochMilli() - T0.toEpochMilli())));
        assertThat(state.eventCount()).isEqualTo(10);
        assertThat(counted(DeviceStateMeters.METRICS_EVICTED.meterName(),
                DeviceStateMeters.LIMIT_TAG, DeviceStateMeters.LIMIT_MAX_STATE_BYTES)).isEqualTo(500 - state.metrics().size());
    }

    @Test
    void shouldStoreALastEventTooLargeOnItsOwnWithoutAttributesAndMetrics() {
        int limit = DeviceStateSettings.MIN_STATE_BYTES;
        start(DeviceStateSettings.defaults().withMaxStateBytes(limit), Map.of());
        pipe(event("truck-1", 0, Map.of("temp", 20.0), BERLIN));

        Map<String, String> attributes = Map.of("blob", "x".repeat(limit));
        pipe(new DeviceEvent("truck-1", T0.plusMillis(1_000), "big", "acme", Map.of("speed", 60.0), POTSDAM, attributes));

        DeviceState state = store.get("truck-1");
        assertThat(state.lastEvent()).isEqualTo(
                new DeviceEvent("truck-1", T0.plusMillis(1_000), "big", "acme", Map.of(), POTSDAM, Map.of()));
        assertThat(state.metrics()).containsOnlyKeys("temp", "speed");
        assertThat(state.location()).isEqualTo(POTSDAM);
        assertThat(state.eventCount()).isEqualTo(2);
        assertThat(storedBytes("truck-1")).isLessThanOrEqualTo(limit);
        assertThat(counted(DeviceStateMeters.LAST_EVENTS_TRIMMED.meterName())).isEqualTo(1.0);

        pipe(event("truck-1", 2_000, Map.of("temp", 22.0), null));
        assertThat(store.get("truck-1").lastEvent().attributes()).containsEntry("fw", "1.2.3");
    }

    @Test
    void shouldDeadLetterAnEventWhoseStateCannotFitAndKeepThePreviousState() {
        start(DeviceStateSettings.defaults().withMaxStateBytes(DeviceStateSettings.MIN_STATE_BYTES), Map.of());
        pipe(event("truck-1", 0, Map.of("temp", 20.0), BERLIN));
        DeviceState before = store.get("truck-1");

        pipe(new DeviceEvent("truck-1", T0.plusMillis(1_000), "x".repeat(5_000), null, Map.of("temp", 30.0), null, null));
        pipe(event("truck-2", 2_000, Map.of("temp", 25.0), null));

        assertThat(store.get("truck-1")).isEqualTo(before);
        assertThat(store.get("truck-2").eventCount()).isEqualTo(1);
        TestRecord<byte[], byte[]> letter = driver.createOutputTopic(DeadLetteringHandler.DLQ,
                new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecord();
        assertThat(new String(letter.headers().lastHeader(DeadLetter.REASON).value(), StandardCharsets.UTF_8))
                .isEqualTo("state-too-large");
        assertThat(new String(letter.headers().lastHeader(DeadLetter.DETAIL).value(), StandardCharsets.UTF_8))
                .contains("limit is " + DeviceStateSettings.MIN_STATE_BYTES);
    }

    @Test
    void shouldNeverStoreMoreThanKafkaStreamsProducerSendsWhateverTheSetting() {
        int maxRequestSize = 20_000;
        start(DeviceStateSettings.defaults(), Map.of(StreamsConfig.producerPrefix("max.request.size"), maxRequestSize));

        for (int e = 0; e < 3; e++) {
            pipe(new DeviceEvent("truck-1", T0.plusMillis(e), "e" + e, null,
                    metricsNamed(String.format(Locale.ROOT, "m%02d", e), 400), null, null));
        }

        assertThat(storedBytes("truck-1")).isLessThanOrEqualTo(maxRequestSize - RecordLimits.FRAMING_BYTES);
        assertThat(store.get("truck-1").metrics()).containsKey("m02_00399").doesNotContainKey("m00_00000");
    }

    @Test
    void shouldFoldTheSameWithTheRecentStatesCacheOff() {
        start(DeviceStateSettings.defaults().withCacheMaxBytes(0), Map.of());

        pipe(event("truck-1", 0, Map.of("temp", 20.0), BERLIN));
        pipe(event("truck-1", 1_000, Map.of("speed", 50.0), null));

        assertThat(store.get("truck-1").eventCount()).isEqualTo(2);
        assertThat(store.get("truck-1").metrics()).containsOnlyKeys("temp", "speed");
    }
}
