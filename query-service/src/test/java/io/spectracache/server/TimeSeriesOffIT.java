package io.spectracache.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.serialization.Json;
import io.spectracache.timeseries.TimeSeriesSettings;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** With {@code spectracache.timeseries.enabled=false} an instance has no series stores, is ready, and says why series answer 404. */
@Tag("integration")
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class TimeSeriesOffIT {
    @Test
    void shouldBecomeReadyWithoutSeriesStoresAndSayThatSeriesAreSwitchedOff() throws Exception {
        try (TestCluster cluster = new TestCluster("timeseries-off-it")) {
            Map<String, Object> settings = cluster.instanceSettings("a");
            settings.put(TimeSeriesSettings.ENABLED_CONFIG, false);
            try (SpectraCache cache = cluster.startInstance(settings)) {
                HttpResponse<String> series = TestCluster.get(cache.restPort(), "/v1/devices/truck-1/series/temp");

                assertThat(series.statusCode()).isEqualTo(404);
                assertThat(Json.mapper().readTree(series.body()).get("message").asText())
                        .contains("spectracache.timeseries.enabled=false");
            }
        }
    }
}
