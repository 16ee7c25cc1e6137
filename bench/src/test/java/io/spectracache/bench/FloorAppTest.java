package io.spectracache.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FloorAppTest {
    private static final String TOPIC = "bench.floor.events";

    @TempDir
    Path stateDir;

    @Test
    void shouldCountEveryEventOfEachDeviceAndKeepTheLastOnesMetrics() {
        Events events = Events.generate(30, 3, 7L, Instant.parse("2026-11-29T12:00:00Z"));
        try (TopologyTestDriver driver = new TopologyTestDriver(FloorApp.topology(TOPIC), driverProperties())) {
            TestInputTopic<String, byte[]> input = driver.createInputTopic(TOPIC, new StringSerializer(), new ByteArraySerializer());
            for (int i = 0; i < events.size(); i++) {
                input.pipeInput(new String(events.key(i), UTF_8), events.value(i));
            }
            KeyValueStore<String, ValueAndTimestamp<FloorApp.Latest>> store = driver.getTimestampedKeyValueStore(FloorApp.STORE);
            for (String device : events.deviceIds()) {
                assertThat(store.get(device).value().count()).as(device).isEqualTo(10);
            }
            FloorApp.Reading last = FloorApp.parse(events.value(events.size() - 1)); // device 2's tenth event
            FloorApp.Latest latest = store.get("bench-device-000002").value();
            assertThat(latest.ts()).isEqualTo(last.ts());
            assertThat(latest.metrics()).isEqualTo(last.metrics()).containsKeys("temp", "speed", "battery", "rpm");
        }
    }

    @Test
    void shouldReadTheEventOnceWithoutRepartitionAndWriteNothingButTheStoresChangelog() {
        Topology topology = FloorApp.topology(TOPIC);
        TopologyDescription description = topology.describe();

        assertThat(description.subtopologies()).as("one sub-topology: no repartition topic").hasSize(1);
        assertThat(description.subtopologies().iterator().next().nodes())
                .noneMatch(node -> node instanceof TopologyDescription.Sink)
                .anyMatch(node -> node instanceof TopologyDescription.Source source && source.topicSet().equals(java.util.Set.of(TOPIC)))
                .anyMatch(node -> node instanceof TopologyDescription.Processor p && p.stores().equals(java.util.Set.of(FloorApp.STORE)));
        assertThat(description.globalStores()).isEmpty();
    }

    @Test
    void shouldRunWithTheSharedSettingsAndKafkaStreamsDefaultsForTheRest() {
        FloorApp.Settings settings = new FloorApp.Settings("127.0.0.1:1", "floor-app", TOPIC, stateDir, 2, 200,
                StreamsConfig.EXACTLY_ONCE_V2, -1, Map.of("client.dns.lookup", "use_all_dns_ips"));

        Properties props = FloorApp.properties(settings);

        assertThat(props).containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200L)
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1)
                .containsEntry("client.dns.lookup", "use_all_dns_ips")
                .doesNotContainKey(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG);
        assertThat(new StreamsConfig(props).getLong(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG))
                .as("record cache on, at Kafka Streams' default").isPositive();
        assertThatThrownBy(() -> new FloorApp.Settings("b", "a", TOPIC, stateDir, 0, 200, StreamsConfig.EXACTLY_ONCE_V2, -1, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldDecodeTheStateItEncoded() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("temp", 21.5);
        metrics.put("wärme", -0.0);
        metrics.put("speed", Double.MAX_VALUE);
        FloorApp.Latest latest = new FloorApp.Latest(1_234_567_890_123L, "2026-11-29T12:00:00.001Z", metrics);

        assertThat(FloorApp.decode(FloorApp.encode(latest))).isEqualTo(latest);
        assertThat(FloorApp.decode(FloorApp.encode(FloorApp.Latest.NONE))).isEqualTo(FloorApp.Latest.NONE);
        assertThat(FloorApp.latestSerde().serializer().serialize("t", null)).isNull();
    }

    @Test
    void shouldRefuseBytesThatAreNotAFloorStateInsteadOfReadingGarbage() {
        byte[] encoded = FloorApp.encode(new FloorApp.Latest(3, "ts", Map.of("temp", 1.0)));

        assertThatThrownBy(() -> FloorApp.decode(Arrays.copyOf(encoded, encoded.length - 1))).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> FloorApp.decode(Arrays.copyOf(encoded, encoded.length + 1))).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> FloorApp.decode(new byte[] {0, 0, 0, 0, 0, 0, 0, 1, 127, 0, 0, 0}))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void shouldFailOnAValueThatIsNotJsonSinceTheFloorValidatesNothing() {
        assertThatThrownBy(() -> FloorApp.parse("not json".getBytes(UTF_8))).isInstanceOf(UncheckedIOException.class);
        FloorApp.Reading sparse = FloorApp.parse("{\"deviceId\":\"d\",\"unknown\":[1,2]}".getBytes(UTF_8));
        assertThat(sparse.metrics()).isEmpty();
        assertThat(FloorApp.Latest.NONE.plus(sparse)).isEqualTo(new FloorApp.Latest(1, "", Map.of()));
    }

    private Properties driverProperties() {
        return FloorApp.properties(new FloorApp.Settings("dummy:9092", "floor-test", TOPIC, stateDir, 1, 200,
                StreamsConfig.AT_LEAST_ONCE, -1, Map.of()));
    }
}
