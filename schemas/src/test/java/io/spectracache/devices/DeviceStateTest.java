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
}
