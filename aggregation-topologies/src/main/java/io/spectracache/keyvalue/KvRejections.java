package io.spectracache.keyvalue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.errors.DeadLetter;
import io.spectracache.errors.RejectReason;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a cache write that must not be applied into its dead letter for {@code kv.writes.dlq}, and counts it in
 * {@link KeyValueMeters#WRITES_SKIPPED}. Shared by the processors of one task; not thread-safe beyond that.
 *
 * <p>The dead letter is the one envelope ({@link DeadLetter}): the original key, value and headers plus the reason
 * headers, fitted to what Kafka accepts ({@link DeadLetter#toRecord(String, byte[], byte[],
 * org.apache.kafka.common.header.Headers, int)}), since a refused dead letter would poison the transaction it is
 * written in.
 */
final class KvRejections {
    private static final Logger LOG = LoggerFactory.getLogger(KvRejections.class);

    /** Why a write is not applied: the counter's tag and the dead letter's reason. */
    enum Kind {
        NULL_KEY(RejectReason.INVALID_KEY),
        INVALID_KEY(RejectReason.INVALID_KEY),
        INVALID_TTL(RejectReason.INVALID_TTL),
        VALUE_TOO_LARGE(RejectReason.OVERSIZED),
        RECORD_TOO_LARGE(RejectReason.OVERSIZED),
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
        // The topic is the sink's to decide; only the fitted key, value and headers are taken from this.
        ProducerRecord<byte[], byte[]> fitted = letter.toRecord("", write.key(), write.value(), write.headers(), maxBytes);
        return new Record<>(fitted.key(), fitted.value(), write.timestamp(), fitted.headers());
    }
}
