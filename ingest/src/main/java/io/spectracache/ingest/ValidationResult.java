package io.spectracache.ingest;

import static java.util.Objects.requireNonNull;

import io.spectracache.errors.RejectReason;
import io.spectracache.events.DeviceEvent;

/**
 * What {@link EventValidator#validate(byte[])} makes of one raw record: either an {@link Accepted} event or a
 * {@link Rejected} reason. Never both, never null.
 *
 * <pre>{@code
 * if (validator.validate(bytes) instanceof ValidationResult.Rejected rejected) {
 *     log.info("{}: {}", rejected.reason().code(), rejected.detail());
 * }
 * }</pre>
 */
public sealed interface ValidationResult permits ValidationResult.Accepted, ValidationResult.Rejected {

    /**
     * The record is a valid event, normalised.
     *
     * @param canonical whether the raw bytes are already the event's canonical JSON (what {@code spectra.events}
     *                  carries; see {@link EventValidator}), so they can be written on as they came
     */
    record Accepted(DeviceEvent event, boolean canonical) implements ValidationResult {
        public Accepted {
            requireNonNull(event, "event");
        }

        /** An accepted event whose raw bytes are not (known to be) canonical. */
        public Accepted(DeviceEvent event) {
            this(event, false);
        }
    }

    /**
     * The record is not a valid event.
     *
     * @param detail what was wrong, for a human reading the dead-letter topic; names the field, never null
     */
    record Rejected(RejectReason reason, String detail) implements ValidationResult {
        public Rejected {
            requireNonNull(reason, "reason");
            requireNonNull(detail, "detail");
        }
    }
}
