package io.spectracache.ingest;

import io.spectracache.events.DeviceEvent;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Drops an event whose device already sent the same event id within the de-duplication window, measured on the
 * time the records reached Kafka ({@link Validated#receivedAt()}). The window is symmetric, so whichever copy arrives second
 * is dropped even if the repartition delivered the resend before the original. Events without an id are never
 * duplicates. The ids are remembered by {@link DedupStore}: in memory per device, written behind once per device
 * per commit.
 *
 * <p>A fixed-key processor on purpose: the stream it produces is still known to be partitioned by device, so a
 * capability that groups it by key gets no second repartition topic.
 */
final class DedupProcessor implements FixedKeyProcessor<String, Checked, Validated> {
    private final IngestMetrics metrics;
    private FixedKeyProcessorContext<String, Validated> context;
    private DedupStore seen;

    DedupProcessor(IngestMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Validated> context) {
        this.context = context;
        this.seen = context.getStateStore(IngestTopology.DEDUP_STORE.name());
    }

    @Override
    public void process(FixedKeyRecord<String, Checked> record) {
        Validated valid = record.value().valid();
        long receivedAt = valid.receivedAt() != Validated.UNKNOWN ? valid.receivedAt() : record.timestamp();
        DeviceEvent event = valid.event();
        if (event.eventId() != null && seen.seenElseRemember(record.key(), event.eventId(), receivedAt)) {
            metrics.duplicate();
            return;
        }
        context.forward(record.withValue(valid));
    }
}
