package io.spectracache.keyvalue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.topics.KvWriteHeaders;
import io.spectracache.topics.RecordLimits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Applies checked {@code kv.writes} records (see {@link KvWriteCheck}) to the cache store and keeps the expiry index
 * in step with it; a wall-clock punctuator deletes what has expired. One instance per task; never shared between
 * threads.
 *
 * <p>Invariant: an index row {@code (t, k)} exists exactly when the cache holds {@code k} with {@code expiresAt = t}.
 * The purge still checks the entry before deleting it, so a stray row can only cost a lookup, never a live entry.
 *
 * <p>Each purge starts where the last one stopped ({@link #purgedBefore}), not at the index's first row: the rows it
 * deleted stay in RocksDB as tombstones until a compaction drops them, and a scan from the first row would step over
 * every one of them again, every second, on every task.
 *
 * <p>Defence in depth: the check upstream already refused every write that breaks {@link KvWriteRules}, but the size
 * of the entry is checked again right before {@code cache.put}, against what Kafka Streams' producer sends, so no
 * changelog record this processor writes can be refused (which under exactly-once would abort the transaction and
 * fail the same input forever). A write that fails it is forwarded as a dead letter instead.
 */
final class KvWriteProcessor implements Processor<String, byte[], byte[], byte[]> {
    private final KeyValueSettings settings;
    private final KvRejections rejections;
    private final Counter expired;
    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, KvEntry> cache;
    private KeyValueStore<Bytes, byte[]> expiryIndex;
    private int maxRecordBytes;
    /**
     * No index row expires before this: every row below it was purged, and a row indexed below it since (only a wall
     * clock set back can do that) lowers it. {@link Long#MIN_VALUE} until the first purge of this task's processor,
     * which scans from the first row (after a restart or a rebalance).
     */
    private long purgedBefore = Long.MIN_VALUE;

    KvWriteProcessor(KeyValueSettings settings, KvRejections rejections, MeterRegistry meters) {
        this.settings = settings;
        this.rejections = rejections;
        this.expired = Counter.builder(KeyValueMeters.ENTRIES_EXPIRED.meterName())
                .description(KeyValueMeters.ENTRIES_EXPIRED.description())
                .register(meters);
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.cache = context.getStateStore(KeyValueTopology.STORE.name());
        this.expiryIndex = context.getStateStore(KeyValueTopology.EXPIRY_INDEX.name());
        this.maxRecordBytes = RecordLimits.largestKeyAndValue(context.appConfigs());
        context.schedule(settings.purgeInterval(), PunctuationType.WALL_CLOCK_TIME, this::purgeExpired);
    }

    @Override
    public void process(Record<String, byte[]> write) {
        String key = write.key();
        if (write.value() == null) {
            unindex(key, cache.delete(key));
            return;
        }
        long expiresAt = expiresAt(write);
        if (expiresAt < 0) {
            deadLetter(KvRejections.Kind.INVALID_TTL, "header " + KvWriteHeaders.TTL_SECONDS
                    + " must be a whole number of seconds from " + KvWriteRules.MIN_TTL_SECONDS + " to "
                    + KvWriteRules.MAX_TTL_SECONDS + " in ASCII digits", write);
            return;
        }
        KvEntry entry = KvEntry.wrap(write.value(), contentType(write.headers()), write.timestamp(), expiresAt);
        if (entry.isExpiredAt(context.currentSystemTimeMs())) {
            // Written with a TTL that has already run out (a replay, or a producer's old timestamp): the write
            // still replaces what was there, and what it leaves is nothing.
            unindex(key, cache.delete(key));
            return;
        }
        long stored = KvWriteRules.storedBytes(key, entry.valueSize(), entry.contentType());
        if (stored > maxRecordBytes) {
            deadLetter(KvRejections.Kind.ENTRY_TOO_LARGE, "the entry would take " + stored + " bytes stored; a "
                    + "record of the cache's changelog holds at most " + maxRecordBytes, write);
            return;
        }
        KvEntry previous = cache.get(key);
        if (previous != null && previous.expiresAt() != expiresAt) {
            unindex(key, previous);
        }
        cache.put(key, entry);
        if (entry.hasExpiry() && (previous == null || previous.expiresAt() != expiresAt)) {
            expiryIndex.put(ExpiryIndex.rowKey(expiresAt, key), ExpiryIndex.PRESENT);
            purgedBefore = Math.min(purgedBefore, expiresAt);
        }
    }

    /**
     * Deletes up to {@code maxPurgePerRun} entries whose TTL has passed at {@code now}, oldest expiry first, scanning the
     * index from {@link #purgedBefore}.
     */
    void purgeExpired(long now) {
        List<Bytes> due = new ArrayList<>();
        Bytes from = purgedBefore == Long.MIN_VALUE ? null : ExpiryIndex.lowerBound(purgedBefore);
        try (KeyValueIterator<Bytes, byte[]> rows = expiryIndex.range(from, ExpiryIndex.upperBound(now))) {
            while (rows.hasNext() && due.size() < settings.maxPurgePerRun()) {
                KeyValue<Bytes, byte[]> row = rows.next();
                if (ExpiryIndex.expiresAt(row.key) > now) {
                    break;
                }
                due.add(row.key);
            }
        }
        // All due rows taken: none is left at or before now. Else the next purge starts at the last one taken (rows of
        // the same expiry may remain after it).
        long scannedTo = due.size() < settings.maxPurgePerRun() ? (now == Long.MAX_VALUE ? now : now + 1)
                : ExpiryIndex.expiresAt(due.get(due.size() - 1));
        purgedBefore = Math.max(purgedBefore, scannedTo);
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
        long seconds = KvWriteRules.ttlSeconds(header.value());
        if (seconds < 0) {
            return -1;
        }
        try {
            return Math.addExact(write.timestamp(), Math.multiplyExact(seconds, 1000L));
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    /** The value of header {@code content-type}, or null when it is absent or empty. */
    static String contentType(Headers headers) {
        Header header = headers.lastHeader(KvWriteHeaders.CONTENT_TYPE);
        if (header == null || header.value() == null || header.value().length == 0) {
            return null;
        }
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private void deadLetter(KvRejections.Kind kind, String detail, Record<String, byte[]> write) {
        Record<byte[], byte[]> raw = new Record<>(write.key().getBytes(StandardCharsets.UTF_8), write.value(),
                write.timestamp(), write.headers());
        context.forward(rejections.deadLetter(kind, detail, raw, context.recordMetadata().orElse(null), maxRecordBytes));
    }
}
