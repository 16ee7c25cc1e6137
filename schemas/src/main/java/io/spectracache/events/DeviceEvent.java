package io.spectracache.events;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * One validated event from one device: what {@code spectra.events} carries, keyed by {@link #deviceId()}.
 *
 * <p>Only {@code deviceId} and {@code ts} are required. The maps are never null (empty when the
 * event had none) and immutable; {@code eventId}, {@code tenant} and {@code location} may be null.
 *
 * <pre>{@code
 * var event = new DeviceEvent("truck-0042", Instant.parse("2026-11-24T19:00:00.123Z"), "9f0c", "acme",
 *         Map.of("temp", 21.5), new GeoPoint(52.52, 13.405), Map.of("fw", "1.2.3"));
 * }</pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceEvent(
        String deviceId,
        Instant ts,
        String eventId,
        String tenant,
        Map<String, Double> metrics,
        GeoPoint location,
        Map<String, String> attributes) {

    public DeviceEvent {
        requireNonNull(deviceId, "deviceId");
        requireNonNull(ts, "ts");
        if (deviceId.isBlank()) {
            throw new IllegalArgumentException("deviceId must not be blank");
        }
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** An event with only the required fields and the given metrics. */
    public static DeviceEvent of(String deviceId, Instant ts, Map<String, Double> metrics) {
        return new DeviceEvent(deviceId, ts, null, null, metrics, null, null);
    }

}
