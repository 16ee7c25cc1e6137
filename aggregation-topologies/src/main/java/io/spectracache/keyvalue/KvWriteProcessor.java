package io.spectracache.keyvalue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.topics.KvWriteHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code kv.writes} records to the cache store and keeps the expiry index in step with it; a wall-clock
 * punctuator deletes what has expired. One instance per task; never shared between threads.
 *
 * <p>Invariant: an index row {@code (t, k)} exists exactly when the cache holds {@code k} with {@code expiresAt = t}.
 * The purge still checks the entry before deleting it, so a stray row can only cost a lookup, never a live entry.
 */
final class KvWriteProcessor implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(KvWriteProcessor.class);
    /** More digits than this cannot be a TTL in seconds that fits epoch milliseconds. */
    private static final int MAX_TTL_DIGITS = 15;

    enum SkipReason {
        INVALID_TTL, VALUE_TOO_LARGE, NULL_KEY;

        String tagValue() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final KeyValueSettings settings;
    private final Counter expired;
    private final Counter[] skipped = new Counter[SkipReason.values().length];
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, KvEntry> cache;
    private KeyValueStore<Bytes, byte[]> expiryIndex;

    KvWriteProcessor(KeyValueSettings settings, MeterRegistry meters) {
        this.settings = settings;
        this.expired = Counter.builder(KeyValueMeters.ENTRIES_EXPIRED.meterName())
                .description(KeyValueMeters.ENTRIES_EXPIRED.description())
                .register(meters);
        for (SkipReason reason : SkipReason.values()) {
            skipped[reason.ordinal()] = Counter.builder(KeyValueMeters.WRITES_SKIPPED.meterName())
                    .description(KeyValueMeters.WRITES_SKIPPED.description())
                    .tag(KeyValueMeters.REASON_TAG, reason.tagValue())
                    .register(meters);
        }
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.cache = context.getStateStore(KeyValueTopology.STORE.name());
        this.expiryIndex = context.getStateStore(KeyValueTopology.EXPIRY_INDEX.name());
        context.schedule(settings.purgeInterval(), PunctuationType.WALL_CLOCK_TIME, this::purgeExpired);
    }

    @Override
    public void process(Record<String, byte[]> write) {
        String key = write.key();
        if (key == null) {
            skip(SkipReason.NULL_KEY, "a cache write needs a key");
            return;
        }
        if (write.value() == null) {
            unindex(key, cache.delete(key));
            return;
        }
        if (write.value().length > settings.maxValueBytes()) {
            skip(SkipReason.VALUE_TOO_LARGE, write.value().length + " bytes, the limit is " + settings.maxValueBytes());
            return;
        }
        long expiresAt = expiresAt(write);
        if (expiresAt < 0) {
            skip(SkipReason.INVALID_TTL, "header " + KvWriteHeaders.TTL_SECONDS
                    + " must be a positive whole number of seconds in ASCII digits");
            return;
        }
        KvEntry entry = KvEntry.wrap(write.value(), contentType(write.headers()), write.timestamp(), expiresAt);
        if (entry.isExpiredAt(context.currentSystemTimeMs())) {
            // Written with a TTL that has already run out (a replay, or a producer's old timestamp): the write
            // still replaces what was there, and what it leaves is nothing.
            unindex(key, cache.delete(key));
            return;
        }
        KvEntry previous = cache.get(key);
        if (previous != null && previous.expiresAt() != expiresAt) {
            unindex(key, previous);
        }
        cache.put(key, entry);
        if (entry.hasExpiry() && (previous == null || previous.expiresAt() != expiresAt)) {
            expiryIndex.put(ExpiryIndex.rowKey(expiresAt, key), ExpiryIndex.PRESENT);
        }
    }

    /** Deletes up to {@code maxPurgePerRun} entries whose TTL has passed at {@code now}, oldest expiry first. */
    void purgeExpired(long now) {
        List<Bytes> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> rows = expiryIndex.range(null, ExpiryIndex.upperBound(now))) {
            while (rows.hasNext() && due.size() < settings.maxPurgePerRun()) {
                KeyValue<Bytes, byte[]> row = rows.next();
                if (ExpiryIndex.expiresAt(row.key) > now) {
                    break;
                }
                due.add(row.key);
            }
        }
        // Deleting only after the iterator is closed: no store is modified under an open iterator.
        for (Bytes row : due) {
            String key = ExpiryIndex.key(row);
            KvEntry entry = cache.get(key);
            if (entry != null && entry.expiresAt() == ExpiryIndex.expiresAt(row)) {
                cache.delete(key);
                expired.increment();
            }
            expiryIndex.delete(row);
        }
    }

    private void unindex(String key, KvEntry entry) {
        if (entry != null && entry.hasExpiry()) {
            expiryIndex.delete(ExpiryIndex.rowKey(entry.expiresAt(), key));
        }
    }

    /** The entry's expiry: {@link KvEntry#NEVER} without a TTL header, -1 if the header is not a valid TTL. */
    private static long expiresAt(Record<String, byte[]> write) {
        Header header = write.headers().lastHeader(KvWriteHeaders.TTL_SECONDS);
        if (header == null) {
            return KvEntry.NEVER;
        }
        long seconds = parseSeconds(header.value());
        if (seconds <= 0) {
            return -1;
        }
        try {
            return Math.addExact(write.timestamp(), Math.multiplyExact(seconds, 1000L));
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    /** ASCII digits to a number, or -1 for anything else (empty, sign, space, too many digits). */
    static long parseSeconds(byte[] ascii) {
        if (ascii == null || ascii.length == 0 || ascii.length > MAX_TTL_DIGITS) {
            return -1;
        }
        long seconds = 0;
        for (byte digit : ascii) {
            if (digit < '0' || digit > '9') {
                return -1;
            }
            seconds = seconds * 10 + (digit - '0');
        }
        return seconds;
    }

    private static String contentType(Headers headers) {
        Header header = headers.lastHeader(KvWriteHeaders.CONTENT_TYPE);
        if (header == null || header.value() == null || header.value().length == 0) {
            return null;
        }
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private void skip(SkipReason reason, String detail) {
        skipped[reason.ordinal()].increment();
        // Never the key or the value: they may be personal data. The coordinates find the record.
        RecordMetadata where = context.recordMetadata().orElse(null);
        if (where == null) {
            LOG.warn("Skipped a cache write ({}): {}", reason.tagValue(), detail);
        } else {
            LOG.warn("Skipped the cache write at {}-{}@{} ({}): {}",
                    where.topic(), where.partition(), where.offset(), reason.tagValue(), detail);
        }
    }
}
