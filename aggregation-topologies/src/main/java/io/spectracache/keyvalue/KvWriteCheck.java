package io.spectracache.keyvalue;

import io.spectracache.topics.KvWriteHeaders;
import io.spectracache.topics.RecordLimits;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Checks every record of {@code kv.writes} against {@link KvWriteRules} before anything else sees it: a write
 * that breaks them goes on as a {@link CheckedWrite#rejected rejected} dead letter; a valid one goes on keyed by
 * its decoded key, marked misplaced when it sits on another partition than Kafka's default partitioner gives its
 * key. One per task.
 *
 * <p>The order of the checks decides the reason a write that breaks several rules is dead-lettered with: key,
 * then the size of the whole write (key, value and headers), then value size, then TTL, then the stored size.
 */
final class KvWriteCheck implements Processor<byte[], byte[], String, KvWriteCheck.CheckedWrite> {
    /**
     * A checked write: valid (the value, null for a delete, and whether it is misplaced), or rejected (the key and
     * value of its dead letter; the record's headers are the dead letter's).
     */
    record CheckedWrite(byte[] value, boolean misplaced, boolean rejected, byte[] deadLetterKey) {
        static CheckedWrite valid(byte[] value, boolean misplaced) {
            return new CheckedWrite(value, misplaced, false, null);
        }

        static CheckedWrite rejected(byte[] deadLetterKey, byte[] deadLetterValue) {
            return new CheckedWrite(deadLetterValue, false, true, deadLetterKey);
        }
    }

    private final KeyValueSettings settings;
    private final KvRejections rejections;
    private final int partitions;
    private ProcessorContext<String, CheckedWrite> context;
    private int maxRecordBytes;

    /** @param partitions the partition count of {@code kv.writes}; 0 = do not check placement */
    KvWriteCheck(KeyValueSettings settings, KvRejections rejections, int partitions) {
        this.settings = settings;
        this.rejections = rejections;
        this.partitions = partitions;
    }

    @Override
    public void init(ProcessorContext<String, CheckedWrite> context) {
        this.context = context;
        this.maxRecordBytes = RecordLimits.largestKeyAndValue(context.appConfigs());
    }

    @Override
    public void process(Record<byte[], byte[]> write) {
        if (write.key() == null) {
            reject(KvRejections.Kind.NULL_KEY, "a cache write needs a key", write);
            return;
        }
        String key = KvWriteRules.decodeKey(write.key());
        if (key == null) {
            reject(KvRejections.Kind.INVALID_KEY, "the key (" + write.key().length + " bytes) is not valid UTF-8", write);
            return;
        }
        String keyProblem = KvWriteRules.keyProblem(key);
        if (keyProblem != null) {
            reject(KvRejections.Kind.INVALID_KEY, keyProblem, write);
            return;
        }
        byte[] value = write.value();
        // Key, value and headers go on together when a misplaced write is re-routed: the whole write must fit what
        // Kafka Streams' producer sends, whichever partition it is on, so that placement never decides.
        long recordBytes = write.key().length + (value == null ? 0 : value.length) + RecordLimits.sizeOf(write.headers());
        if (recordBytes > maxRecordBytes) {
            reject(KvRejections.Kind.RECORD_TOO_LARGE, "the write has about " + recordBytes + " bytes with its key "
                    + "and headers; a record Kafka Streams writes holds at most " + maxRecordBytes, write);
            return;
        }
        if (value != null) {
            if (value.length > settings.maxValueBytes()) {
                reject(KvRejections.Kind.VALUE_TOO_LARGE, "the value has " + value.length + " bytes, the limit is "
                        + settings.maxValueBytes() + " (spectracache.kv.max.value.bytes)", write);
                return;
            }
            Header ttl = write.headers().lastHeader(KvWriteHeaders.TTL_SECONDS);
            if (ttl != null && KvWriteRules.ttlSeconds(ttl.value()) < 0) {
                reject(KvRejections.Kind.INVALID_TTL, "header " + KvWriteHeaders.TTL_SECONDS
                        + " must be a whole number of seconds from " + KvWriteRules.MIN_TTL_SECONDS + " to "
                        + KvWriteRules.MAX_TTL_SECONDS + " in ASCII digits", write);
                return;
            }
            long stored = KvWriteRules.storedBytes(key, value.length, KvWriteProcessor.contentType(write.headers()));
            if (stored > maxRecordBytes) {
                reject(KvRejections.Kind.ENTRY_TOO_LARGE, "the entry would take " + stored + " bytes stored, key "
                        + "and content type included; a record of the cache's changelog holds at most "
                        + maxRecordBytes, write);
                return;
            }
        }
        context.forward(write.withKey(key).withValue(CheckedWrite.valid(value, isMisplaced(write.key()))));
    }

    private boolean isMisplaced(byte[] key) {
        if (partitions == 0) {
            return false;
        }
        int actual = context.recordMetadata().map(RecordMetadata::partition).orElse(-1);
        return actual >= 0 && actual != partitionOf(key, partitions);
    }

    /** The partition Kafka's Java producer gives a key by default: murmur2 of its bytes. */
    static int partitionOf(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    private void reject(KvRejections.Kind kind, String detail, Record<byte[], byte[]> write) {
        Record<byte[], byte[]> letter = rejections.deadLetter(kind, detail, write,
                context.recordMetadata().orElse(null), maxRecordBytes);
        context.forward(new Record<String, CheckedWrite>(null, CheckedWrite.rejected(letter.key(), letter.value()),
                write.timestamp(), letter.headers()));
    }
}
