package io.spectracache.ingest;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * The raw record's own timestamp, or, if it has none (negative), the partition's time so far, or 0. Never
 * throws: a raw record with a bad timestamp must still reach validation, and the DLQ if need be, rather than stop
 * the stream thread as Kafka's default extractor would, or be skipped without a trace.
 */
final class RawTimestampExtractor implements TimestampExtractor {
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long timestamp = record.timestamp();
        return timestamp >= 0 ? timestamp : Math.max(partitionTime, 0);
    }
}
