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
    /** The record is larger than {@code spectracache.ingest.max-event-bytes}. */
    OVERSIZED("oversized"),
    /** Latitude or longitude is missing, not finite, or out of range. */
    INVALID_COORDINATES("invalid-coordinates"),
    /** Kafka Streams could not deserialize the record (caught by the deserialization handler). */
    DESERIALIZATION_ERROR("deserialization-error"),
    /** A processor threw while handling the record (caught by the processing handler). */
    PROCESSING_ERROR("processing-error"),
    /** A result could not be written to Kafka and retrying cannot help (e.g. larger than the broker accepts). */
    PRODUCTION_ERROR("production-error");

    private final String code;

    RejectReason(String code) {
        this.code = code;
    }

    /** The stable, lower-case code of this reason. */
    public String code() {
        return code;
    }
}
