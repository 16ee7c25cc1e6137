package io.spectracache.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesDataTest {
    private static final Instant END = Instant.parse("2026-11-30T12:00:00Z");

    @Test
    void shouldGenerateTheSameBytesAtEveryPassSoThatSeparatePassesSeeTheSamePoints() {
        SeriesData.Fleet fleet = new SeriesData.Fleet(50, 7, 10_000, 2_000, END);
        List<byte[]> first = new ArrayList<>();
        List<byte[]> second = new ArrayList<>();

        fleet.forEach((device, t, key, value, metrics) -> first.add(value.clone()));
        fleet.forEach((device, t, key, value, metrics) -> second.add(value.clone()));

        assertThat(first).hasSize((int) fleet.events());
        for (int i = 0; i < first.size(); i++) {
            assertThat(Arrays.equals(first.get(i), second.get(i))).as("event %d", i).isTrue();
        }
    }

    @Test
    void shouldSpreadEventsOverThePeriodInTimeOrderAndEndBeforeTheEnd() {
        SeriesData.Fleet fleet = new SeriesData.Fleet(100, 7, 10_000, 40_000, END);
        long[] last = {Long.MIN_VALUE};
        long[] points = {0};
        Map<Integer, Integer> perDevice = new HashMap<>();

        fleet.forEach((device, t, key, value, metrics) -> {
            assertThat(t).isGreaterThan(last[0]);
            last[0] = t;
            points[0] += metrics.size();
            perDevice.merge(device, 1, Integer::sum);
            assertThat(new String(key, UTF_8)).isEqualTo(fleet.deviceIds().get(device));
            assertThat(metrics.size()).isEqualTo(SeriesData.Fleet.metricsOf(fleet.deviceIds().get(device)));
        });

        assertThat(last[0]).isEqualTo(fleet.endMillis()).isLessThan(END.toEpochMilli());
        assertThat(fleet.endMillis() - fleet.startMillis()).as("about events × period / devices")
                .isCloseTo(fleet.events() * 100, org.assertj.core.data.Offset.offset(200L));
        assertThat(points[0]).as("close to the target").isBetween(38_000L, 42_000L);
        assertThat(perDevice).hasSize(100);
    }

    @Test
    void shouldReadTheMetricsOfAnEventAsIngestDoes() {
        Map<String, Double> metrics = SeriesData.metrics(("{\"deviceId\":\"truck-0001\",\"ts\":\"2026-11-30T12:00:00Z\","
                + "\"metrics\":{\"temp\":21.53,\"speed\":63,\"note\":\"x\",\"nested\":{\"a\":1}},"
                + "\"location\":{\"lat\":52.5,\"lon\":13.4},\"attributes\":{\"fw\":\"1.2.3\"}}").getBytes(UTF_8));

        assertThat(metrics).containsOnly(Map.entry("temp", 21.53), Map.entry("speed", 63.0));
    }

    @Test
    void shouldWriteAMonthOfOneEventPerMinutePerDeviceEndingBeforeTheEnd() {
        SeriesData.History history = new SeriesData.History(3, 1, Duration.ofDays(30), END);
        long[] count = {0};
        long[] newest = {0};

        history.forEach((device, t, key, value, metrics) -> {
            count[0]++;
            newest[0] = t;
            assertThat(t % 60_000).isZero();
            assertThat(metrics).containsOnlyKeys(SeriesData.History.METRICS);
            assertThat(SeriesData.metrics(value)).isEqualTo(metrics);
        });

        assertThat(count[0]).isEqualTo(3 * 30 * 24 * 60L).isEqualTo(history.events());
        assertThat(newest[0]).isEqualTo(END.toEpochMilli() - 60_000);
        assertThat(history.startMillis()).isEqualTo(END.minus(Duration.ofDays(30)).toEpochMilli());
    }

    @Test
    void shouldRefuseAPeriodShorterThanOneMillisecondPerDevice() {
        assertThatThrownBy(() -> new SeriesData.Fleet(1_000, 1, 999, 10, END)).isInstanceOf(IllegalArgumentException.class);
    }
}
