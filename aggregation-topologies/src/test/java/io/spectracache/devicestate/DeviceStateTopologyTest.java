package io.spectracache.devicestate;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.devices.DeviceState;
import io.spectracache.devices.MetricReading;
import io.spectracache.events.DeviceEvent;
import io.spectracache.events.GeoPoint;
import io.spectracache.topics.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.testing.TopologyHarness;
import io.spectracache.topology.TopologyContext;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.KeyValueIterator;
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

    @BeforeEach
    void startDriver() {
        harness = TopologyHarness.of(TopologyHarness.validatedEventsFromTopic(), new DeviceStateTopology())
                .applicationId("device-state-test").build();
        topology = harness.topology();
        driver = harness.driver();
        events = driver.createInputTopic(EVENTS, new StringSerializer(), Topics.EVENTS.valueSerde().serializer());
        store = driver.getKeyValueStore(DeviceStateTopology.STORE.name());
    }

    @AfterEach
    void closeDriver() {
        harness.close();
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
}
