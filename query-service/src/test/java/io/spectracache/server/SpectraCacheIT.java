package io.spectracache.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spectracache.consistency.ConsistencyToken;
import io.spectracache.errors.DeadLetter;
import io.spectracache.keyvalue.KeyValueSettings;
import io.spectracache.rest.RawHttp;
import io.spectracache.serialization.Json;
import java.net.InetAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The whole path on one instance: real producer, real broker, Kafka Streams, RocksDB stores, HTTP. */
@Tag("integration")
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class SpectraCacheIT {
    private static TestCluster cluster;
    private static SpectraCache cache;
    private static int port;

    @BeforeAll
    static void start() {
        cluster = new TestCluster("single-it");
        Map<String, Object> settings = cluster.instanceSettings("one");
        settings.put(KeyValueSettings.MAX_VALUE_BYTES_CONFIG, 4096);
        settings.put(KeyValueSettings.PURGE_INTERVAL_MS_CONFIG, 100L);
        settings.put(SpectraConfig.QUERY_WAIT_MS_CONFIG, 1_000L);
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
    void shouldAnswerLatestDeviceStateForEventsProducedToTheRawTopic() throws Exception {
        Instant t0 = Instant.now().minusSeconds(60);
        try (KafkaProducer<byte[], byte[]> producer = cluster.rawProducer()) {
            for (int i = 0; i < 5; i++) {
                String json = "{\"deviceId\":\"truck-0042\",\"ts\":\"" + t0.plusSeconds(i) + "\",\"eventId\":\"e" + i
                        + "\",\"metrics\":{\"temp\":" + (20 + i) + "},\"location\":{\"lat\":52.5,\"lon\":13.4},\"extra\":{\"kept\":\"or ignored\"}}";
                producer.send(new ProducerRecord<>("spectra.events.raw", json.getBytes(UTF_8))).get();
            }
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> response = TestCluster.get(port, "/v1/devices/truck-0042");
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode state = Json.mapper().readTree(response.body());
            assertThat(state.get("eventCount").asLong()).isEqualTo(5);
            assertThat(state.get("firstSeen").asText()).isEqualTo(t0.toString());
            assertThat(state.get("lastSeen").asText()).isEqualTo(t0.plusSeconds(4).toString());
            assertThat(state.get("lastEvent").get("metrics").get("temp").asDouble()).isEqualTo(24.0);
        });
    }

    @Test
    void shouldLandABackfillOfMonthOldEventsInsteadOfDeadLetteringThem() throws Exception {
        Instant monthAgo = Instant.now().minus(Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        try (KafkaProducer<byte[], byte[]> producer = cluster.rawProducer()) {
            for (int i = 0; i < 3; i++) {
                String json = "{\"deviceId\":\"offline-gateway\",\"ts\":\"" + monthAgo.plusSeconds(i)
                        + "\",\"eventId\":\"backfill-" + i + "\",\"metrics\":{\"temp\":" + i + "}}";
                producer.send(new ProducerRecord<>("spectra.events.raw", "offline-gateway".getBytes(UTF_8), json.getBytes(UTF_8))).get();
            }
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> response = TestCluster.get(port, "/v1/devices/offline-gateway");
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode state = Json.mapper().readTree(response.body());
            assertThat(state.get("eventCount").asLong()).isEqualTo(3);
            assertThat(state.get("lastSeen").asText()).isEqualTo(monthAgo.plusSeconds(2).toString());
        });
    }

    @Test
    void shouldDropDuplicateEventIdsAndCountThem() throws Exception {
        String json = "{\"deviceId\":\"meter-7\",\"ts\":" + Instant.now().toEpochMilli() + ",\"eventId\":\"same\",\"metrics\":{\"kwh\":1.5}}";
        try (KafkaProducer<byte[], byte[]> producer = cluster.rawProducer()) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("spectra.events.raw", ("k" + i).getBytes(UTF_8), json.getBytes(UTF_8))).get();
            }
            String other = json.replace("\"same\"", "\"other\"");
            producer.send(new ProducerRecord<>("spectra.events.raw", other.getBytes(UTF_8))).get();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> response = TestCluster.get(port, "/v1/devices/meter-7");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(Json.mapper().readTree(response.body()).get("eventCount").asLong()).isEqualTo(2);
            assertThat(metric("spectra_ingest_duplicates_events_total")).isGreaterThanOrEqualTo(2.0);
        });
    }

    @Test
    void shouldSendBadEventsToTheDlqWithOriginalBytesAndReasonAndKeepRunning() throws Exception {
        Map<String, String> bad = new HashMap<>();
        bad.put("not json at all", "malformed-json");
        bad.put("{\"ts\":\"2026-11-24T19:00:00Z\"}", "missing-field");
        bad.put("{\"deviceId\":\"d1\",\"ts\":\"" + Instant.now() + "\",\"metrics\":{\"temp\":\"hot\"}}", "wrong-type");
        bad.put("{\"deviceId\":\"d1\",\"ts\":\"1970-01-01T00:00:00Z\"}", "absurd-timestamp");
        bad.put("{\"deviceId\":\"d1\",\"ts\":\"" + Instant.now() + "\",\"location\":{\"lat\":123,\"lon\":0}}", "invalid-coordinates");
        bad.put("{\"deviceId\":\"d1\",\"ts\":\"" + Instant.now() + "\",\"pad\":\"" + "x".repeat(70_000) + "\"}", "oversized");
        try (KafkaProducer<byte[], byte[]> producer = cluster.rawProducer()) {
            for (String value : bad.keySet()) {
                producer.send(new ProducerRecord<>("spectra.events.raw", value.getBytes(UTF_8))).get();
            }
            producer.send(new ProducerRecord<>("spectra.events.raw",
                    ("{\"deviceId\":\"after-bad\",\"ts\":\"" + Instant.now() + "\"}").getBytes(UTF_8))).get();
        }
        Map<String, String> seen = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = dlqConsumer()) {
            consumer.subscribe(List.of("spectra.events.dlq"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    seen.put(new String(record.value(), UTF_8), new String(record.headers().lastHeader(DeadLetter.REASON).value(), UTF_8));
                    assertThat(new String(record.headers().lastHeader(DeadLetter.SOURCE_TOPIC).value(), UTF_8)).isEqualTo("spectra.events.raw");
                }
                return seen.keySet().containsAll(bad.keySet());
            });
        }
        bad.forEach((value, reason) -> assertThat(seen.get(value)).as(value.substring(0, Math.min(40, value.length()))).isEqualTo(reason));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(TestCluster.get(port, "/v1/devices/after-bad").statusCode()).isEqualTo(200));
        assertThat(metric("spectra_ingest_dlq_events_total{reason=\"malformed-json\"}")).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void shouldPutReadOwnWriteAndDeleteThroughKafka() throws Exception {
        HttpResponse<String> written = TestCluster.put(port, "/v1/kv/greeting", "hello", "text/plain");
        assertThat(written.statusCode()).isEqualTo(200);
        String token = Json.mapper().readTree(written.body()).get("token").asText();

        HttpResponse<String> read = TestCluster.get(port, "/v1/kv/greeting?after=" + token);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).isEqualTo("hello");
        assertThat(read.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));

        String deleteToken = Json.mapper().readTree(TestCluster.delete(port, "/v1/kv/greeting").body()).get("token").asText();
        HttpResponse<String> gone = TestCluster.get(port, "/v1/kv/greeting?after=" + deleteToken);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(Json.mapper().readTree(gone.body()).get("error").asText()).isEqualTo("not_found");
    }

    @Test
    void shouldAnswer503WithRetryAfterWhileTheStateHasNotReachedTheTokenAndNeverShowAnAbortedWrite() throws Exception {
        // A write inside a transaction left open: its offset exists (the token is plausible), but exactly-once
        // processing reads committed records only, so the state cannot reach it until the transaction ends.
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cache.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "spectracache-it-open-transaction");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            RecordMetadata pending = producer.send(new ProducerRecord<>("spectra.kv.writes", "patience", "never".getBytes(UTF_8))).get();
            String token = ConsistencyToken.of(pending.topic(), pending.partition(), pending.offset()).encode();

            HttpResponse<String> early = TestCluster.get(port, "/v1/kv/patience?after=" + token);

            assertThat(early.statusCode()).isEqualTo(503);
            assertThat(early.headers().firstValue("Retry-After")).isPresent();
            assertThat(Json.mapper().readTree(early.body()).get("error").asText()).isEqualTo("not_ready");
            producer.abortTransaction();
        }
        String written = Json.mapper().readTree(TestCluster.put(port, "/v1/kv/after-abort", "v", "text/plain").body())
                .get("token").asText();
        assertThat(TestCluster.get(port, "/v1/kv/after-abort?after=" + written).statusCode()).isEqualTo(200);
        assertThat(TestCluster.get(port, "/v1/kv/patience").statusCode()).as("the aborted write").isEqualTo(404);
    }

    @Test
    void shouldNeverReturnAnEntryAfterItsTtl() throws Exception {
        String token = Json.mapper().readTree(TestCluster.put(port, "/v1/kv/session:1?ttl=1", "short-lived", "text/plain").body())
                .get("token").asText();
        assertThat(TestCluster.get(port, "/v1/kv/session:1?after=" + token).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(TestCluster.get(port, "/v1/kv/session:1").statusCode()).isEqualTo(404);
            assertThat(TestCluster.get(port, "/v1/kv?prefix=session:").body()).doesNotContain("short-lived");
        });
    }

    @Test
    void shouldScanInKeyOrderAcrossPartitionsWithPaging() throws Exception {
        String last = null;
        for (int i = 0; i < 25; i++) {
            last = Json.mapper().readTree(TestCluster.put(port, String.format("/v1/kv/scan:%03d", i), "v" + i, "text/plain").body())
                    .get("token").asText();
        }
        TestCluster.put(port, "/v1/kv/scanner", "not in the prefix", "text/plain");
        assertThat(TestCluster.get(port, "/v1/kv/scan:024?after=" + last).statusCode()).isEqualTo(200);

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            expected.add(String.format("scan:%03d", i));
        }
        // The token covers scan:024's partition only: the other writes may still be on their way to theirs.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scanAll("scan:", 10)).isEqualTo(expected));

        JsonNode range = Json.mapper().readTree(TestCluster.get(port, "/v1/kv?from=scan:010&to=scan:013").body());
        assertThat(range.get("items").findValuesAsText("key")).containsExactly("scan:010", "scan:011", "scan:012");
    }

    @Test
    void shouldAnswerBadRequestsWithJsonErrorsAndNeverAStackTrace() {
        assertError(TestCluster.get(port, "/v1/nothing-here"), 404, "not_found");
        assertError(TestCluster.get(port, "/v1/devices/never-seen-device"), 404, "not_found");
        assertError(TestCluster.put(port, "/v1/kv/k?ttl=-5", "v", "text/plain"), 400, "bad_request");
        assertError(TestCluster.put(port, "/v1/kv/k?ttl=soon", "v", "text/plain"), 400, "bad_request");
        assertError(TestCluster.get(port, "/v1/kv?limit=0"), 400, "bad_request");
        assertError(TestCluster.get(port, "/v1/kv/k?after=garbage"), 400, "bad_request");
        assertError(TestCluster.put(port, "/v1/kv/big", "x".repeat(5000), "text/plain"), 413, "payload_too_large");
        assertError(TestCluster.send(HttpRequest.newBuilder(TestCluster.uri(port, "/v1/devices/x"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody())), 405, "method_not_allowed");
    }

    @Test
    void shouldServeAStoredHtmlValueAsAnAttachmentInASandboxNeverAsAPage() throws Exception {
        String page = "<html><script>document.cookie</script></html>";
        String token = Json.mapper().readTree(TestCluster.put(port, "/v1/kv/page", page, "text/html; <script>alert(1)</script>")
                .body()).get("token").asText();

        HttpResponse<String> read = TestCluster.get(port, "/v1/kv/page?after=" + token);

        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).isEqualTo(page);
        assertThat(read.headers().firstValue("Content-Type")).hasValue("text/html");
        assertThat(read.headers().firstValue("Content-Disposition")).hasValue("attachment");
        assertThat(read.headers().firstValue("Content-Security-Policy")).hasValue("sandbox");
        assertThat(read.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

        HttpResponse<String> text = TestCluster.get(port, "/v1/kv/page-as-text?after=" + Json.mapper()
                .readTree(TestCluster.put(port, "/v1/kv/page-as-text", page, "text/plain; charset=utf-8").body()).get("token").asText());
        assertThat(text.headers().firstValue("Content-Type").map(type -> type.replace(" ", ""))).hasValue("text/plain;charset=utf-8");
        assertThat(text.headers().firstValue("Content-Disposition")).isEmpty();
        assertThat(text.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    @Test
    void shouldRefuseAnUndecodablePrefixInsteadOfScanningEveryKey() throws Exception {
        TestCluster.put(port, "/v1/kv/not-for-a-broken-prefix", "v", "text/plain");

        RawHttp.Answer raw = RawHttp.exchange(port, "GET /v1/kv?prefix=%G1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertThat(raw.status()).isEqualTo(400);
        assertThat(raw.body()).contains("\"error\":\"bad_request\"", "prefix", "%G1").doesNotContain("not-for-a-broken-prefix");
        if (KcatIT.onPath("curl")) { // the reproduction, as it was typed
            String curl = KcatIT.run(null, "curl", "-s", "-w", "\n%{http_code}", "http://127.0.0.1:" + port + "/v1/kv?prefix=%G1");
            assertThat(curl).endsWith("\n400").contains("not valid URL encoding").doesNotContain("items");
        }
    }

    @Test
    void shouldAnswerClientMistakesOnTheCacheRoutesWithSentencesAnd4xx() throws Exception {
        HttpResponse<String> wordTtl = TestCluster.put(port, "/v1/kv/k?ttl=abc", "v", "text/plain");
        assertError(wordTtl, 400, "bad_request");
        assertThat(Json.mapper().readTree(wordTtl.body()).get("message").asText())
                .isEqualTo("ttl: must be a whole number of seconds from 1 to 315360000, was 'abc'");
        assertError(TestCluster.get(port, "/v1/kv?limt=5"), 400, "bad_request");
        assertError(TestCluster.get(port, "/v1/devices/d?afterr=x"), 400, "bad_request");

        RawHttp.Answer shortBody = RawHttp.exchange(InetAddress.getLoopbackAddress(), port,
                "PUT /v1/kv/k HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc".getBytes(UTF_8), true, Duration.ofSeconds(10));
        assertThat(shortBody.status()).isEqualTo(400);
        assertThat(shortBody.body()).contains("Content-Length");
        RawHttp.Answer badPath = RawHttp.exchange(port, "PUT /v1/kv/%G1 HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx");
        assertThat(badPath.status()).isEqualTo(400);
        assertThat(badPath.header("Content-Type")).startsWith("application/json");
    }

    @Test
    void shouldReportReadinessAndPrometheusMetrics() {
        assertThat(TestCluster.get(port, "/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = TestCluster.get(port, "/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"ready\":true");
        TestCluster.get(port, "/v1/devices/whatever");
        String metrics = TestCluster.get(port, "/metrics").body();
        assertThat(metrics).contains("spectra_ingest_events_total", "spectra_ingest_accepted_events_total", "spectra_ingest_dlq_events_total", "spectra_ingest_duplicates_events_total",
                "spectra_http_requests_seconds_bucket", "route=\"/v1/devices/{id}\"", "kafka_stream");
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode body;
        try {
            body = Json.mapper().readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
        assertThat(body.get("error").asText()).isEqualTo(code);
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("at io.", "at org.", "Exception");
    }

    private static List<String> scanAll(String prefix, int limit) throws Exception {
        List<String> keys = new ArrayList<>();
        String cursor = "";
        do {
            HttpResponse<String> page = TestCluster.get(port, "/v1/kv?prefix=" + prefix + "&limit=" + limit + cursor(cursor));
            assertThat(page.statusCode()).isEqualTo(200);
            JsonNode body = Json.mapper().readTree(page.body());
            assertThat(body.get("partial").asBoolean()).isFalse();
            body.get("items").forEach(item -> keys.add(item.get("key").asText()));
            cursor = body.get("nextCursor").isNull() ? null : body.get("nextCursor").asText();
        } while (cursor != null);
        return keys;
    }

    private static String cursor(String cursor) {
        return cursor == null || cursor.isEmpty() ? "" : "&cursor=" + java.net.URLEncoder.encode(cursor, UTF_8);
    }

    static double metric(String series) {
        String metrics = TestCluster.get(port, "/metrics").body();
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ") || (line.startsWith(series) && series.contains("{") && line.startsWith(series.substring(0, series.length() - 1)))) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }

    private static KafkaConsumer<byte[], byte[]> dlqConsumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
