package io.spectracache.errors;

import static java.util.Objects.requireNonNull;

import io.spectracache.topics.RecordLimits;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The one dead-letter envelope: the original bytes untouched, plus headers that say why and where from.
 * Used by validation and by the Kafka Streams exception handlers alike, so every DLQ record reads the same.
 *
 * <pre>{@code
 * ProducerRecord<byte[], byte[]> out = DeadLetter.of(RejectReason.MISSING_FIELD, "deviceId is required")
 *         .from("spectra.events.raw", 3, 1042L)
 *         .toRecord("spectra.events.dlq", key, value, originalHeaders);
 * }</pre>
 */
public record DeadLetter(RejectReason reason, String detail, String sourceTopic, int sourcePartition, long sourceOffset) {
    public static final String REASON = "spectra.dlq.reason";
    public static final String DETAIL = "spectra.dlq.detail";
    public static final String SOURCE_TOPIC = "spectra.dlq.source.topic";
    public static final String SOURCE_PARTITION = "spectra.dlq.source.partition";
    public static final String SOURCE_OFFSET = "spectra.dlq.source.offset";

    /** The longest detail kept: a detail repeats input, and input can be huge. */
    static final int MAX_DETAIL_CHARS = 500;

    public DeadLetter {
        requireNonNull(reason, "reason");
        detail = detail == null ? "" : truncate(detail);
        sourceTopic = sourceTopic == null ? "" : sourceTopic;
    }

    /** A dead letter whose origin is not known yet; add it with {@link #from}. */
    public static DeadLetter of(RejectReason reason, String detail) {
        return new DeadLetter(reason, detail, null, -1, -1L);
    }

    /** A copy with the record's origin; partition and offset are -1 when unknown. */
    public DeadLetter from(String topic, int partition, long offset) {
        return new DeadLetter(reason, detail, topic, partition, offset);
    }

    /** The headers this envelope adds, appended to a copy of the original headers. */
    public Headers headers(Headers original) {
        Headers headers = original == null ? new RecordHeaders() : new RecordHeaders(original.toArray());
        headers.remove(REASON).remove(DETAIL).remove(SOURCE_TOPIC).remove(SOURCE_PARTITION).remove(SOURCE_OFFSET);
        headers.add(REASON, utf8(reason.code()));
        headers.add(DETAIL, utf8(detail));
        headers.add(SOURCE_TOPIC, utf8(sourceTopic));
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(sourcePartition)));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(sourceOffset)));
        return headers;
    }

    /** The record to send to the dead-letter topic, carrying the original key and value bytes. */
    public ProducerRecord<byte[], byte[]> toRecord(String dlqTopic, byte[] key, byte[] value, Headers original) {
        return new ProducerRecord<>(dlqTopic, null, null, key, value, headers(original));
    }

    /**
     * As {@link #toRecord(String, byte[], byte[], Headers)}, but at most {@code maxBytes} of key, value and headers
     * (see {@code RecordLimits}): a dead letter Kafka refuses would, under exactly-once, abort the transaction it is
     * written in and fail the same input again forever. When the original bytes do not fit, the value is left out,
     * then the key, then the original headers, and the detail says what was left out.
     */
    public ProducerRecord<byte[], byte[]> toRecord(String dlqTopic, byte[] key, byte[] value, Headers original,
                                                   int maxBytes) {
        Headers headers = headers(original);
        if (sizeOf(key) + sizeOf(value) + RecordLimits.sizeOf(headers) <= maxBytes) {
            return new ProducerRecord<>(dlqTopic, null, null, key, value, headers);
        }
        String valueLeftOut = "; the original value (" + sizeOf(value) + " bytes) is left out of this dead letter: too large";
        headers = withNote(valueLeftOut).headers(original);
        if (sizeOf(key) + RecordLimits.sizeOf(headers) <= maxBytes) {
            return new ProducerRecord<>(dlqTopic, null, null, key, null, headers);
        }
        String bothLeftOut = "; the original key (" + sizeOf(key) + " bytes) and value (" + sizeOf(value)
                + " bytes) are left out of this dead letter: too large";
        headers = withNote(bothLeftOut).headers(original);
        if (RecordLimits.sizeOf(headers) > maxBytes) {
            headers = withNote(bothLeftOut + ", and so are the original headers").headers(null);
        }
        return new ProducerRecord<>(dlqTopic, null, null, null, null, headers);
    }

    /** A copy whose detail ends with {@code note}, which survives the truncation of a long detail. */
    private DeadLetter withNote(String note) {
        String kept = detail.length() + note.length() <= MAX_DETAIL_CHARS ? detail
                : detail.substring(0, Math.max(0, MAX_DETAIL_CHARS - note.length()));
        return new DeadLetter(reason, kept + note, sourceTopic, sourcePartition, sourceOffset);
    }

    private static long sizeOf(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String truncate(String text) {
        return text.length() <= MAX_DETAIL_CHARS ? text : text.substring(0, MAX_DETAIL_CHARS) + "…";
    }
}
