package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One record of {@code spectra.geofence.transitions} (JSON, keyed by device id, record timestamp = {@link #ts()}): a
 * device entered or left a fence. Written by the stream task that owns the device, in the Kafka transaction of the
 * update that caused it, so under exactly-once each transition is written once; per device, in event-time order.
 *
 * <pre>{@code {"deviceId":"truck-0042","fenceId":"port-hamburg","transition":"exit","ts":"2026-11-24T19:00:00.123Z",
 *  "lat":53.51,"lon":9.93,"cause":"position"}}</pre>
 *
 * @param transition {@value #ENTER} or {@value #EXIT}
 * @param ts         the event time of the position that decided it: the update that crossed (or, with a dwell time,
 *                   the update that confirmed it); for a fence's deletion or change, the device's newest position
 * @param lat        the device's position then
 * @param lon        the device's position then
 * @param cause      {@value #CAUSE_POSITION}, {@value #CAUSE_FENCE_DELETED} or {@value #CAUSE_FENCE_CHANGED}
 */
public record GeofenceTransition(String deviceId, String fenceId, String transition, Instant ts, double lat, double lon,
                                 String cause) {
    public static final String ENTER = "enter";
    public static final String EXIT = "exit";
    /** The device moved (in, or out beyond the fence's hysteresis distance). */
    public static final String CAUSE_POSITION = "position";
    /** The fence was deleted while the device was inside. */
    public static final String CAUSE_FENCE_DELETED = "fence-deleted";
    /** The fence changed and the device's position is no longer inside it (nor within its hysteresis distance). */
    public static final String CAUSE_FENCE_CHANGED = "fence-changed";

    public GeofenceTransition {
        requireNonNull(deviceId, "deviceId");
        requireNonNull(fenceId, "fenceId");
        requireNonNull(ts, "ts");
        requireNonNull(cause, "cause");
        if (!ENTER.equals(transition) && !EXIT.equals(transition)) {
            throw new IllegalArgumentException("transition is enter or exit, was " + transition);
        }
    }
}
