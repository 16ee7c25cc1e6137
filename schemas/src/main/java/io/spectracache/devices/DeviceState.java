package io.spectracache.devices;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.spectracache.events.DeviceEvent;
import io.spectracache.events.GeoPoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest state of one device, as {@code GET /v1/devices/{id}} answers it.
 *
 * <p>"Latest" is by event time, not arrival: a late event counts towards {@link #eventCount()} and may move
 * {@link #firstSeen()} back, but it never replaces a newer {@link #lastEvent()}, metric or location.
 *
 * <p><b>Bounded.</b> The folds here ({@link #first}, {@link #plus}) keep every metric; the device-state topology
 * bounds what it stores with {@link #withNewestMetrics(int)} and {@link #withLastEventTrimmed()}: at most a configured
 * number of metrics and of bytes per device, evicting the {@linkplain #LEAST_RECENTLY_UPDATED_FIRST least recently
 * updated} metrics first. A metric that was evicted comes back with its next reading.
 *
 * @param lastEvent  the event with the greatest timestamp seen so far
 * @param firstSeen  the smallest event timestamp seen
 * @param lastSeen   the greatest event timestamp seen
 * @param eventCount how many distinct events were counted
 * @param metrics    the newest reading of every metric the device reported, as far as the limits keep them
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

    /**
     * The eviction order of metrics: the oldest reading first, and among readings of the same time the smaller
     * name first. Total and deterministic, so that a replay after a crash evicts exactly the same metrics.
     */
    public static final Comparator<Map.Entry<String, MetricReading>> LEAST_RECENTLY_UPDATED_FIRST =
            Comparator.<Map.Entry<String, MetricReading>, Instant>comparing(entry -> entry.getValue().at())
                    .thenComparing(Map.Entry::getKey);

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

    /** The metrics in eviction order, {@linkplain #LEAST_RECENTLY_UPDATED_FIRST least recently updated} first. */
    public List<Map.Entry<String, MetricReading>> metricsLeastRecentlyUpdatedFirst() {
        List<Map.Entry<String, MetricReading>> ordered = new ArrayList<>(metrics.entrySet());
        ordered.sort(LEAST_RECENTLY_UPDATED_FIRST);
        return ordered;
    }

    /**
     * This state with only its {@code count} most recently updated metrics; {@code this} if it has no more.
     *
     * @param count how many metrics to keep, not negative
     */
    public DeviceState withNewestMetrics(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, was " + count);
        }
        if (metrics.size() <= count) {
            return this;
        }
        List<Map.Entry<String, MetricReading>> ordered = metricsLeastRecentlyUpdatedFirst();
        Map<String, MetricReading> kept = new HashMap<>(count + count / 3 + 1);
        for (Map.Entry<String, MetricReading> entry : ordered.subList(ordered.size() - count, ordered.size())) {
            kept.put(entry.getKey(), entry.getValue());
        }
        return new DeviceState(deviceId, lastEvent, firstSeen, lastSeen, eventCount, kept, location);
    }

    /**
     * This state with a {@link #lastEvent()} that keeps its device id, time, event id, tenant and location but
     * neither its attributes nor its metrics (its readings are still in {@link #metrics()} as far as they are
     * kept). For a last event too large to store whole.
     */
    public DeviceState withLastEventTrimmed() {
        DeviceEvent trimmed = new DeviceEvent(lastEvent.deviceId(), lastEvent.ts(), lastEvent.eventId(),
                lastEvent.tenant(), Map.of(), lastEvent.location(), Map.of());
        return new DeviceState(deviceId, trimmed, firstSeen, lastSeen, eventCount, metrics, location);
    }
}
