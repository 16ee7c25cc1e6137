package io.spectracache.devices;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.spectracache.events.DeviceEvent;
import io.spectracache.events.GeoPoint;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The latest state of one device, as {@code GET /v1/devices/{id}} answers it.
 *
 * <p>"Latest" is by event time, not arrival: a late event counts towards {@link #eventCount()} and may move
 * {@link #firstSeen()} back, but it never replaces a newer {@link #lastEvent()}, metric or location.
 *
 * @param lastEvent  the event with the greatest timestamp seen so far
 * @param firstSeen  the smallest event timestamp seen
 * @param lastSeen   the greatest event timestamp seen
 * @param eventCount how many distinct events were counted
 * @param metrics    the newest reading of every metric the device ever reported
 * @param location   the newest known position, or null if the device never reported one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceState(
        String deviceId,
        DeviceEvent lastEvent,
        Instant firstSeen,
        Instant lastSeen,
        long eventCount,
        Map<String, MetricReading> metrics,
        GeoPoint location) {

    public DeviceState {
        requireNonNull(deviceId, "deviceId");
        requireNonNull(lastEvent, "lastEvent");
        requireNonNull(firstSeen, "firstSeen");
        requireNonNull(lastSeen, "lastSeen");
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }

    /** The state of a device after its first event. */
    public static DeviceState first(DeviceEvent event) {
        return new DeviceState(event.deviceId(), event, event.ts(), event.ts(), 1, readingsOf(event), event.location());
    }

    /** The state after one more event, which may be older than events already seen. */
    public DeviceState plus(DeviceEvent event) {
        boolean newest = !event.ts().isBefore(lastSeen);
        Map<String, MetricReading> merged = new HashMap<>(metrics);
        event.metrics().forEach((name, value) -> merged.merge(name, new MetricReading(value, event.ts()),
                (old, candidate) -> candidate.at().isBefore(old.at()) ? old : candidate));
        return new DeviceState(
                deviceId,
                newest ? event : lastEvent,
                event.ts().isBefore(firstSeen) ? event.ts() : firstSeen,
                newest ? event.ts() : lastSeen,
                eventCount + 1,
                merged,
                newest && event.location() != null ? event.location() : location);
    }

    private static Map<String, MetricReading> readingsOf(DeviceEvent event) {
        Map<String, MetricReading> readings = new HashMap<>();
        event.metrics().forEach((name, value) -> readings.put(name, new MetricReading(value, event.ts())));
        return readings;
    }
}
