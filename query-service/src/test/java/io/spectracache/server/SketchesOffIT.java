package io.spectracache.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.serialization.Json;
import io.spectracache.sketches.SketchSettings;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With {@code spectracache.sketches.enabled=false} an instance has no sketch stores, is ready, lists nothing, and says
 * why every sketch route answers 404.
 */
@Tag("integration")
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class SketchesOffIT {
    @Test
    void shouldBecomeReadyWithoutSketchStoresAndSayThatSketchesAreSwitchedOff() throws Exception {
        try (TestCluster cluster = new TestCluster("sketches-off-it")) {
            Map<String, Object> settings = cluster.instanceSettings("a");
            settings.put(SketchSettings.ENABLED_CONFIG, false);
            try (SpectraCache cache = cluster.startInstance(settings)) {
                for (String path : List.of("/v1/distinct/devices", "/v1/topk/noisiest-devices",
                        "/v1/membership/seen-devices/truck-1")) {
                    HttpResponse<String> answer = TestCluster.get(cache.restPort(), path);

                    assertThat(answer.statusCode()).as(path).isEqualTo(404);
                    assertThat(Json.mapper().readTree(answer.body()).get("message").asText()).as(path)
                            .contains("spectracache.sketches.enabled=false");
                }
                HttpResponse<String> listing = TestCluster.get(cache.restPort(), "/v1/sketches");
                assertThat(listing.statusCode()).isEqualTo(200);
                assertThat(Json.mapper().readTree(listing.body()).get("enabled").asBoolean()).isFalse();
                assertThat(Json.mapper().readTree(listing.body()).get("distinct")).isEmpty();
            }
        }
    }
}
