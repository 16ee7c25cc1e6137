package io.spectracache.topics;

import io.spectracache.events.DeviceEvent;
import io.spectracache.serialization.DeviceEventSerde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topics of contract v1, declared once. Each capability lists the ones it uses, and SpectraCache creates those. Names are relative to the deployment prefix
 * ({@code spectracache.topic.prefix}, default {@code spectra.}).
 */
public final class Topics {
    /** Device events as producers send them: any bytes, any key. Validated by ingest. */
    public static final TopicSpec<byte[], byte[]> EVENTS_RAW =
            new TopicSpec<>("events.raw", Serdes.ByteArray(), Serdes.ByteArray(), false);

    /** Validated, normalised, de-duplicated events keyed by device id. */
    public static final TopicSpec<String, DeviceEvent> EVENTS =
            new TopicSpec<>("events", Serdes.String(), DeviceEventSerde.INSTANCE, false);

    /** Rejected input: the original key, value and headers plus the headers of {@code DeadLetter}. */
    public static final TopicSpec<byte[], byte[]> EVENTS_DLQ =
            new TopicSpec<>("events.dlq", Serdes.ByteArray(), Serdes.ByteArray(), false);

    /**
     * Writes to the key-value cache: key = cache key, value = the bytes to store, a null value deletes;
     * headers in {@code KvWriteHeaders} carry a TTL and a content type.
     */
    public static final TopicSpec<String, byte[]> KV_WRITES =
            new TopicSpec<>("kv.writes", Serdes.String(), Serdes.ByteArray(), false);

    /**
     * Cache writes that were not applied: the original key, value and headers plus the headers of
     * {@code DeadLetter}, written by the key-value topology in the same transaction as the cache itself. When the
     * original key and value are too large to be written again, the value (then the key) is left out and the
     * {@code spectra.dlq.detail} header says so.
     */
    public static final TopicSpec<byte[], byte[]> KV_WRITES_DLQ =
            new TopicSpec<>("kv.writes.dlq", Serdes.ByteArray(), Serdes.ByteArray(), false);


    private Topics() {
    }
}
