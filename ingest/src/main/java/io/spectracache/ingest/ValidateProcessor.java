package io.spectracache.ingest;

import io.spectracache.errors.DeadLetter;
import io.spectracache.events.DeviceEvent;
import io.spectracache.topics.RecordLimits;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Validates each raw record. A valid event goes on keyed by its device, stamped with its event time and carrying
 * the raw record's timestamp ({@link Validated#receivedAt()}) for de-duplication. A rejected record goes on unchanged
 * (key, value, headers) plus the {@link DeadLetter} headers, so the DLQ sink of the same topology writes it inside
 * the same transaction as everything else.
 */
final class ValidateProcessor implements Processor<byte[], byte[], String, Checked> {
    private final EventValidator validator;
    private final IngestMetrics metrics;
    private final int rawPartitions;
    private ProcessorContext<String, Checked> context;
    private int maxRecordBytes;

    /** @param rawPartitions the partition count of the raw topic, 0 if unknown (then no event is in place) */
    ValidateProcessor(EventValidator validator, IngestMetrics metrics, int rawPartitions) {
        this.validator = validator;
        this.metrics = metrics;
        this.rawPartitions = rawPartitions;
    }

    @Override
    public void init(ProcessorContext<String, Checked> context) {
        this.context = context;
        this.maxRecordBytes = RecordLimits.largestKeyAndValue(context.appConfigs());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        metrics.read();
        ValidationResult result = validator.validate(record.value(), RecordLimits.sizeOf(record.headers()));
        if (result instanceof ValidationResult.Accepted accepted) {
            metrics.accepted();
            DeviceEvent event = accepted.event();
            // The raw record's timestamp goes along as the receipt time (the record timestamp becomes the event time);
            // the headers go on untouched, so nothing is copied per event.
            Validated valid = new Validated(event, accepted.canonical() ? record.value() : null, record.timestamp());
            context.forward(new Record<>(event.deviceId(), Checked.valid(valid, isInPlace(event.deviceId())),
                    event.ts().toEpochMilli(), record.headers()));
        } else {
            ValidationResult.Rejected rejected = (ValidationResult.Rejected) result;
            metrics.deadLettered(rejected.reason());
            DeadLetter letter = DeadLetter.of(rejected.reason(), rejected.detail());
            // Always present for records read from a topic; absent only for punctuations, which we do not schedule.
            RecordMetadata source = context.recordMetadata().orElse(null);
            if (source != null) {
                letter = letter.from(source.topic(), source.partition(), source.offset());
            }
            // Fitted to what Kafka accepts: a raw record near the broker's limit plus the envelope's headers would
            // be refused, and under exactly-once that aborts the transaction and fails this record forever.
            ProducerRecord<byte[], byte[]> fitted =
                    letter.toRecord("", record.key(), record.value(), record.headers(), maxRecordBytes);
            context.forward(new Record<String, Checked>(null, Checked.rejected(fitted.key(), fitted.value()),
                    record.timestamp(), fitted.headers()));
        }
    }

    /** Whether this record's partition is the one Kafka's default partitioner gives its device id. */
    private boolean isInPlace(String deviceId) {
        if (rawPartitions == 0) {
            return false;
        }
        int partition = context.recordMetadata().map(RecordMetadata::partition).orElse(-1);
        return partition == partitionOf(deviceId, rawPartitions);
    }

    static int partitionOf(String deviceId, int partitions) {
        return Utils.toPositive(Utils.murmur2(deviceId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
