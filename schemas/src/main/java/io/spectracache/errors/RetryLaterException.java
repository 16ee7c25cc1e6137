package io.spectracache.errors;

import java.time.Duration;

/**
 * The answer is not available yet but will be: a store is starting or restoring, the key's owner is moving
 * in a rebalance, a peer did not answer, or the state has not caught up with a write the caller asked to
 * see. Retry after {@link #retryAfter()}; a retry rediscovers the owner, so it may reach another instance.
 */
public final class RetryLaterException extends SpectraException {
    private static final long serialVersionUID = 1L;
    private final Duration retryAfter;

    private RetryLaterException(ErrorCode code, String message, Duration retryAfter) {
        super(code, message);
        this.retryAfter = retryAfter;
    }

    /** A local store is not ready (starting, restoring, rebalancing). */
    public static RetryLaterException notReady(String message) {
        return new RetryLaterException(ErrorCode.NOT_READY, message, Duration.ofSeconds(1));
    }

    /** The instance that owns the key could not be reached or no longer owns it. */
    public static RetryLaterException ownerUnavailable(String message) {
        return new RetryLaterException(ErrorCode.OWNER_UNAVAILABLE, message, Duration.ofSeconds(1));
    }

    /**
     * A retryable failure another instance reported, kept with its own code so the caller sees the real reason.
     *
     * @throws IllegalArgumentException if {@code code} is not a retryable (503) code
     */
    public static RetryLaterException reportedBy(ErrorCode code, String message, Duration retryAfter) {
        if (code.httpStatus() != 503) {
            throw new IllegalArgumentException(code + " is not a code to retry later");
        }
        return new RetryLaterException(code, message, retryAfter.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : retryAfter);
    }

    /** How long to wait before retrying; at least one second. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
