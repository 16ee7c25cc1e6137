package io.spectracache.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spectracache.routing.PeerClient;
import io.spectracache.serialization.Json;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two instances with one application id share one broker: any instance answers any request, whoever owns
 * the key. Every point read below is checked at the instance that does NOT own the key.
 */
@Tag("integration")
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class MultiInstanceIT {
    private static final int DEVICES = 24;
    private static TestCluster cluster;
    private static SpectraCache first;
    private static SpectraCache second;

    @BeforeAll
    static void start() {
        cluster = new TestCluster("multi-it");
        // One standby each: every instance also holds copies of the other's partitions, which reads and scans
        // must never mistake for its own.
        first = cluster.startInstance(withStandby(cluster.instanceSettings("a")));
        second = cluster.startInstance(withStandby(cluster.instanceSettings("b")));
        // The first instance rebalances when the second joins: wait until both serve and a scan covers everything.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (SpectraCache instance : List.of(first, second)) {
                assertThat(TestCluster.get(instance.restPort(), "/health/ready").statusCode()).isEqualTo(200);
                JsonNode page = Json.mapper().readTree(TestCluster.get(instance.restPort(), "/v1/kv?limit=1").body());
                assertThat(page.get("partial").asBoolean()).isFalse();
                assertThat(page.get("partitions")).hasSize(4);
            }
        });
    }

    private static java.util.Map<String, Object> withStandby(java.util.Map<String, Object> settings) {
        settings.put(SpectraConfig.STANDBY_REPLICAS_CONFIG, 1);
        return settings;
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {second, first, cluster}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    @Test
    void shouldAnswerEveryDeviceReadAtTheInstanceThatDoesNotOwnTheDevice() throws Exception {
        Instant now = Instant.now();
        try (KafkaProducer<byte[], byte[]> producer = cluster.rawProducer()) {
            for (int d = 0; d < DEVICES; d++) {
                for (int e = 0; e <= d % 3; e++) {
                    String json = "{\"deviceId\":\"dev-" + d + "\",\"ts\":\"" + now.plusMillis(e) + "\",\"eventId\":\"" + d + "-" + e + "\"}";
                    producer.send(new ProducerRecord<>("spectra.events.raw", json.getBytes(UTF_8)));
                }
            }
            producer.flush();
        }
        int forwardedByFirst = 0;
        int forwardedBySecond = 0;
        for (int d = 0; d < DEVICES; d++) {
            String path = "/v1/devices/dev-" + d;
            long expected = d % 3 + 1;
            HttpResponse<String> answer = await().atMost(Duration.ofSeconds(30)).until(
                    () -> readAtNonOwner(path), r -> r.statusCode() == 200 && eventCount(r) == expected);
            String servedBy = answer.headers().firstValue("X-Spectra-Served-By").orElseThrow();
            if (servedBy.endsWith(":" + first.restPort())) {
                forwardedBySecond++;
            } else {
                assertThat(servedBy).endsWith(":" + second.restPort());
                forwardedByFirst++;
            }
        }
        assertThat(forwardedByFirst).as("keys owned by the second instance").isPositive();
        assertThat(forwardedBySecond).as("keys owned by the first instance").isPositive();
    }

    @Test
    void shouldReadOwnCacheWritesAtTheNonOwnerWithTheConsistencyToken() throws Exception {
        for (int i = 0; i < 12; i++) {
            String key = "/v1/kv/user:" + i;
            // Write through one instance, read at whichever instance does not own the key.
            String token = Json.mapper().readTree(TestCluster.put(first.restPort(), key, "profile-" + i, "text/plain").body())
                    .get("token").asText();
            HttpResponse<String> read = readAtNonOwner(key + "?after=" + token);
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.body()).isEqualTo("profile-" + i);
        }
    }

    @Test
    void shouldMergeScansFromAllInstancesInKeyOrder() throws Exception {
        List<String> expected = new ArrayList<>();
        String token = null;
        for (int i = 0; i < 30; i++) {
            String key = String.format("order:%02d", i);
            expected.add(key);
            SpectraCache writer = i % 2 == 0 ? first : second;
            token = Json.mapper().readTree(TestCluster.put(writer.restPort(), "/v1/kv/" + key, "v", "text/plain").body()).get("token").asText();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (SpectraCache instance : List.of(first, second)) {
                List<String> keys = new ArrayList<>();
                String cursor = null;
                do {
                    String query = "/v1/kv?prefix=order:&limit=7" + (cursor == null ? "" : "&cursor=" + cursor);
                    JsonNode page = Json.mapper().readTree(TestCluster.get(instance.restPort(), query).body());
                    assertThat(page.get("partial").asBoolean()).isFalse();
                    page.get("items").forEach(item -> keys.add(item.get("key").asText()));
                    cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
                } while (cursor != null);
                assertThat(keys).isEqualTo(expected);
            }
        });
        assertThat(token).isNotNull();
    }

    @Test
    void shouldRefuseToForwardARequestThatWasAlreadyForwarded() throws Exception {
        String token = Json.mapper().readTree(TestCluster.put(first.restPort(), "/v1/kv/loop-guard", "x", "text/plain").body())
                .get("token").asText();
        HttpResponse<String> viaNonOwner = readAtNonOwner("/v1/kv/loop-guard?after=" + token);
        int nonOwnerPort = viaNonOwner.uri().getPort();
        HttpResponse<String> hop = TestCluster.send(HttpRequest.newBuilder(TestCluster.uri(nonOwnerPort, "/v1/kv/loop-guard"))
                .header(PeerClient.FORWARDED_HEADER, "127.0.0.1:1").GET());
        assertThat(hop.statusCode()).isEqualTo(503);
        assertThat(hop.headers().firstValue("Retry-After")).isPresent();
        assertThat(Json.mapper().readTree(hop.body()).get("error").asText()).isEqualTo("owner_unavailable");
    }

    @Test
    void shouldListEveryDeviceOnceInIdOrderPageByPageFromEitherInstance() throws Exception {
        Instant now = Instant.now();
        int devices = 17;
        try (KafkaProducer<byte[], byte[]> producer = cluster.rawProducer()) {
            for (int d = 0; d < devices; d++) {
                String json = "{\"deviceId\":\"list-" + (char) ('a' + d) + "\",\"ts\":\"" + now + "\",\"eventId\":\"l" + d + "\"}";
                producer.send(new ProducerRecord<>("spectra.events.raw", json.getBytes(UTF_8)));
            }
            producer.flush();
        }
        for (SpectraCache instance : List.of(first, second)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<String> ids = new ArrayList<>();
                String cursor = null;
                int pages = 0;
                do {
                    JsonNode page = Json.mapper().readTree(TestCluster.get(instance.restPort(),
                            "/v1/devices?prefix=list-&limit=5" + (cursor == null ? "" : "&cursor=" + cursor)).body());
                    assertThat(page.get("partial").asBoolean()).isFalse();
                    page.get("items").forEach(item -> ids.add(item.get("deviceId").asText()));
                    cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
                    pages++;
                } while (cursor != null && pages < 20);
                assertThat(ids).hasSize(devices).isSorted().doesNotHaveDuplicates();
                assertThat(pages).isGreaterThanOrEqualTo(4);
            });
        }
        assertThat(TestCluster.get(first.restPort(), "/v1/devices?limit=0").statusCode()).isEqualTo(400);
        assertThat(TestCluster.get(first.restPort(), "/v1/devices?limit=5&sort=id").statusCode()).isEqualTo(400);
    }

    private static long eventCount(HttpResponse<String> response) {
        try {
            return Json.mapper().readTree(response.body()).get("eventCount").asLong();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Asks both instances; returns the answer of the one that forwarded (did not own the key). */
    private static HttpResponse<String> readAtNonOwner(String pathAndQuery) {
        HttpResponse<String> atFirst = TestCluster.get(first.restPort(), pathAndQuery);
        Optional<String> firstForwardedTo = atFirst.headers().firstValue("X-Spectra-Served-By");
        if (firstForwardedTo.isPresent()) {
            return atFirst;
        }
        HttpResponse<String> atSecond = TestCluster.get(second.restPort(), pathAndQuery);
        assertThat(atSecond.headers().firstValue("X-Spectra-Served-By"))
                .as("exactly one of two instances owns " + pathAndQuery)
                .hasValueSatisfying(servedBy -> assertThat(servedBy).endsWith(":" + first.restPort()));
        return atSecond;
    }
}
