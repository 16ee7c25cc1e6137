package io.spectracache.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spectracache.serialization.Json;
import org.junit.jupiter.api.Test;

class SeriesBulkTest {

    @Test
    void shouldAskFlightForOneMetricsRawPointsInTheContractsTicketForm() throws Exception {
        JsonNode all = Json.mapper().readTree(SeriesBulk.seriesCommand("temp", 1_000, 2_000, null));
        JsonNode meters = Json.mapper().readTree(SeriesBulk.seriesCommand("temp", 1_000, 2_000, "meter-"));

        assertThat(all.get("dataset").asText()).isEqualTo("series");
        assertThat(all.get("metric").asText()).isEqualTo("temp");
        assertThat(all.get("from").asText()).isEqualTo("1000");
        assertThat(all.get("to").asText()).isEqualTo("2000");
        assertThat(all.has("prefix")).isFalse();
        assertThat(meters.get("prefix").asText()).isEqualTo("meter-");
    }

    @Test
    void shouldAskRestForTheSameHalfOpenRangeOfOneSeries() {
        assertThat(SeriesBulk.seriesPath("truck-0042", "temp", 1_000, 2_000))
                .isEqualTo("/v1/devices/truck-0042/series/temp?from=1000&to=2000");
    }
}
