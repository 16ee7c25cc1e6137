package io.spectracache.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spectracache.flight.FlightSettings;
import io.spectracache.serialization.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The default mode (embedded broker, simulated fleet) keeps everything across a restart on the same data
 * directory, and counts every event exactly once across it.
 */
@Tag("integration")
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class RestartIT {

    @Test
    void shouldFindItsStateAgainAfterARestartOnTheSameDataDirectory() throws Exception {
        Path dataDir = Files.createTempDirectory("spectracache-restart-");
        Map<String, Object> settings = new HashMap<>();
        settings.put(SpectraConfig.DATA_DIR_CONFIG, dataDir.toString());
        settings.put(SpectraConfig.EMBEDDED_KAFKA_PORT_CONFIG, freePort());
        settings.put(SpectraConfig.EMBEDDED_CONTROLLER_PORT_CONFIG, freePort());
        settings.put(SpectraConfig.REST_PORT_CONFIG, 0);
        settings.put(FlightSettings.PORT_CONFIG, 0);
        settings.put(SpectraConfig.REST_HOST_CONFIG, "127.0.0.1");
        settings.put(SpectraConfig.SIMULATE_DEVICES_CONFIG, 20);
        settings.put(SpectraConfig.SIMULATE_RATE_CONFIG, 200);
        JsonNode pointsBefore;
        JsonNode minutesBefore;
        try {
            try (SpectraCache cache = SpectraCache.start(SpectraConfig.of(settings))) {
                assertThat(cache.awaitReady(Duration.ofSeconds(90))).isTrue();
                int port = cache.restPort();
                String token = Json.mapper().readTree(TestCluster.put(port, "/v1/kv/durable", "survives", "text/plain").body())
                        .get("token").asText();
                assertThat(TestCluster.get(port, "/v1/kv/durable?after=" + token).body()).isEqualTo("survives");
                produceTenEvents(cache.bootstrapServers());
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    assertThat(eventCount(port, "restart-truck")).isEqualTo(10);
                    assertThat(series(port, "").get("points")).hasSize(10);
                    assertThat(cache.registry().get("spectra.ingest.accepted").counter().count())
                            .as("the simulated fleet is sending").isGreaterThan(50);
                });
                pointsBefore = series(port, "");
                minutesBefore = series(port, "&step=1m&agg=count,avg,p50");
            }
            settings.remove(SpectraConfig.SIMULATE_DEVICES_CONFIG);
            try (SpectraCache cache = SpectraCache.start(SpectraConfig.of(settings))) {
                assertThat(cache.awaitReady(Duration.ofSeconds(90))).isTrue();
                int port = cache.restPort();
                assertThat(TestCluster.get(port, "/v1/kv/durable").body()).isEqualTo("survives");
                assertThat(eventCount(port, "restart-truck")).as("counted exactly once across the restart").isEqualTo(10);
                assertThat(series(port, "")).as("raw points across the restart").isEqualTo(pointsBefore);
                assertThat(series(port, "&step=1m&agg=count,avg,p50").get("buckets"))
                        .as("minute buckets across the restart").isEqualTo(minutesBefore.get("buckets"));
            }
        } finally {
            TestCluster.deleteQuietly(dataDir);
        }
    }

    private static void produceTenEvents(String bootstrapServers) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            Instant now = Instant.now();
            for (int i = 0; i < 10; i++) {
                String json = "{\"deviceId\":\"restart-truck\",\"ts\":\"" + now.plusMillis(i) + "\",\"eventId\":\"r" + i
                        + "\",\"metrics\":{\"temp\":" + (20 + i * 0.25) + "}}";
                producer.send(new ProducerRecord<>("spectra.events.raw", json.getBytes(UTF_8))).get();
            }
        }
    }

    /** The series temp of restart-truck over the last hour, with {@code query} appended; without the range fields. */
    private static JsonNode series(int port, String query) throws IOException {
        var response = TestCluster.get(port, "/v1/devices/restart-truck/series/temp?from=-1h" + query);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        ObjectNode answer = (ObjectNode) Json.mapper().readTree(response.body());
        answer.remove(List.of("from", "to"));
        return answer;
    }

    private static long eventCount(int port, String device) throws IOException {
        var response = TestCluster.get(port, "/v1/devices/" + device);
        return response.statusCode() == 200 ? Json.mapper().readTree(response.body()).get("eventCount").asLong() : -1;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
