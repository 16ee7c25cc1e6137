package io.spectracache.errors;

/**
 * Why an input record went to the dead-letter topic. The {@link #code()} is what the
 * {@code spectra.dlq.reason} header and the {@code reason} tag of the DLQ counter carry; codes never change.
 */
public enum RejectReason {
    /** The bytes are not a JSON object. */
    MALFORMED_JSON("malformed-json"),
    /** A required field ({@code deviceId}, {@code ts}) is absent or empty. */
    MISSING_FIELD("missing-field"),
    /** A field has the wrong JSON type, e.g. a metric that is not a number. */
    WRONG_TYPE("wrong-type"),
    /** The timestamp cannot be parsed, or lies too far in the past or the future. */
    ABSURD_TIMESTAMP("absurd-timestamp"),
    /**
     * The record is larger than a limit: an event over {@code spectracache.ingest.max.event.bytes}, a cache value
     * over {@code spectracache.kv.max.value.bytes} or a cache entry (key included) over
     * {@code spectracache.kv.max.entry.bytes}.
     */
    OVERSIZED("oversized"),
    /** Latitude or longitude is missing, not finite, or out of range. */
    INVALID_COORDINATES("invalid-coordinates"),
    /** Kafka Streams could not deserialize the record (caught by the deserialization handler). */
    DESERIALIZATION_ERROR("deserialization-error"),
    /** A processor threw while handling the record (caught by the processing handler). */
    PROCESSING_ERROR("processing-error"),
    /** A result could not be written to Kafka and retrying cannot help (e.g. larger than the broker accepts). */
    PRODUCTION_ERROR("production-error"),
    /** A cache key that is absent, empty, longer than the key limit, or not valid UTF-8. */
    INVALID_KEY("invalid-key"),
    /** A cache write's {@code spectra.ttl} header is not a whole number of seconds within the TTL bounds. */
    INVALID_TTL("invalid-ttl"),
    /**
     * A valid event whose device state cannot be stored within the state limits even after every documented
     * reduction (evicting metrics, trimming the last event): the state stays as it was.
     */
    STATE_TOO_LARGE("state-too-large");

    private final String code;

    RejectReason(String code) {
        this.code = code;
    }

    /** The stable, lower-case code of this reason. */
    public String code() {
        return code;
    }
}
