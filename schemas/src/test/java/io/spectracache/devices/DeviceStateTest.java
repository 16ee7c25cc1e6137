package io.spectracache.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spectracache.events.DeviceEvent;
import io.spectracache.events.GeoPoint;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceStateTest {
    private static final Instant T0 = Instant.parse("2026-11-24T19:00:00Z");

    @Test
    void shouldFoldEventsByEventTimeSoALateEventNeverReplacesNewerState() {
        DeviceEvent first = new DeviceEvent("d", T0, "1", null, Map.of("temp", 20.0), new GeoPoint(1, 1), null);
        DeviceEvent newer = new DeviceEvent("d", T0.plusSeconds(10), "2", null, Map.of("temp", 25.0), new GeoPoint(2, 2), null);
        DeviceEvent late = new DeviceEvent("d", T0.minusSeconds(5), "3", null, Map.of("temp", 10.0, "speed", 3.0), new GeoPoint(3, 3), null);

        DeviceState state = DeviceState.first(first).plus(newer).plus(late);

        assertThat(state.eventCount()).isEqualTo(3);
        assertThat(state.firstSeen()).isEqualTo(T0.minusSeconds(5));
        assertThat(state.lastSeen()).isEqualTo(T0.plusSeconds(10));
        assertThat(state.lastEvent()).isEqualTo(newer);
        assertThat(state.metrics().get("temp")).isEqualTo(new MetricReading(25.0, T0.plusSeconds(10)));
        assertThat(state.metrics().get("speed")).isEqualTo(new MetricReading(3.0, T0.minusSeconds(5)));
        assertThat(state.location()).isEqualTo(new GeoPoint(2, 2));
    }

    @Test
    void shouldKeepTheLastKnownLocationWhenANewerEventHasNone() {
        DeviceState state = DeviceState.first(new DeviceEvent("d", T0, null, null, null, new GeoPoint(1, 1), null))
                .plus(DeviceEvent.of("d", T0.plusSeconds(1), Map.of()));
        assertThat(state.location()).isEqualTo(new GeoPoint(1, 1));
    }

    @Test
    void shouldRefuseCoordinatesOutOfRange() {
        assertThatThrownBy(() -> new GeoPoint(91, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GeoPoint(0, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldKeepOnlyTheMostRecentlyUpdatedMetricsBreakingTiesByName() {
        DeviceState state = DeviceState.first(DeviceEvent.of("d", T0, Map.of("b", 1.0, "a", 2.0, "c", 3.0)))
                .plus(DeviceEvent.of("d", T0.plusSeconds(5), Map.of("new", 4.0)))
                .plus(DeviceEvent.of("d", T0.minusSeconds(5), Map.of("late", 5.0)));

        assertThat(state.metricsLeastRecentlyUpdatedFirst()).extracting(Map.Entry::getKey)
                .containsExactly("late", "a", "b", "c", "new");
        assertThat(state.withNewestMetrics(3).metrics()).containsOnlyKeys("b", "c", "new");
        assertThat(state.withNewestMetrics(0).metrics()).isEmpty();
        assertThat(state.withNewestMetrics(5)).isSameAs(state);
        assertThat(state.withNewestMetrics(3).eventCount()).isEqualTo(3);
        assertThatThrownBy(() -> state.withNewestMetrics(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldTrimTheLastEventToItsIdentityTimeAndLocation() {
        DeviceEvent event = new DeviceEvent("d", T0, "e1", "acme", Map.of("temp", 20.0), new GeoPoint(1, 1),
                Map.of("fw", "1.2.3"));

        DeviceState trimmed = DeviceState.first(event).withLastEventTrimmed();

        assertThat(trimmed.lastEvent())
                .isEqualTo(new DeviceEvent("d", T0, "e1", "acme", Map.of(), new GeoPoint(1, 1), Map.of()));
        assertThat(trimmed.metrics()).containsOnlyKeys("temp");
        assertThat(trimmed.eventCount()).isEqualTo(1);
    }
}
