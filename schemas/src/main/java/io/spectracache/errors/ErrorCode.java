package io.spectracache.errors;

/**
 * Transport-neutral error codes. {@link #wireName()} is the {@code error} field of a REST error body and
 * {@link #httpStatus()} its status; Flight maps the same codes to its own statuses.
 */
public enum ErrorCode {
    BAD_REQUEST("bad_request", 400),
    /** The client may not make this request from where it is (protected mode, later: its identity). */
    FORBIDDEN("forbidden", 403),
    NOT_FOUND("not_found", 404),
    METHOD_NOT_ALLOWED("method_not_allowed", 405),
    PAYLOAD_TOO_LARGE("payload_too_large", 413),
    /** Kafka refused a write for good (not a passing fault): retrying the same write cannot succeed. */
    WRITE_REJECTED("write_rejected", 422),
    NOT_READY("not_ready", 503),
    OWNER_UNAVAILABLE("owner_unavailable", 503),
    INTERNAL("internal", 500);

    private final String wireName;
    private final int httpStatus;

    ErrorCode(String wireName, int httpStatus) {
        this.wireName = wireName;
        this.httpStatus = httpStatus;
    }

    public String wireName() {
        return wireName;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
