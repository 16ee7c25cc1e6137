package io.spectracache.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spectracache.health.Readiness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The operating endpoints against a real server, with readiness controlled by the test. */
class HealthRoutesTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldAnswerReadyOnlyWhenTheStreamsAreAndSay503WithTheReasonOtherwise() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicReference<Readiness> now =
                new AtomicReference<>(new Readiness(false, "REBALANCING", "Kafka Streams is REBALANCING"));
        try (RestServer server = RestServer.start("127.0.0.1", 0, 1024, List.of(new HealthRoutes(now::get, registry)), registry)) {
            HttpResponse<String> notReady = get(server, "/health/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(notReady.body()).contains("\"ready\":false", "REBALANCING");
            assertThat(get(server, "/health/live").statusCode()).isEqualTo(200);

            now.set(new Readiness(true, "RUNNING", "streams running, stores answering"));
            HttpResponse<String> ready = get(server, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.headers().firstValue("Retry-After")).isEmpty();

            assertThat(get(server, "/metrics").body()).contains("spectra_http_requests_seconds_count{method=\"GET\",route=\"/health/ready\",status=\"503\"}");
        }
    }

    private HttpResponse<String> get(RestServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
