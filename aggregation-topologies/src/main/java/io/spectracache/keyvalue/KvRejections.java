package io.spectracache.keyvalue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.errors.DeadLetter;
import io.spectracache.errors.RejectReason;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a cache write that must not be applied into its dead letter for {@code kv.writes.dlq}, and counts it in
 * {@link KeyValueMeters#WRITES_SKIPPED}. Shared by the processors of one task; not thread-safe beyond that.
 *
 * <p>The dead letter is the one envelope ({@link DeadLetter}): the original key, value and headers plus the reason
 * headers. It must itself fit in a record Kafka accepts, or it would poison the transaction it is written in; so
 * when the original key and value are too large, the value is left out, then the key, then the original headers,
 * and the detail says what was left out.
 */
final class KvRejections {
    private static final Logger LOG = LoggerFactory.getLogger(KvRejections.class);

    /** Why a write is not applied: the counter's tag and the dead letter's reason. */
    enum Kind {
        NULL_KEY(RejectReason.INVALID_KEY),
        INVALID_KEY(RejectReason.INVALID_KEY),
        INVALID_TTL(RejectReason.INVALID_TTL),
        VALUE_TOO_LARGE(RejectReason.OVERSIZED),
        ENTRY_TOO_LARGE(RejectReason.OVERSIZED);

        private final RejectReason reason;

        Kind(RejectReason reason) {
            this.reason = reason;
        }

        String tagValue() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Map<Kind, Counter> counters = new EnumMap<>(Kind.class);

    KvRejections(MeterRegistry meters) {
        for (Kind kind : Kind.values()) {
            counters.put(kind, Counter.builder(KeyValueMeters.WRITES_SKIPPED.meterName())
                    .description(KeyValueMeters.WRITES_SKIPPED.description())
                    .tag(KeyValueMeters.REASON_TAG, kind.tagValue())
                    .register(meters));
        }
    }

    /**
     * Counts the rejected write and returns its dead letter, at most {@code maxBytes} of key, value and headers.
     *
     * @param where the write's coordinates, or null if unknown
     */
    Record<byte[], byte[]> deadLetter(Kind kind, String detail, Record<byte[], byte[]> write, RecordMetadata where,
                                      int maxBytes) {
        counters.get(kind).increment();
        // Debug, not warn: the dead-letter topic and the counter are the record of it, and a flood of bad writes
        // must not become a flood of log lines. Never the key or the value: they may be personal data.
        LOG.debug("Dead-lettered the cache write at {} ({}): {}", where == null ? "?" : where.topic() + '-'
                + where.partition() + '@' + where.offset(), kind.tagValue(), detail);
        DeadLetter letter = DeadLetter.of(kind.reason, detail);
        if (where != null) {
            letter = letter.from(where.topic(), where.partition(), where.offset());
        }
        byte[] key = write.key();
        byte[] value = write.value();
        Headers original = write.headers();
        Headers headers = letter.headers(original);
        if (sizeOf(key) + sizeOf(value) + sizeOf(headers) <= maxBytes) {
            return new Record<>(key, value, write.timestamp(), headers);
        }
        String omitted = "; the original value (" + sizeOf(value) + " bytes) is left out of this dead letter, it is too large";
        headers = withDetail(letter, detail + omitted).headers(original);
        if (sizeOf(key) + sizeOf(headers) <= maxBytes) {
            return new Record<>(key, null, write.timestamp(), headers);
        }
        omitted = "; the original key (" + sizeOf(key) + " bytes) and value (" + sizeOf(value)
                + " bytes) are left out of this dead letter, they are too large";
        headers = withDetail(letter, detail + omitted).headers(original);
        if (sizeOf(headers) > maxBytes) {
            headers = withDetail(letter, detail + omitted + ", and so are the original headers").headers(null);
        }
        return new Record<>(null, null, write.timestamp(), headers);
    }

    private static DeadLetter withDetail(DeadLetter letter, String detail) {
        return new DeadLetter(letter.reason(), detail, letter.sourceTopic(), letter.sourcePartition(),
                letter.sourceOffset());
    }

    private static long sizeOf(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    /** Header keys and values; Kafka's framing of each (a few varint bytes) is in {@code RecordLimits}' margin. */
    private static long sizeOf(Headers headers) {
        long size = 0;
        for (Header header : headers) {
            size += header.key().length() * 3L + sizeOf(header.value()) + 10;
        }
        return size;
    }
}
