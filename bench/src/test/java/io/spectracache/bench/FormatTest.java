package io.spectracache.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class FormatTest {

    @Test
    void shouldWriteLatenciesInTheUnitThatKeepsThemShort() {
        assertThat(Format.micros(0)).isEqualTo("0 µs");
        assertThat(Format.micros(999)).isEqualTo("999 µs");
        assertThat(Format.micros(1_000)).isEqualTo("1.00 ms");
        assertThat(Format.micros(1_234)).isEqualTo("1.23 ms");
        assertThat(Format.micros(999_999)).isEqualTo("1000.00 ms");
        assertThat(Format.micros(2_500_000)).isEqualTo("2.50 s");
        assertThatThrownBy(() -> Format.micros(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldWriteRatesAndRatiosWithoutLocaleSurprises() {
        assertThat(Format.rate(1_234_567.4)).isEqualTo("1,234,567");
        assertThat(Format.percent(0.5234)).isEqualTo("52.3 %");
        assertThat(Format.megabytes(96.04)).isEqualTo("96.0 MB/s");
    }

    @Test
    void shouldWriteRatiosToTheFloorAsMultiplesAndADashWhenUndefined() {
        assertThat(Format.times(0.3123)).isEqualTo("0.31×");
        assertThat(Format.times(0.6)).isEqualTo("0.60×");
        assertThat(Format.times(1.0)).isEqualTo("1.00×");
        assertThat(Format.times(Double.NaN)).isEqualTo("–");
        assertThat(Format.times(Double.POSITIVE_INFINITY)).isEqualTo("–");
    }

    @Test
    void shouldReportPercentilesOfTheMergedHistogram() {
        Histogram histogram = new Histogram(60_000_000L, 3);
        for (int i = 1; i <= 1_000; i++) {
            histogram.recordValue(i); // 1..1000 µs
        }
        LatencyResult result = new LatencyResult("x", 1, histogram, 1_000, 0, 2.0, null, 0.0, 1_000);

        assertThat(result.p50()).isEqualTo(500);
        assertThat(result.p99()).isEqualTo(990);
        assertThat(result.p999()).isEqualTo(999);
        assertThat(result.max()).isEqualTo(1_000);
        assertThat(result.requestsPerSecond()).isEqualTo(500.0);
    }

    @Test
    void shouldGiveEveryDeviceTheSameNumberOfUniqueEvents() {
        Events events = Events.generate(30, 3, 1L, java.time.Instant.parse("2026-11-24T19:00:00Z"));

        assertThat(events.eventsPerDevice()).isEqualTo(10);
        assertThat(new String(events.key(4), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("bench-device-000001");
        String first = new String(events.value(0), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(first).startsWith("{\"deviceId\":\"bench-device-000000\",\"ts\":\"2026-11-24T18:59:59.970Z\"")
                .contains("\"metrics\":{\"temp\":", "\"location\":{\"lat\":", "\"attributes\":{\"fw\":");
        assertThat(events.averageValueBytes()).isBetween(250.0, 320.0);
        assertThatThrownBy(() -> Events.generate(10, 3, 1L, java.time.Instant.now())).isInstanceOf(IllegalArgumentException.class);
    }
}
