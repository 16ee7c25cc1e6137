package io.spectracache.ingest;

import java.nio.ByteBuffer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The internal header that carries a raw record's Kafka timestamp across the {@code ingest-by-device} repartition,
 * where the record timestamp becomes the event time. De-duplication measures its window on this clock.
 */
final class ReceivedAt {
    static final String HEADER = "spectra.ingest.received-at";

    private ReceivedAt() {
    }

    static void set(Headers headers, long timestamp) {
        headers.remove(HEADER).add(HEADER, ByteBuffer.allocate(Long.BYTES).putLong(timestamp).array());
    }

    /** The carried timestamp, removed from the headers, or {@code fallback} if the record does not carry one. */
    static long take(Headers headers, long fallback) {
        Header header = headers.lastHeader(HEADER);
        if (header == null) {
            return fallback;
        }
        headers.remove(HEADER);
        byte[] value = header.value();
        return value != null && value.length == Long.BYTES ? ByteBuffer.wrap(value).getLong() : fallback;
    }
}
