package io.spectracache.errors;

import static java.util.Objects.requireNonNull;

/**
 * Thrown by a processor for an input record it must not apply, so that the dead-letter handler of the application
 * (Kafka Streams' processing exception handler) dead-letters that record with {@link #reason()} instead of
 * {@code processing-error}, inside the same transaction, and processing goes on with the next record. The
 * processor leaves its state exactly as it was before the record.
 *
 * <pre>{@code
 * if (size > limit) {
 *     throw new RejectedRecordException(RejectReason.STATE_TOO_LARGE, "state of " + id + " would be " + size + " bytes");
 * }
 * }</pre>
 *
 * <p>What the caller should do: nothing; the record is in the dead-letter topic with this reason and message.
 */
public final class RejectedRecordException extends SpectraException {
    private static final long serialVersionUID = 1L;
    private final RejectReason reason;

    /**
     * @param reason why the record is rejected; never null
     * @param detail a sentence for the dead letter's {@code spectra.dlq.detail}; never the record's content
     */
    public RejectedRecordException(RejectReason reason, String detail) {
        super(ErrorCode.BAD_REQUEST, detail);
        this.reason = requireNonNull(reason, "reason");
    }

    /** The reason the dead letter carries. Never null. */
    public RejectReason reason() {
        return reason;
    }
}
