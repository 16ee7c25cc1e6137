package io.spectracache.errors;

import static java.util.Objects.requireNonNull;

/**
 * The root of every exception SpectraCache throws on purpose. Each subclass is named for what the caller
 * should do next, and carries the {@link ErrorCode} that transports (REST, Flight) map it to.
 */
public abstract class SpectraException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    protected SpectraException(ErrorCode code, String message) {
        super(message);
        this.code = requireNonNull(code, "code");
    }

    protected SpectraException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = requireNonNull(code, "code");
    }

    /** What went wrong, as a transport-neutral code. Never null. */
    public ErrorCode code() {
        return code;
    }
}
