package io.spectracache.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spectracache.observability.PrometheusText;
import io.spectracache.rest.OpenApiDocument;
import io.spectracache.serialization.Json;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.hawkular.agent.prometheus.types.MetricType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11 end to end: two instances, the first with a simulated fleet, and two geofences over the fleet's city (a
 * Polygon with a hole and a MultiPolygon). The cluster view and the live figures from either instance,
 * {@code /metrics} read by a Prometheus text-format parser, the OpenAPI document against the routes Javalin holds,
 * the dashboard's own questions (live samples, map sample, dead letters), the groups of a distinct count for the
 * group selector, and the page in a real headless Chromium ({@link DashboardBrowser}): the live figures, the map,
 * the device view, the distinct-count chart, the top-K table, the membership box and the geofences on the map.
 */
@Tag("integration")
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class DashboardIT {
    private static TestCluster cluster;
    private static SpectraCache first;
    private static SpectraCache second;
    /** Over most of the simulated fleet's box (52.34–52.68 N, 13.09–13.76 E), with a hole in its middle. */
    static final String RING_FENCE = "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":["
            + "[[13.0,52.3],[13.8,52.3],[13.8,52.7],[13.0,52.7],[13.0,52.3]],"
            + "[[13.35,52.45],[13.5,52.45],[13.5,52.55],[13.35,52.55],[13.35,52.45]]]},"
            + "\"properties\":{\"name\":\"Berlin ring\"}}";
    /** Two parts, each a corner of the fleet's box. */
    static final String TWIN_FENCE = "{\"type\":\"MultiPolygon\",\"coordinates\":["
            + "[[[13.09,52.34],[13.25,52.34],[13.25,52.42],[13.09,52.42],[13.09,52.34]]],"
            + "[[[13.6,52.6],[13.76,52.6],[13.76,52.68],[13.6,52.68],[13.6,52.6]]]]}";

    @BeforeAll
    static void start() {
        cluster = new TestCluster("dashboard-it");
        Map<String, Object> simulated = cluster.instanceSettings("a");
        simulated.put(SpectraConfig.SIMULATE_DEVICES_CONFIG, 200);
        simulated.put(SpectraConfig.SIMULATE_RATE_CONFIG, 400);
        simulated.put(SpectraConfig.STANDBY_REPLICAS_CONFIG, 1);
        first = cluster.startInstance(simulated);
        Map<String, Object> other = cluster.instanceSettings("b");
        other.put(SpectraConfig.STANDBY_REPLICAS_CONFIG, 1);
        second = cluster.startInstance(other);
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            for (SpectraCache instance : List.of(first, second)) {
                assertThat(TestCluster.get(instance.restPort(), "/health/ready").statusCode()).isEqualTo(200);
                JsonNode page = Json.mapper().readTree(TestCluster.get(instance.restPort(), "/v1/devices?limit=1").body());
                assertThat(page.get("partial").asBoolean()).isFalse();
                assertThat(page.get("items")).isNotEmpty();
            }
        });
        for (Map.Entry<String, String> fence : Map.of("berlin-ring", RING_FENCE, "twin-corners", TWIN_FENCE).entrySet()) {
            HttpResponse<String> written = TestCluster.put(first.restPort(), "/v1/geofences/" + fence.getKey(),
                    fence.getValue(), "application/geo+json");
            assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
        }
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
    void shouldShowEveryInstanceWithItsActiveAndStandbyPartitionsFromEitherInstance() {
        for (SpectraCache asked : List.of(first, second)) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                HttpResponse<String> response = TestCluster.get(asked.restPort(), "/v1/cluster");
                assertThat(response.statusCode()).isEqualTo(200);
                JsonNode view = Json.mapper().readTree(response.body());
                assertThat(view.get("partial").asBoolean()).isFalse();
                assertThat(view.get("instances")).hasSize(2);
                Set<Integer> active = new TreeSet<>();
                Set<Integer> standby = new TreeSet<>();
                for (JsonNode instance : view.get("instances")) {
                    JsonNode deviceState = instance.path("stores").path("device-state");
                    deviceState.path("active").forEach(p -> assertThat(active.add(p.asInt())).as("owned once").isTrue());
                    deviceState.path("standby").forEach(p -> standby.add(p.asInt()));
                    JsonNode status = instance.get("status");
                    assertThat(status.get("state").asText()).isEqualTo("RUNNING");
                    assertThat(status.get("stores")).isNotEmpty();
                    assertThat(status.get("live").get("instance").asText()).isEqualTo(instance.get("instance").asText());
                }
                assertThat(active).containsExactly(0, 1, 2, 3);
                assertThat(standby).as("one standby each").containsExactly(0, 1, 2, 3);
                assertThat(view.get("partitions").get("device-state").asInt()).isEqualTo(4);
            });
        }
    }

    @Test
    void shouldAnswerTheJsonErrorBodyForAnUnknownParameterOfTheNewRoutes() throws Exception {
        for (String path : List.of("/v1/cluster?verbose=1", "/v1/dashboard/map?all=true", "/v1/dashboard/dlq?limit=0",
                "/dashboard/nothing.js", "/v1/distinct/devices/groups?group=acme", "/v1/distinct/devices/groups?limit=0",
                "/v1/distinct/nothing/groups")) {
            HttpResponse<String> response = TestCluster.get(first.restPort(), path);
            assertThat(response.statusCode()).as(path).isBetween(400, 404);
            assertThat(Json.mapper().readTree(response.body()).get("message").asText()).as(path).isNotBlank();
        }
    }

    @Test
    void shouldExposeTheIssuesSeriesUnderPrometheusNamingRules() {
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            TestCluster.get(first.restPort(), "/v1/devices?limit=1"); // a request, so the latency histogram has a series
            Map<String, MetricFamily> families = PrometheusText.parse(TestCluster.get(first.restPort(), "/metrics").body());
            assertThat(PrometheusText.violations(families)).isEmpty();
            Map<String, MetricType> expected = Map.ofEntries(
                    Map.entry("spectra_ingest_events_total", MetricType.COUNTER),          // events in (ingest)
                    Map.entry("spectra_ingest_accepted_events_total", MetricType.COUNTER),
                    Map.entry("spectra_ingest_dlq_events_total", MetricType.COUNTER),      // DLQ per reason
                    Map.entry("spectra_ingest_duplicates_events_total", MetricType.COUNTER),
                    Map.entry("spectra_timeseries_points_skipped_total", MetricType.COUNTER), // late and odd points
                    Map.entry("spectra_topology_in_records_total", MetricType.COUNTER),   // per topology and topic
                    Map.entry("spectra_topology_out_records_total", MetricType.COUNTER),
                    Map.entry("spectra_consumer_lag_records", MetricType.GAUGE),           // per partition
                    Map.entry("spectra_store_lag_records", MetricType.GAUGE),              // restore and standby lag
                    Map.entry("spectra_store_restore_progress_ratio", MetricType.GAUGE),
                    Map.entry("kafka_stream_state_estimate_num_keys", MetricType.GAUGE),   // store sizes
                    Map.entry("kafka_stream_state_total_sst_files_size", MetricType.GAUGE),
                    Map.entry("spectra_http_requests_seconds", MetricType.HISTOGRAM),      // per route and status
                    Map.entry("kafka_consumer_fetch_manager_records_consumed_total", MetricType.COUNTER),
                    Map.entry("kafka_producer_record_send_total", MetricType.COUNTER),
                    Map.entry("kafka_stream_thread_process_total", MetricType.COUNTER),
                    Map.entry("process_cpu_seconds_total", MetricType.COUNTER),
                    Map.entry("jvm_memory_used_bytes", MetricType.GAUGE));
            expected.forEach((name, type) -> {
                assertThat(families).as(name).containsKey(name);
                assertThat(families.get(name).getType()).as(name).isEqualTo(type);
            });
            // Read from another thread, this gauge can crash the JVM (GuardedMetricsKafkaStreams): never exported.
            assertThat(families.keySet()).noneMatch(name -> name.contains("uncommitted_bytes"));
            Set<String> dlqReasons = new HashSet<>();
            families.get("spectra_ingest_dlq_events_total").getMetrics().forEach(m -> dlqReasons.add(m.getLabels().get("reason")));
            assertThat(dlqReasons).contains("malformed-json", "missing-field");
            families.get("spectra_http_requests_seconds").getMetrics().forEach(m ->
                    assertThat(m.getLabels()).containsKeys("route", "method", "status"));
            Set<String> topologies = new HashSet<>();
            families.get("spectra_topology_out_records_total").getMetrics().forEach(m -> topologies.add(m.getLabels().get("topology")));
            assertThat(topologies).contains("ingest");
        });
    }

    @Test
    void shouldDocumentEveryRouteJavalinHoldsInTheOpenApiDocument() throws Exception {
        assertThat(OpenApiDocument.undocumented(first.restEndpoints())).as("routes without an ApiOperation").isEmpty();
        JsonNode document = Json.mapper().readTree(TestCluster.get(first.restPort(), "/openapi.json").body());
        assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
        Set<String> documented = new TreeSet<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> documented.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey())));
        Set<String> served = new TreeSet<>();
        first.restEndpoints().stream().filter(OpenApiDocument::isRoute).forEach(endpoint -> served.add(endpoint.method.name() + " "
                + endpoint.path.replaceAll("[{<]([^}>]+)[}>]", "{$1}")));
        assertThat(documented).isEqualTo(served);
        assertThat(served).contains("GET /v1/cluster", "GET /v1/devices/{id}", "PUT /v1/kv/{key}", "GET /");
        HttpResponse<String> docs = TestCluster.get(first.restPort(), "/docs");
        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.body()).contains("swagger-ui-bundle.js");
        assertThat(TestCluster.get(first.restPort(), "/docs/swagger-ui-bundle.js").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldStreamLiveSamplesWithTheFleetsIngestRateFromTheInstanceWithoutTheSimulator() throws Exception {
        // The second instance runs no simulator: its rates are the cluster's, summed over both instances.
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + second.restPort() + "/v1/dashboard/live"))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(60)).build();
        HttpResponse<InputStream> response = TestCluster.HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String event = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
            for (String line = lines.readLine(); line != null && System.nanoTime() < deadline; line = lines.readLine()) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:") && "sample".equals(event)) {
                    JsonNode sample = Json.mapper().readTree(line.substring(5));
                    if (sample.get("ingestRate").asDouble() > 0) {
                        assertThat(sample.get("instances").asInt()).isEqualTo(2);
                        assertThat(sample.get("acceptedRate").asDouble()).isPositive();
                        return;
                    }
                }
            }
        }
        throw new AssertionError("no live sample with a positive ingest rate within 45 s");
    }

    @Test
    void shouldBrowseTheNewestDeadLettersWithReasonsAndSourceOffsets() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            HttpResponse<String> response = TestCluster.get(second.restPort(), "/v1/dashboard/dlq?limit=20");
            assertThat(response.statusCode()).as("503 while the broker is slow to answer offsets: " + response.body())
                    .isEqualTo(200);
            JsonNode answer = Json.mapper().readTree(response.body());
            assertThat(answer.get("topic").asText()).isEqualTo("spectra.events.dlq");
            assertThat(answer.get("records")).isNotEmpty();
            JsonNode letter = answer.get("records").get(0);
            assertThat(letter.get("reason").asText()).isNotBlank();
            assertThat(letter.get("sourceTopic").asText()).isEqualTo("spectra.events.raw");
            assertThat(letter.get("sourceOffset").isNumber()).isTrue();
        });
    }

    @Test
    void shouldSampleTheMapWithoutShippingMoreThanItsCapacity() throws Exception {
        JsonNode answer = Json.mapper().readTree(TestCluster.get(first.restPort(), "/v1/dashboard/map").body());
        assertThat(answer.get("devices").size()).isBetween(1, answer.get("capacity").asInt());
        JsonNode device = answer.get("devices").get(0);
        assertThat(device.get("lat").asDouble()).isBetween(-90.0, 90.0);
        assertThat(device.get("lon").asDouble()).isBetween(-180.0, 180.0);
    }

    @Test
    void shouldListTheTenantsOfTheDistinctDeviceCountForTheGroupSelectorFromEitherInstance() throws Exception {
        for (SpectraCache asked : List.of(first, second)) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                HttpResponse<String> response = TestCluster.get(asked.restPort(), "/v1/distinct/devices/groups?from=-1h");
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                JsonNode answer = Json.mapper().readTree(response.body());
                assertThat(answer.get("groupBy").asText()).isEqualTo("tenant");
                assertThat(answer.get("groups")).extracting(JsonNode::asText).containsExactly("acme", "globex");
                assertThat(answer.get("truncated").asBoolean()).isFalse();
                assertThat(answer.get("partial").asBoolean()).isFalse();
            });
        }
        JsonNode cut = Json.mapper().readTree(TestCluster.get(second.restPort(), "/v1/distinct/devices/groups?limit=1").body());
        assertThat(cut.get("groups")).extracting(JsonNode::asText).containsExactly("acme");
        assertThat(cut.get("truncated").asBoolean()).as("two tenants, one listed").isTrue();
    }

    @Test
    void shouldShowTheFleetMovingAndADeviceFoundByPrefixInHeadlessChromium() throws Exception {
        Path screenshot = Path.of("target", "dashboard.png");
        Files.createDirectories(screenshot.getParent());
        DashboardBrowser.check("http://127.0.0.1:" + first.restPort() + "/", "truck-", 2, "berlin-ring", screenshot);
        assertThat(Files.size(screenshot)).isPositive();
    }
}
