package io.spectracache.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spectracache.serialization.Json;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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

    @Test
    void shouldMeasureAtLeastTheMinimumPassesAfterOneWarmPassAndGiveTheMedianPass() throws Exception {
        AtomicInteger warm = new AtomicInteger();
        AtomicInteger measured = new AtomicInteger();

        BulkReads.Result result = SeriesBulk.repeat("test", Duration.ZERO, Duration.ZERO, 3,
                () -> new long[] {warm.incrementAndGet(), 0},
                () -> new long[] {100 * measured.incrementAndGet(), 10});

        assertThat(warm).hasValue(1);
        assertThat(result.passes()).isEqualTo(3);
        assertThat(result.rows()).isEqualTo(600);
        assertThat(result.bytes()).isEqualTo(30);
        assertThat(result.medianPassRowsPerSecond()).isPositive();
    }

    @Test
    void shouldTakeTheMiddleValueOrTheMeanOfTheTwoMiddleOnes() {
        assertThat(SeriesBulk.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(SeriesBulk.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        assertThat(SeriesBulk.median(List.of(7.0))).isEqualTo(7.0);
    }
}
