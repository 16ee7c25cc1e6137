package io.spectracache.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spectracache.devicestate.DeviceStateSettings;
import io.spectracache.errors.DeadLetter;
import io.spectracache.keyvalue.KvWriteRules;
import io.spectracache.serialization.Json;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 6, items 1 and 3 on the real broker under exactly-once: valid input that used to make a state record too
 * large for its changelog, and with it stop a partition forever, is now bounded or dead-lettered, and the partition
 * goes on serving.
 */
@Tag("integration")
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class InputBoundsIT {
    private static final int PARTITIONS = 4;

    private static TestCluster cluster;
    private static SpectraCache cache;
    private static int port;

    @BeforeAll
    static void start() {
        cluster = new TestCluster("bounds-it");
        Map<String, Object> settings = cluster.instanceSettings("one");
        settings.put(SpectraConfig.TOPIC_PARTITIONS_CONFIG, PARTITIONS);
        cache = cluster.startInstance(settings);
        port = cache.restPort();
    }

    @AfterAll
    static void stop() {
        if (cache != null) {
            cache.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldKeepIngestingAPartitionAfterADeviceSendsThousandsOfMetricNames() throws Exception {
        // The reproduction of issue 6, item 1: 24 valid events (about 56 KB each, under the 64 KiB limit) of 3,500
        // distinct metric names each, for one device. Unbounded, its state passed 1 MB after about 18 of them.
        Instant t0 = Instant.now().minusSeconds(60);
        int fatPartition = TestCluster.partitionOf("fat-device", PARTITIONS);
        List<String> neighbours = new ArrayList<>();
        for (int i = 0; neighbours.size() < 5; i++) {
            if (TestCluster.partitionOf("neighbour-" + i, PARTITIONS) == fatPartition) {
                neighbours.add("neighbour-" + i);
            }
        }
        try (KafkaProducer<byte[], byte[]> producer = cluster.rawProducer()) {
            for (int e = 0; e < 24; e++) {
                StringBuilder metrics = new StringBuilder();
                for (int j = 0; j < 3_500; j++) {
                    metrics.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "\"m%02d_%05d\":1.0", e, j));
                }
                String json = "{\"deviceId\":\"fat-device\",\"ts\":\"" + t0.plusMillis(e) + "\",\"eventId\":\"fat" + e
                        + "\",\"metrics\":{" + metrics + "}}";
                assertThat(json.length()).isBetween(50_000, 64 * 1024);
                producer.send(new ProducerRecord<>("spectra.events.raw", "fat-device".getBytes(UTF_8), json.getBytes(UTF_8)));
            }
            // Then ordinary events of other devices on the same partition.
            for (String device : neighbours) {
                String json = "{\"deviceId\":\"" + device + "\",\"ts\":\"" + t0.plusSeconds(1) + "\",\"metrics\":{\"temp\":21.5}}";
                producer.send(new ProducerRecord<>("spectra.events.raw", device.getBytes(UTF_8), json.getBytes(UTF_8))).get();
            }
        }

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (String device : neighbours) {
                HttpResponse<String> response = TestCluster.get(port, "/v1/devices/" + device);
                assertThat(response.statusCode()).as(device).isEqualTo(200);
                assertThat(Json.mapper().readTree(response.body()).get("metrics").get("temp").get("value").asDouble())
                        .isEqualTo(21.5);
            }
        });
        HttpResponse<String> fat = TestCluster.get(port, "/v1/devices/fat-device");
        assertThat(fat.statusCode()).isEqualTo(200);
        JsonNode state = Json.mapper().readTree(fat.body());
        assertThat(state.get("eventCount").asLong()).isEqualTo(24);
        assertThat(state.get("metrics").size()).isEqualTo(DeviceStateSettings.DEFAULT_MAX_METRICS);
        assertThat(state.get("metrics").fieldNames()).toIterable().allSatisfy(name -> assertThat(name).startsWith("m23_"));
        assertThat(state.get("lastEvent").get("eventId").asText()).isEqualTo("fat23");
        // A counter counts work done: an event processed again after an aborted transaction (a slow machine can time
        // one out) evicts its 3,500 names again, while the state above counts it once.
        double evicted = TestCluster.metric(port, "spectra_devicestate_metrics_evicted_total{limit=\"max-metrics\"}");
        double once = 24 * 3_500 - DeviceStateSettings.DEFAULT_MAX_METRICS;
        assertThat(evicted).isGreaterThanOrEqualTo(once);
        assertThat((evicted - once) % 3_500).as("evictions beyond one pass, %s, are whole replayed events", evicted - once)
                .isZero();
        assertThat(TestCluster.get(port, "/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldDeadLetterACacheWriteWithAHugeKeyAndKeepServingItsPartition() throws Exception {
        // The reproduction of issue 6, item 3: a 512 KB key with a 512 KB value, produced past the client's default
        // max.request.size; the value limit did not count the key, so the stored entry passed 1 MB.
        String hugeKey = "H".repeat(524_250);
        try (KafkaProducer<byte[], byte[]> producer = cluster.rawProducer(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2_000_000))) {
            producer.send(new ProducerRecord<>("spectra.kv.writes", hugeKey.getBytes(UTF_8), "v".repeat(524_250).getBytes(UTF_8))).get();
        }
        int hugePartition = TestCluster.partitionOf(hugeKey, PARTITIONS);
        String neighbour = null;
        for (int i = 0; neighbour == null; i++) {
            if (TestCluster.partitionOf("neighbour-key-" + i, PARTITIONS) == hugePartition) {
                neighbour = "neighbour-key-" + i;
            }
        }

        Map<String, String> letter = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = cluster.committedConsumer("kv-dlq-reader")) {
            consumer.subscribe(List.of("spectra.kv.writes.dlq"));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    letter.put("key", record.key() == null ? null : new String(record.key(), UTF_8));
                    letter.put("value", record.value() == null ? null : new String(record.value(), UTF_8));
                    for (String header : List.of(DeadLetter.REASON, DeadLetter.DETAIL, DeadLetter.SOURCE_TOPIC,
                            DeadLetter.SOURCE_PARTITION)) {
                        letter.put(header, new String(record.headers().lastHeader(header).value(), UTF_8));
                    }
                }
                return !letter.isEmpty();
            });
        }
        assertThat(letter.get(DeadLetter.REASON)).isEqualTo("invalid-key");
        assertThat(letter.get(DeadLetter.DETAIL)).contains("1 to " + KvWriteRules.MAX_KEY_CHARS + " characters");
        assertThat(letter.get(DeadLetter.SOURCE_TOPIC)).isEqualTo("spectra.kv.writes");
        assertThat(letter.get(DeadLetter.SOURCE_PARTITION)).isEqualTo(Integer.toString(hugePartition));
        assertThat(letter.get("key")).isEqualTo(hugeKey);
        assertThat(letter.get("value")).as("too large to write again with the key").isNull();

        String token = Json.mapper().readTree(TestCluster.put(port, "/v1/kv/" + neighbour, "served", "text/plain").body())
                .get("token").asText();
        HttpResponse<String> read = TestCluster.get(port, "/v1/kv/" + neighbour + "?after=" + token);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).isEqualTo("served");
        assertThat(TestCluster.metric(port, "spectra_kv_writes_skipped_total{reason=\"invalid-key\"}")).isEqualTo(1.0);
    }

    @Test
    void shouldDeadLetterARawEventNearKafkasLimitAndKeepIngestingItsPartition() throws Exception {
        // The same class of failure one step earlier: an oversized raw record as large as the broker accepts,
        // dead-lettered with its original bytes plus the envelope's headers, passed the producer's 1 MiB.
        String prefix = "{\"deviceId\":\"huge\",\"ts\":\"" + Instant.now() + "\",\"pad\":\"";
        Random random = new Random(6);
        StringBuilder raw = new StringBuilder(prefix);
        while (raw.length() < 1_048_450 - 2) {
            raw.append((char) ('a' + random.nextInt(26)));
        }
        String huge = raw.append("\"}").toString();
        String device = null;
        int partition = TestCluster.partitionOf("huge-raw", PARTITIONS);
        for (int i = 0; device == null; i++) {
            if (TestCluster.partitionOf("after-huge-" + i, PARTITIONS) == partition) {
                device = "after-huge-" + i;
            }
        }
        try (KafkaProducer<byte[], byte[]> producer = cluster.rawProducer(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2_000_000))) {
            producer.send(new ProducerRecord<>("spectra.events.raw", "huge-raw".getBytes(UTF_8), huge.getBytes(UTF_8))).get();
            String json = "{\"deviceId\":\"" + device + "\",\"ts\":\"" + Instant.now() + "\",\"metrics\":{\"temp\":1.0}}";
            producer.send(new ProducerRecord<>("spectra.events.raw", device.getBytes(UTF_8), json.getBytes(UTF_8))).get();
        }

        String queried = device;
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(TestCluster.get(port, "/v1/devices/" + queried).statusCode()).isEqualTo(200));
        Map<String, String> letter = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = cluster.committedConsumer("events-dlq-reader")) {
            consumer.subscribe(List.of("spectra.events.dlq"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() != null && new String(record.key(), UTF_8).equals("huge-raw")) {
                        letter.put("value", record.value() == null ? null : "present");
                        letter.put(DeadLetter.REASON, new String(record.headers().lastHeader(DeadLetter.REASON).value(), UTF_8));
                        letter.put(DeadLetter.DETAIL, new String(record.headers().lastHeader(DeadLetter.DETAIL).value(), UTF_8));
                    }
                }
                return !letter.isEmpty();
            });
        }
        assertThat(letter.get(DeadLetter.REASON)).isEqualTo("oversized");
        assertThat(letter.get(DeadLetter.DETAIL)).contains("original value (" + huge.length() + " bytes) is left out");
        assertThat(letter.get("value")).isNull();
    }
}
