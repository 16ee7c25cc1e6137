package io.spectracache.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spectracache.serialization.Json;
import io.spectracache.sketches.SketchSettings;
import io.spectracache.sketches.SketchesTopology;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sketches end to end (issue 9): two instances on the in-process broker, events produced to Kafka, every read sent to
 * the second instance whatever it owns, over REST and Arrow Flight. Every estimate is held to the true count of what
 * was sent: within its 95% bounds, every heavy hitter found, no false "never".
 */
@Tag("integration")
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class SketchesIT {
    private static final int DEVICES = 3_000;
    private static final int HEAVY = 5;
    private static final int HEAVY_EVENTS = 200;
    private static final long SPAN_MS = 30 * 60_000L;
    private static TestCluster cluster;
    private static SpectraCache first;
    private static SpectraCache second;
    private static BufferAllocator allocator;
    private static FlightClient client;
    /** Every event sent in the last half hour: device -> times. */
    private static final Map<String, List<Long>> SENT = new TreeMap<>();
    private static final Map<String, String> TENANT = new HashMap<>();
    private static long start;
    private static long from;
    private static long to;

    private static String device(int d) {
        return String.format("sensor-%04d", d);
    }

    @BeforeAll
    static void start() throws Exception {
        cluster = new TestCluster("sketches-it");
        Map<String, Object> a = cluster.instanceSettings("a");
        Map<String, Object> b = cluster.instanceSettings("b");
        for (Map<String, Object> settings : List.of(a, b)) {
            // Beside the defaults: an ungrouped distinct count of an attribute, and a watch list of device ids.
            settings.put(SketchSettings.DISTINCT_CONFIG, "devices,regions");
            settings.put(SketchSettings.DISTINCT_CONFIG + ".regions.field", "attributes.region");
            settings.put(SketchSettings.WATCH_CONFIG, "stolen");
            settings.put(SketchSettings.WATCH_CONFIG + ".stolen.field", "deviceId");
        }
        first = cluster.startInstance(a);
        second = cluster.startInstance(b);
        await().atMost(Duration.ofSeconds(60)).until(() -> TestCluster.get(first.restPort(), "/health/ready").statusCode() == 200
                && TestCluster.get(second.restPort(), "/health/ready").statusCode() == 200
                && !TestCluster.get(second.restPort(), "/v1/devices?limit=1").body().contains("\"partial\":true"));
        allocator = new RootAllocator();
        client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", second.flightPort())).build();

        long now = System.currentTimeMillis();
        start = now - SPAN_MS - 60_000;
        int events = 0;
        try (KafkaProducer<byte[], byte[]> producer = cluster.rawProducer()) {
            for (int d = 0; d < DEVICES; d++) {
                String tenant = d % 3 == 0 ? "globex" : "acme";
                long ts = start + (d * 7_919L % SPAN_MS);
                send(producer, device(d), tenant, ts, "e0", List.of("eu", "us", "ap").get(d % 3));
                events++;
                if (d % 2 == 0) {
                    send(producer, device(d), tenant, ts + 5 * 60_000L, "e1", "eu");
                    events++;
                }
            }
            for (int h = 0; h < HEAVY; h++) {
                for (int i = 0; i < HEAVY_EVENTS; i++) {
                    send(producer, "heavy-" + h, "acme", start + i * (SPAN_MS / HEAVY_EVENTS) + h, "h" + i, "eu");
                    events++;
                }
            }
            producer.flush();
        }
        from = start - 60_000;
        // Past the newest event (second events of the last devices are up to four minutes ahead of the clock).
        to = now + 10 * 60_000;
        int total = events;
        await().atMost(Duration.ofSeconds(90)).until(() -> accepted(first) + accepted(second) >= total);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode devices = ok("/v1/distinct/devices?from=" + from + "&to=" + to);
            assertThat(devices.get("lower95").asDouble()).isLessThanOrEqualTo(SENT.size());
            assertThat(devices.get("upper95").asDouble()).isGreaterThanOrEqualTo(SENT.size());
        });
    }

    private static double accepted(SpectraCache cache) {
        return cache.registry().get("spectra.ingest.accepted").counter().count();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String device, String tenant, long ts, String eventId,
                             String region) {
        SENT.computeIfAbsent(device, k -> new ArrayList<>()).add(ts);
        TENANT.put(device, tenant);
        String json = "{\"deviceId\":\"" + device + "\",\"ts\":" + ts + ",\"eventId\":\"" + eventId + "\",\"tenant\":\""
                + tenant + "\",\"metrics\":{\"temp\":21.5},\"attributes\":{\"region\":\"" + region + "\"}}";
        producer.send(new ProducerRecord<>("spectra.events.raw", device.getBytes(UTF_8), json.getBytes(UTF_8)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (allocator != null) {
            allocator.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.mapper().readTree(response.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode ok(String pathAndQuery) {
        HttpResponse<String> response = TestCluster.get(second.restPort(), pathAndQuery);
        assertThat(response.statusCode()).as("%s: %s", pathAndQuery, response.body()).isEqualTo(200);
        return json(response);
    }

    private static HttpResponse<String> post(String path, String body) {
        return TestCluster.send(HttpRequest.newBuilder(TestCluster.uri(second.restPort(), path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body, UTF_8)));
    }

    private static String array(List<String> items) {
        try {
            return Json.mapper().writeValueAsString(items);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertWithinBounds(JsonNode estimate, long truth, String what) {
        assertThat(estimate.get("lower95").asDouble()).as("%s lower bound, true count %s", what, truth)
                .isLessThanOrEqualTo(truth);
        assertThat(estimate.get("upper95").asDouble()).as("%s upper bound, true count %s", what, truth)
                .isGreaterThanOrEqualTo(truth);
    }

    @Test
    void shouldEstimateTheDistinctDevicesWithinItsBoundsFromTheInstanceThatOwnsHalfOfThem() {
        JsonNode answer = ok("/v1/distinct/devices?from=" + from + "&to=" + to);

        assertWithinBounds(answer, SENT.size(), "all devices");
        assertThat(Math.abs(answer.get("estimate").asDouble() - SENT.size()) / SENT.size()).isLessThan(0.03);
        assertThat(answer.get("partial").asBoolean()).isFalse();
        assertThat(answer.get("failedInstances")).isEmpty();
        assertThat(answer.get("partitions")).hasSize(4);
        assertThat(answer.get("windows").asInt()).isPositive();
        assertThat(answer.get("windowsRead").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(Instant.parse(answer.get("coveredFrom").asText()).toEpochMilli()).isLessThanOrEqualTo(from);
    }

    @Test
    void shouldCountEachTenantWithinItsBoundsWithGroup() {
        for (String tenant : List.of("acme", "globex")) {
            long truth = TENANT.values().stream().filter(tenant::equals).count();
            assertWithinBounds(ok("/v1/distinct/devices?from=" + from + "&to=" + to + "&group=" + tenant), truth, tenant);
        }
        assertThat(ok("/v1/distinct/devices?from=" + from + "&to=" + to + "&group=initech").get("estimate").asDouble())
                .as("a group that sent nothing").isZero();
        assertThat(ok("/v1/distinct/regions?from=" + from + "&to=" + to).get("estimate").asDouble())
                .as("an ungrouped count of an attribute, configured by its own keys").isCloseTo(3.0,
                        org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void shouldAnswerASeriesOfEstimatesEachWithinTheBoundsOfItsStep() {
        JsonNode answer = ok("/v1/distinct/devices?from=" + from + "&to=" + to + "&step=10m");

        assertThat(answer.get("step").asText()).isEqualTo("10m");
        assertThat(answer.get("partial").asBoolean()).isFalse();
        int checked = 0;
        for (JsonNode bucket : answer.get("buckets")) {
            long bucketStart = bucket.get("start").asLong();
            long truth = SENT.values().stream().filter(times -> times.stream()
                    .anyMatch(ts -> ts >= bucketStart && ts < bucketStart + 600_000)).count();
            assertWithinBounds(bucket, truth, "step from " + Instant.ofEpochMilli(bucketStart));
            checked += truth > 0 ? 1 : 0;
        }
        assertThat(checked).as("steps with devices").isGreaterThanOrEqualTo(3);
    }

    @Test
    void shouldListTheTrueHeaviestDevicesInTheTopK() {
        JsonNode answer = ok("/v1/topk/noisiest-devices?from=" + from + "&to=" + to + "&k=" + HEAVY);

        Set<String> items = new TreeSet<>();
        answer.get("items").forEach(item -> {
            items.add(item.get("item").asText());
            if (item.get("item").asText().startsWith("heavy-")) {
                assertThat(item.get("lowerBound").asLong()).isLessThanOrEqualTo(HEAVY_EVENTS);
                assertThat(item.get("upperBound").asLong()).isGreaterThanOrEqualTo(HEAVY_EVENTS);
            }
        });
        assertThat(items).containsExactlyInAnyOrder("heavy-0", "heavy-1", "heavy-2", "heavy-3", "heavy-4");
        assertThat(answer.get("events").asLong()).isEqualTo(SENT.values().stream().mapToLong(List::size).sum());
        assertThat(answer.get("partial").asBoolean()).isFalse();
    }

    @Test
    void shouldAnswerMaybeForEverySentDeviceAndNeverForMostAbsentOnes() {
        for (String device : List.of(device(0), device(1), device(2_999), "heavy-3")) {
            JsonNode answer = ok("/v1/membership/seen-devices/" + device);
            assertThat(answer.get("maybe").asBoolean()).as(device).isTrue();
            assertThat(answer.get("item").asText()).isEqualTo(device);
        }
        HttpResponse<String> sent = post("/v1/membership/seen-devices", array(new ArrayList<>(SENT.keySet())));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        assertThat(json(sent).get("maybeCount").asInt()).as("no false never").isEqualTo(SENT.size());

        List<String> absent = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            absent.add("absent-" + i);
        }
        HttpResponse<String> never = post("/v1/membership/seen-devices", "{\"items\":" + array(absent) + "}");
        assertThat(never.statusCode()).as(never.body()).isEqualTo(200);
        JsonNode answer = json(never);
        assertThat(answer.get("results")).hasSize(absent.size());
        assertThat(answer.get("results").get(17).get("item").asText()).isEqualTo("absent-17");
        assertThat(answer.get("maybeCount").asInt()).as("false positives at the configured 1%%, within 1.5x")
                .isLessThanOrEqualTo(150);
        assertThat(answer.get("partial").asBoolean()).isFalse();
    }

    @Test
    void shouldListEveryDefinitionWithItsSettings() {
        JsonNode listing = ok("/v1/sketches");

        assertThat(listing.get("enabled").asBoolean()).isTrue();
        List<String> distinct = new ArrayList<>();
        listing.get("distinct").forEach(d -> distinct.add(d.get("name").asText()));
        assertThat(distinct).containsExactly("devices", "regions");
        assertThat(listing.get("distinct").get(0).get("groupBy").asText()).isEqualTo("tenant");
        assertThat(listing.get("distinct").get(0).get("windows").get(1).get("size").asText()).isEqualTo("1h");
        assertThat(listing.get("topk").get(0).get("name").asText()).isEqualTo("noisiest-devices");
        assertThat(listing.get("membership").get(0).get("falsePositiveRate").asDouble()).isEqualTo(0.01);
        assertThat(listing.get("watch").get(0).get("topic").asText()).isEqualTo("spectra.watch.stolen");
    }

    @Test
    void shouldAnswerClientMistakesWithTheJsonErrorBodyAndASentence() {
        Map<String, String> notFound = Map.of(
                "/v1/distinct/device", "no distinct count named 'device'; defined: devices, regions",
                "/v1/topk/devices", "no top-K named 'devices'; defined: noisiest-devices",
                "/v1/membership/seen/truck-1", "no membership filter named 'seen'; defined: seen-devices");
        notFound.forEach((query, message) -> {
            HttpResponse<String> response = TestCluster.get(second.restPort(), query);
            assertThat(response.statusCode()).as(query).isEqualTo(404);
            assertThat(json(response).get("error").asText()).as(query).isNotBlank();
            assertThat(json(response).get("message").asText()).as(query).contains(message);
        });
        Map<String, String> invalid = Map.of(
                "/v1/distinct/regions?group=eu", "the distinct count 'regions' is not grouped",
                "/v1/distinct/devices?from=-1h&to=-2h", "is not after from",
                "/v1/distinct/devices?from=yesterday", "is not a time",
                "/v1/distinct/devices?from=-1h&step=30s", "not a multiple of the finest window",
                "/v1/topk/noisiest-devices?k=0", "k: a whole number from 1 to 1000",
                "/v1/topk/noisiest-devices?kk=3", "unknown query parameter");
        invalid.forEach((query, message) -> {
            HttpResponse<String> response = TestCluster.get(second.restPort(), query);
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            assertThat(json(response).get("message").asText()).as(query).contains(message);
        });
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i <= 10_000; i++) {
            tooMany.add("d" + i);
        }
        HttpResponse<String> batch = post("/v1/membership/seen-devices", array(tooMany));
        assertThat(batch.statusCode()).isEqualTo(400);
        assertThat(json(batch).get("message").asText()).contains("10001 items are more than the 10000");
        HttpResponse<String> notJson = post("/v1/membership/seen-devices", "truck-1,truck-2");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(json(notJson).get("message").asText()).contains("a JSON array of item strings");
    }

    @Test
    void shouldCopyEventsOfAWatchedDeviceToTheMatchesTopicOnceItIsOnTheListAndAnswerThemAsItsNewestMatches() throws Exception {
        HttpResponse<String> added = post("/v1/watch/stolen", "[\"stolen-truck\"]");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        assertThat(json(added).get("topic").asText()).isEqualTo("spectra.watch.stolen");

        Set<String> matched = new HashSet<>();
        // Old events (three hours ago), so the counts over the last hour the other tests check do not move.
        long ts = System.currentTimeMillis() - 3 * 3_600_000L;
        try (KafkaConsumer<byte[], byte[]> matches = cluster.committedConsumer("sketches-it-matches");
             KafkaProducer<byte[], byte[]> producer = cluster.rawProducer()) {
            matches.subscribe(List.of(SketchesTopology.WATCH_MATCHES.name("spectra.")));
            int[] sent = {0};
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                // A list change applies from about a second after it reached an instance: keep sending until it does.
                String json = "{\"deviceId\":\"stolen-truck\",\"ts\":" + (ts + sent[0]) + ",\"eventId\":\"w" + sent[0]
                        + "\",\"tenant\":\"acme\"}";
                producer.send(new ProducerRecord<>("spectra.events.raw", "stolen-truck".getBytes(UTF_8), json.getBytes(UTF_8)));
                producer.flush();
                sent[0]++;
                for (ConsumerRecord<byte[], byte[]> record : matches.poll(Duration.ofMillis(500))) {
                    assertThat(new String(record.headers().lastHeader(SketchesTopology.WATCH_HEADER).value(),
                            StandardCharsets.UTF_8)).isEqualTo("stolen");
                    matched.add(new String(record.key(), UTF_8));
                }
                assertThat(matched).containsExactly("stolen-truck");
            });
        }
        // Readable over REST from either instance (the topic is read whole), newest first, committed only.
        for (SpectraCache instance : List.of(first, second)) {
            HttpResponse<String> read = TestCluster.get(instance.restPort(), "/v1/watch/stolen/matches?limit=3");
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            JsonNode answer = json(read);
            assertThat(answer.get("watch").asText()).isEqualTo("stolen");
            assertThat(answer.get("topic").asText()).isEqualTo("spectra.watch.matches");
            assertThat(answer.get("complete").asBoolean()).isTrue();
            JsonNode found = answer.get("matches");
            assertThat(found.size()).isBetween(1, 3);
            Instant previous = Instant.MAX;
            for (JsonNode match : found) {
                assertThat(match.get("deviceId").asText()).isEqualTo("stolen-truck");
                assertThat(match.get("event").get("deviceId").asText()).isEqualTo("stolen-truck");
                assertThat(match.get("event").get("eventId").asText()).startsWith("w");
                Instant at = Instant.parse(match.get("timestamp").asText());
                assertThat(at).as("newest first").isBeforeOrEqualTo(previous);
                previous = at;
            }
        }
        HttpResponse<String> tooMany = TestCluster.get(second.restPort(), "/v1/watch/stolen/matches?limit=1001");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(json(tooMany).get("message").asText()).contains("limit");
        HttpResponse<String> unknownMatches = TestCluster.get(second.restPort(), "/v1/watch/nothing/matches");
        assertThat(unknownMatches.statusCode()).isEqualTo(404);
        assertThat(json(unknownMatches).get("message").asText()).contains("no watch list named 'nothing'; defined: stolen");

        HttpResponse<String> removed = TestCluster.delete(second.restPort(), "/v1/watch/stolen/stolen-truck");
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        HttpResponse<String> unknown = post("/v1/watch/nothing", "[\"a\"]");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("message").asText()).contains("no watch list named 'nothing'; defined: stolen");
    }

    @Test
    void shouldServeTheDistinctSeriesAndTheTopKOverFlightAsRestAnswersThem() throws Exception {
        String command = "{\"dataset\":\"distinct\",\"name\":\"devices\",\"from\":\"" + from + "\",\"to\":\"" + to
                + "\",\"step\":\"10m\"}";
        FlightInfo info = client.getInfo(FlightDescriptor.command(command.getBytes(UTF_8)));
        assertThat(info.getEndpoints()).as("merged across instances, so served whole").hasSize(1);
        Map<Long, Double> rows = new TreeMap<>();
        try (FlightStream stream = client.getStream(new Ticket(command.getBytes(UTF_8)))) {
            while (stream.next()) {
                VectorSchemaRoot root = stream.getRoot();
                for (int row = 0; row < root.getRowCount(); row++) {
                    rows.put(((TimeStampMilliTZVector) root.getVector("start")).get(row),
                            ((Float8Vector) root.getVector("estimate")).get(row));
                }
            }
        }
        Map<Long, Double> rest = new TreeMap<>();
        ok("/v1/distinct/devices?from=" + from + "&to=" + to + "&step=10m").get("buckets")
                .forEach(bucket -> rest.put(bucket.get("start").asLong(), bucket.get("estimate").asDouble()));
        assertThat(rows).isEqualTo(rest);

        String topK = "{\"dataset\":\"topk\",\"name\":\"noisiest-devices\",\"from\":\"" + from + "\",\"to\":\"" + to
                + "\",\"k\":\"5\"}";
        Map<String, Long> heavy = new TreeMap<>();
        try (FlightStream stream = client.getStream(new Ticket(topK.getBytes(UTF_8)))) {
            while (stream.next()) {
                VectorSchemaRoot root = stream.getRoot();
                for (int row = 0; row < root.getRowCount(); row++) {
                    heavy.put(((VarCharVector) root.getVector("item")).getObject(row).toString(),
                            ((BigIntVector) root.getVector("upperBound")).get(row));
                }
            }
        }
        assertThat(heavy.keySet()).containsExactly("heavy-0", "heavy-1", "heavy-2", "heavy-3", "heavy-4");
        heavy.values().forEach(upper -> assertThat(upper).isGreaterThanOrEqualTo(HEAVY_EVENTS));
    }
}
