package io.spectracache.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spectracache.serialization.Json;
import io.spectracache.spatial.GeoJson;
import io.spectracache.spatial.Spherical;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;

/**
 * Spatial queries end to end (issue 10): two instances on the in-process broker, positions produced to Kafka (clusters
 * in Berlin and Sydney, a band across the antimeridian, devices near the north pole, old positions and late events),
 * and every query sent to both instances, over REST (GeoJSON) and Arrow Flight; each answer is compared with a
 * brute-force scan of what was sent.
 */
@Tag("integration")
@Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
class SpatialIT {
    private static final long NOW = Instant.now().toEpochMilli();
    private static final long OLD = NOW - Duration.ofDays(2).toMillis();
    private static TestCluster cluster;
    private static SpectraCache first;
    private static SpectraCache second;
    /** device → {lat, lon, ts} of its newest position. */
    private static final Map<String, double[]> SENT = new TreeMap<>();
    private static final Map<String, String> TENANT = new TreeMap<>();

    @BeforeAll
    static void start() throws Exception {
        cluster = new TestCluster("spatial-it");
        first = cluster.startInstance(cluster.instanceSettings("a"));
        second = cluster.startInstance(cluster.instanceSettings("b"));
        await().atMost(Duration.ofSeconds(60)).until(() -> !TestCluster.get(second.restPort(),
                "/v1/geo/box?minLat=-90&minLon=-180&maxLat=90&maxLon=180").body().contains("\"partial\":true")
                && !TestCluster.get(first.restPort(), "/v1/devices?limit=1").body().contains("\"partial\":true"));
        Random random = new Random(10);
        try (KafkaProducer<byte[], byte[]> producer = cluster.rawProducer()) {
            int n = 0;
            for (int i = 0; i < 100; i++) {
                place(producer, "berlin-" + i, 52.52 + random.nextGaussian() * 0.02, 13.405 + random.nextGaussian() * 0.03,
                        i % 2 == 0 ? "acme" : "globex", i % 10 == 0 ? OLD : NOW - i);
            }
            for (int i = 0; i < 40; i++) {
                place(producer, "sydney-" + i, -33.87 + random.nextGaussian() * 0.05, 151.21 + random.nextGaussian() * 0.05,
                        "acme", NOW - i);
            }
            for (int i = 0; i < 60; i++) {
                double lon = 179.0 + random.nextDouble() * 2;
                place(producer, "dateline-" + i, -10 + random.nextDouble() * 20, lon > 180 ? lon - 360 : lon, "globex",
                        NOW - i);
            }
            for (int i = 0; i < 40; i++) {
                place(producer, "pole-" + i, 89 + random.nextDouble(), -180 + random.nextDouble() * 360, "acme", NOW - i);
            }
            producer.flush();
            // Late events: older than each device's position, somewhere else. They must not move anyone.
            for (int i = 0; i < 20; i++) {
                send(producer, "berlin-" + i, 0, 0, "acme", NOW - Duration.ofDays(10).toMillis() - i, "late-" + i);
            }
            producer.flush();
            n = SENT.size();
            assertThat(n).isEqualTo(240);
        }
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            JsonNode all = json(TestCluster.get(second.restPort(), "/v1/geo/box?minLat=-90&minLon=-180&maxLat=90&maxLon=180"
                    + "&limit=10000"));
            assertThat(all.get("features")).hasSize(SENT.size());
            for (JsonNode feature : all.get("features")) {
                double[] sent = SENT.get(feature.get("id").asText());
                assertThat(feature.get("geometry").get("coordinates").get(1).asDouble()).isEqualTo(sent[0]);
                assertThat(Instant.parse(feature.get("properties").get("ts").asText()).toEpochMilli()).isEqualTo((long) sent[2]);
            }
        });
    }

    /** Two positions per device, the second the newest. */
    private static void place(KafkaProducer<byte[], byte[]> producer, String device, double lat, double lon, String tenant,
                              long ts) {
        send(producer, device, lat + 1, lon > 179 || lon < -179 ? lon : lon + 1, tenant, ts - 60_000, "first");
        send(producer, device, lat, lon, tenant, ts, "second");
        SENT.put(device, new double[] {lat, lon, ts});
        TENANT.put(device, tenant);
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String device, double lat, double lon, String tenant,
                             long ts, String eventId) {
        String region = device.startsWith("berlin") ? "eu" : device.startsWith("sydney") ? "apac" : "none";
        String json = "{\"deviceId\":\"" + device + "\",\"ts\":" + ts + ",\"eventId\":\"" + eventId + "\",\"tenant\":\""
                + tenant + "\",\"location\":{\"lat\":" + Math.max(-90, Math.min(90, lat)) + ",\"lon\":" + lon
                + "},\"attributes\":{\"region\":\"" + region + "\"}}";
        producer.send(new ProducerRecord<>("spectra.events.raw", device.getBytes(UTF_8), json.getBytes(UTF_8)));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.mapper().readTree(response.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<Integer> ports() {
        return List.of(first.restPort(), second.restPort());
    }

    private static List<String> ids(JsonNode collection) {
        assertThat(collection.get("type").asText()).isEqualTo("FeatureCollection");
        assertThat(collection.get("partial").asBoolean()).as("partial").isFalse();
        assertThat(collection.get("partitions")).hasSize(4);
        List<String> ids = new ArrayList<>();
        collection.get("features").forEach(feature -> ids.add(feature.get("id").asText()));
        return ids;
    }

    private static List<String> expected(Predicate<double[]> inside, Comparator<String> order, int limit) {
        return SENT.entrySet().stream().filter(e -> inside.test(e.getValue())).map(Map.Entry::getKey).sorted(order)
                .limit(limit).toList();
    }

    private static Comparator<String> byDistanceFrom(double lat, double lon) {
        return Comparator.<String>comparingDouble(id -> Spherical.distanceM(lat, lon, SENT.get(id)[0], SENT.get(id)[1]))
                .thenComparing(Comparator.naturalOrder());
    }

    @Test
    void shouldAnswerRadiusQueriesExactlyNearestFirstFromEitherInstance() {
        double[][] queries = {{52.52, 13.405, 2_000}, {0, 180, 150_000}, {5, -179.9, 60_000}, {90, 0, 100_000},
                {-33.87, 151.21, 5_000}};
        for (double[] q : queries) {
            for (int port : ports()) {
                JsonNode answer = json(TestCluster.get(port, "/v1/geo/radius?lat=" + q[0] + "&lon=" + q[1] + "&radiusM="
                        + q[2] + "&limit=1000"));
                assertThat(ids(answer)).as("radius %s", java.util.Arrays.toString(q)).isEqualTo(expected(
                        p -> Spherical.distanceM(q[0], q[1], p[0], p[1]) <= q[2], byDistanceFrom(q[0], q[1]), 1000))
                        .isNotEmpty();
                JsonNode nearest = answer.get("features").get(0);
                assertThat(nearest.get("properties").get("distanceM").asDouble()).isCloseTo(Spherical.distanceM(q[0], q[1],
                        SENT.get(nearest.get("id").asText())[0], SENT.get(nearest.get("id").asText())[1]),
                        org.assertj.core.data.Offset.offset(0.001));
                assertThat(nearest.get("properties").get("tenant").asText()).isEqualTo(TENANT.get(nearest.get("id").asText()));
            }
        }
    }

    @Test
    void shouldCutARadiusAnswerAtTheLimitKeepingTheNearestAndSaySo() {
        JsonNode answer = json(TestCluster.get(first.restPort(), "/v1/geo/radius?lat=52.52&lon=13.405&radiusM=50000&limit=7"));

        assertThat(ids(answer)).isEqualTo(expected(p -> Spherical.distanceM(52.52, 13.405, p[0], p[1]) <= 50_000,
                byDistanceFrom(52.52, 13.405), 7));
        assertThat(answer.get("truncated").asBoolean()).isTrue();
    }

    @Test
    void shouldAnswerBoxesAcrossTheAntimeridianAndUpToThePole() {
        double[][] boxes = {{-5, 179.5, 5, -179.5}, {-90, 170, 90, -170}, {89.5, -180, 90, 180}, {52.5, 13.38, 52.54, 13.43}};
        for (double[] b : boxes) {
            for (int port : ports()) {
                JsonNode answer = json(TestCluster.get(port, "/v1/geo/box?minLat=" + b[0] + "&minLon=" + b[1] + "&maxLat="
                        + b[2] + "&maxLon=" + b[3] + "&limit=1000"));
                assertThat(ids(answer)).as("box %s", java.util.Arrays.toString(b)).isEqualTo(expected(
                        p -> Spherical.boxContains(b[0], b[1], b[2], b[3], p[0], p[1]), Comparator.naturalOrder(), 1000))
                        .isNotEmpty();
            }
        }
    }

    @Test
    void shouldFindTheDevicesInsideAPolygonWithAHoleAndAMultiPolygonSplitAtTheAntimeridian() {
        String withHole = "{\"type\":\"Polygon\",\"coordinates\":[[[13.30,52.45],[13.50,52.45],[13.50,52.60],[13.30,52.60],"
                + "[13.30,52.45]],[[13.39,52.51],[13.42,52.51],[13.42,52.53],[13.39,52.53],[13.39,52.51]]]}";
        String split = "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":"
                + "[[[[179.5,-5],[180,-5],[180,5],[179.5,5],[179.5,-5]]],[[[-180,-5],[-179.5,-5],[-179.5,5],[-180,5],[-180,-5]]]]}}";
        for (String body : List.of(withHole, split)) {
            Geometry area = GeoJson.polygonal(GeoJson.tree(body.getBytes(UTF_8), "body"), "body", 1000);
            PreparedGeometry prepared = PreparedGeometryFactory.prepare(area);
            for (int port : ports()) {
                HttpResponse<String> response = TestCluster.send(HttpRequest.newBuilder(TestCluster.uri(port,
                        "/v1/geo/within?limit=1000")).header("Content-Type", "application/geo+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)));
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(ids(json(response))).isEqualTo(expected(p -> prepared.covers(GeoJson.FACTORY.createPoint(
                        new Coordinate(p[1], p[0]))), Comparator.naturalOrder(), 1000)).isNotEmpty();
            }
        }
    }

    @Test
    void shouldAnswerTheExactKNearestAcrossBothInstances() {
        double[][] centres = {{52.52, 13.405}, {0, 180}, {89.99, 45}, {-33.87, 151.21}, {40.7, -74.0}, {-89, 0}};
        for (double[] c : centres) {
            for (int port : ports()) {
                JsonNode answer = json(TestCluster.get(port, "/v1/geo/nearest?lat=" + c[0] + "&lon=" + c[1] + "&k=9"));
                assertThat(ids(answer)).as("nearest to %s", java.util.Arrays.toString(c))
                        .isEqualTo(expected(p -> true, byDistanceFrom(c[0], c[1]), 9));
            }
        }
    }

    @Test
    void shouldFilterByTenantAttributesAndPositionAge() {
        String base = "/v1/geo/radius?lat=52.52&lon=13.405&radiusM=30000&limit=1000";
        Predicate<double[]> near = p -> Spherical.distanceM(52.52, 13.405, p[0], p[1]) <= 30_000;
        Comparator<String> order = byDistanceFrom(52.52, 13.405);

        assertThat(ids(json(TestCluster.get(second.restPort(), base + "&tenant=acme")))).isEqualTo(SENT.keySet().stream()
                .filter(id -> near.test(SENT.get(id)) && TENANT.get(id).equals("acme")).sorted(order).toList());
        assertThat(ids(json(TestCluster.get(second.restPort(), base + "&where=region:eu,tenant:globex")))).isEqualTo(
                SENT.keySet().stream().filter(id -> near.test(SENT.get(id)) && TENANT.get(id).equals("globex")
                        && id.startsWith("berlin")).sorted(order).toList());
        assertThat(ids(json(TestCluster.get(second.restPort(), base + "&maxAge=1d")))).isEqualTo(SENT.keySet().stream()
                .filter(id -> near.test(SENT.get(id)) && SENT.get(id)[2] > OLD).sorted(order).toList());
    }

    @Test
    void shouldAnswer400NamingTheFieldForEveryBadQuery() {
        Map<String, String> bad = new TreeMap<>();
        bad.put("/v1/geo/radius?lat=91&lon=0&radiusM=10", "lat:");
        bad.put("/v1/geo/radius?lat=NaN&lon=0&radiusM=10", "lat:");
        bad.put("/v1/geo/radius?lat=0&lon=-180.5&radiusM=10", "lon:");
        bad.put("/v1/geo/radius?lat=0&lon=0&radiusM=0", "radiusM:");
        bad.put("/v1/geo/radius?lat=0&lon=0&radiusM=-5", "radiusM:");
        bad.put("/v1/geo/radius?lat=0&lon=0&radiusM=99999999", "radiusM:");
        bad.put("/v1/geo/radius?lat=0&lon=0&radiusM=10&limit=1000000", "limit:");
        bad.put("/v1/geo/nearest?lat=0&lon=0&k=0", "k:");
        bad.put("/v1/geo/nearest?lat=0&lon=0&k=100001", "k:");
        bad.put("/v1/geo/nearest?lat=0&lon=0", "k:");
        bad.put("/v1/geo/box?minLat=10&minLon=0&maxLat=5&maxLon=1", "maxLat:");
        bad.put("/v1/geo/box?minLat=0&minLon=0&maxLat=5&maxLon=1&radius=3", "radius");
        bad.put("/v1/geo/radius?lat=0&lon=0&radiusM=10&maxAge=soon", "maxAge:");
        bad.forEach((path, field) -> {
            HttpResponse<String> response = TestCluster.get(first.restPort(), path);
            assertThat(response.statusCode()).as(path).isEqualTo(400);
            assertThat(json(response).get("message").asText()).as(path).startsWith(field.equals("radius")
                    ? "unknown query parameter" : field);
        });
        Map<String, String> badBodies = new TreeMap<>();
        badBodies.put("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[10,10],[10,0],[0,10],[0,0]]]}", "self-intersection");
        badBodies.put("{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,1]]}", "body.type: \"LineString\"");
        badBodies.put("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0.5]]]}", "not closed");
        badBodies.put("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,95],[0,0]]]}", "latitude 95.0");
        badBodies.put("not json", "body: not JSON");
        StringBuilder many = new StringBuilder("{\"type\":\"Polygon\",\"coordinates\":[[");
        for (int i = 0; i < 10_001; i++) {
            double a = 2 * Math.PI * i / 10_001;
            many.append('[').append(Math.cos(a)).append(',').append(Math.sin(a)).append("],");
        }
        many.append("[1.0,0.0]]]}");
        badBodies.put(many.toString(), "more than 10000 vertices");
        badBodies.forEach((body, message) -> {
            HttpResponse<String> response = TestCluster.send(HttpRequest.newBuilder(TestCluster.uri(second.restPort(),
                    "/v1/geo/within")).POST(HttpRequest.BodyPublishers.ofString(body)));
            assertThat(response.statusCode()).as(message).isEqualTo(400);
            assertThat(json(response).get("message").asText()).as(message).contains(message);
        });
    }

    @Test
    void shouldServeAreaQueriesAndEveryPositionOverArrowFlight() throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
             FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1",
                     second.flightPort())).build()) {
            String radius = "{\"dataset\":\"geo-query\",\"shape\":\"radius\",\"lat\":\"0\",\"lon\":\"180\",\"radiusM\":\"150000\","
                    + "\"limit\":\"1000\"}";
            assertThat(read(client, radius)).isEqualTo(expected(p -> Spherical.distanceM(0, 180, p[0], p[1]) <= 150_000,
                    byDistanceFrom(0, 180), 1000));
            String geometry = URLEncoder.encode("x", UTF_8).isEmpty() ? "" : "{\\\"type\\\":\\\"Polygon\\\",\\\"coordinates\\\":"
                    + "[[[13.30,52.45],[13.50,52.45],[13.50,52.60],[13.30,52.60],[13.30,52.45]]]}";
            String within = "{\"dataset\":\"geo-query\",\"shape\":\"within\",\"geometry\":\"" + geometry + "\",\"limit\":\"1000\"}";
            assertThat(read(client, within)).isEqualTo(expected(p -> p[0] >= 52.45 && p[0] <= 52.60 && p[1] >= 13.30
                    && p[1] <= 13.50, Comparator.naturalOrder(), 1000));
            List<String> all = read(client, "{\"dataset\":\"geo-positions\"}");
            assertThat(all).containsExactlyInAnyOrderElementsOf(SENT.keySet());
        }
    }

    private static List<String> read(FlightClient client, String ticket) throws Exception {
        List<String> ids = new ArrayList<>();
        try (FlightStream stream = client.getStream(new Ticket(ticket.getBytes(UTF_8)))) {
            while (stream.next()) {
                VectorSchemaRoot root = stream.getRoot();
                VarCharVector column = (VarCharVector) root.getVector("deviceId");
                for (int row = 0; row < root.getRowCount(); row++) {
                    ids.add(new String(column.get(row), UTF_8));
                }
            }
        }
        return ids;
    }
}
