package io.spectracache.errors;

/**
 * Kafka refused a write for good (too large for the topic, not authorised, the topic is gone): the write did not
 * happen and the same write will not succeed later. Fix the write or the deployment, do not retry as is.
 */
public final class WriteRejectedException extends SpectraException {
    private static final long serialVersionUID = 1L;

    private WriteRejectedException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }

    /** The record is larger than the topic or broker accepts. */
    public static WriteRejectedException tooLarge(String message, Throwable cause) {
        return new WriteRejectedException(ErrorCode.PAYLOAD_TOO_LARGE, message, cause);
    }

    /** Any other permanent refusal. */
    public static WriteRejectedException refused(String message, Throwable cause) {
        return new WriteRejectedException(ErrorCode.WRITE_REJECTED, message, cause);
    }
}
