package io.spectracache.topics;

/**
 * Header names of a {@link Topics#KV_WRITES} record. Any producer may set them; the REST API does.
 *
 * <pre>{@code kcat -P -b 127.0.0.1:9092 -t spectra.kv.writes -K: -H spectra.ttl=60 <<< 'greeting:hello'}</pre>
 */
public final class KvWriteHeaders {
    /** Time to live in whole seconds, as ASCII digits, counted from the record timestamp. Absent: no expiry. */
    public static final String TTL_SECONDS = "spectra.ttl";
    /** The media type of the value, answered as {@code Content-Type} by {@code GET /v1/kv/{key}}. */
    public static final String CONTENT_TYPE = "content-type";

    private KvWriteHeaders() {
    }
}
