package io.spectracache.simulator;

import static java.util.Objects.requireNonNull;

/**
 * One record the simulated fleet produces: the key ({@link #deviceId()}), the JSON value bytes, and what kind of
 * event it is meant to be, so a test or benchmark knows what ingest should make of it.
 *
 * <p>{@link #value()} is the array itself, not a copy; do not change it.
 */
public record SimulatedEvent(String deviceId, String eventId, byte[] value, Kind kind) {
    public SimulatedEvent {
        requireNonNull(deviceId, "deviceId");
        requireNonNull(value, "value");
        requireNonNull(kind, "kind");
    }

    /** What an event is meant to be; every kind but {@link #VALID} and {@link #DUPLICATE} is rejected by ingest. */
    public enum Kind {
        /** A new, well-formed event with a fresh event id. */
        VALID,
        /** The exact bytes of a recent valid event of the same device, sent again (as after a lost ack). */
        DUPLICATE,
        /** JSON cut off in the middle, as from a truncated write. */
        MALFORMED_JSON,
        /** A well-formed event without its {@code ts}. */
        MISSING_TIMESTAMP,
        /** A position outside the valid latitude or longitude range. */
        INVALID_COORDINATES,
        /** A metric sent as text with its unit ({@code "temp": "21.5C"}). */
        WRONG_TYPE;

        /** Whether ingest should accept an event of this kind (possibly dropping it later as a duplicate). */
        public boolean isValid() {
            return this == VALID || this == DUPLICATE;
        }
    }
}
