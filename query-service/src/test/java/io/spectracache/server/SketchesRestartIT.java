package io.spectracache.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spectracache.serialization.Json;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sketches are changelog-backed state like every other store: an instance restarted on its data directory answers the
 * distinct count, the top-K and the membership filter exactly as before.
 */
@Tag("integration")
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class SketchesRestartIT {
    private static final int DEVICES = 500;

    @Test
    void shouldAnswerTheSameEstimatesAfterAnInstanceRestartsOnItsDataDirectory() throws Exception {
        try (TestCluster cluster = new TestCluster("sketches-restart-it")) {
            Map<String, Object> settings = cluster.instanceSettings("a");
            long now = System.currentTimeMillis();
            long from = now - 3_600_000L;
            long to = now + 60_000L;
            String range = "?from=" + from + "&to=" + to;
            List<String> asked = List.of("/v1/distinct/devices" + range, "/v1/distinct/devices" + range + "&group=acme",
                    "/v1/distinct/devices" + range + "&step=15m", "/v1/topk/noisiest-devices" + range + "&k=3");
            JsonNode[] before = new JsonNode[asked.size()];
            String membershipBefore;
            try (SpectraCache cache = cluster.startInstance(settings)) {
                try (KafkaProducer<byte[], byte[]> producer = cluster.rawProducer()) {
                    for (int d = 0; d < DEVICES; d++) {
                        for (int e = 0; e < 1 + d % 4; e++) {
                            String device = "r-" + d;
                            String json = "{\"deviceId\":\"" + device + "\",\"ts\":" + (now - 40 * 60_000L + d * 1_000L + e)
                                    + ",\"eventId\":\"e" + e + "\",\"tenant\":\"" + (d % 2 == 0 ? "acme" : "globex") + "\"}";
                            producer.send(new ProducerRecord<>("spectra.events.raw", device.getBytes(UTF_8), json.getBytes(UTF_8)));
                        }
                    }
                    producer.flush();
                }
                int port = cache.restPort();
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    JsonNode devices = get(port, asked.get(0));
                    assertThat(devices.get("lower95").asDouble()).isLessThanOrEqualTo(DEVICES);
                    assertThat(devices.get("upper95").asDouble()).isGreaterThanOrEqualTo(DEVICES);
                    assertThat(membership(port)).contains("\"maybeCount\":" + DEVICES);
                });
                for (int i = 0; i < asked.size(); i++) {
                    before[i] = get(port, asked.get(i));
                }
                membershipBefore = membership(port);
            }
            try (SpectraCache cache = cluster.startInstance(settings)) {
                int port = cache.restPort();
                for (int i = 0; i < asked.size(); i++) {
                    assertThat(get(port, asked.get(i))).as("%s across the restart", asked.get(i)).isEqualTo(before[i]);
                }
                assertThat(membership(port)).as("membership across the restart").isEqualTo(membershipBefore);
            }
        }
    }

    private static JsonNode get(int port, String pathAndQuery) throws IOException {
        HttpResponse<String> response = TestCluster.get(port, pathAndQuery);
        assertThat(response.statusCode()).as("%s: %s", pathAndQuery, response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }

    private static String membership(int port) throws IOException {
        StringBuilder items = new StringBuilder("[");
        for (int d = 0; d < DEVICES; d++) {
            items.append(d == 0 ? "" : ",").append("\"r-").append(d).append('"');
        }
        HttpResponse<String> response = TestCluster.send(HttpRequest.newBuilder(TestCluster.uri(port,
                "/v1/membership/seen-devices")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(items.append(']').toString(), UTF_8)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        ObjectNode answer = (ObjectNode) Json.mapper().readTree(response.body());
        return answer.toString();
    }
}
