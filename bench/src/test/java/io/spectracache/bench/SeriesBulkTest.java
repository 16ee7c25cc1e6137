package io.spectracache.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spectracache.serialization.Json;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
    void shouldWarmUpUntilTheCompilerSettles() throws Exception {
        AtomicLong jit = new AtomicLong();
        AtomicInteger warm = new AtomicInteger();
        AtomicReference<SeriesBulk.Warmed> warmed = new AtomicReference<>();
        // The compiler takes 10 ms a pass for the first 20 passes (each pass sleeps 1 ms: far over 2 %), then nothing.
        SeriesBulk.Pass warmPass = () -> {
            Thread.sleep(1);
            if (warm.incrementAndGet() <= 20) {
                jit.addAndGet(10);
            }
            return new long[] {1, 0};
        };

        SeriesBulk.repeat("test", new SeriesBulk.Warmup(Duration.ZERO, Duration.ofSeconds(30), Duration.ofMillis(5)),
                Duration.ZERO, 1, warmPass, () -> new long[] {1, 0}, usage -> { }, warmed::set, jit::get);

        assertThat(warm.get()).isGreaterThan(20);
        assertThat(warmed.get().settled()).isTrue();
        assertThat(warmed.get().lastWindowJitShare()).isLessThan(SeriesBulk.Warmup.SETTLED_SHARE);
        assertThat(warmed.get().took()).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void shouldStopWarmingUpAtTheMostAndSayTheCompilerHadNotSettled() throws Exception {
        AtomicLong jit = new AtomicLong();
        AtomicReference<SeriesBulk.Warmed> warmed = new AtomicReference<>();
        SeriesBulk.Pass compiling = () -> {
            Thread.sleep(1);
            jit.addAndGet(10);
            return new long[] {1, 0};
        };

        SeriesBulk.repeat("test", new SeriesBulk.Warmup(Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofMillis(10)),
                Duration.ZERO, 1, compiling, () -> new long[] {1, 0}, usage -> { }, warmed::set, jit::get);

        assertThat(warmed.get().settled()).isFalse();
        assertThat(warmed.get().lastWindowJitShare()).isGreaterThan(1.0);
        assertThat(warmed.get().took()).isBetween(Duration.ofMillis(200), Duration.ofSeconds(10));
    }

    @Test
    void shouldTakeTheMiddleValueOrTheMeanOfTheTwoMiddleOnes() {
        assertThat(SeriesBulk.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(SeriesBulk.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        assertThat(SeriesBulk.median(List.of(7.0))).isEqualTo(7.0);
    }
}
