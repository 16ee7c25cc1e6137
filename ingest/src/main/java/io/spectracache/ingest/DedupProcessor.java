package io.spectracache.ingest;

import io.spectracache.events.DeviceEvent;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Drops an event whose device already sent the same event id within the de-duplication window, measured on the
 * time the records reached Kafka ({@link ReceivedAt}). The window is symmetric, so whichever copy arrives second
 * is dropped even if the repartition delivered the resend before the original. Events without an id are never
 * duplicates. See {@link IngestTopology} for why the store is a window store.
 *
 * <p>A fixed-key processor on purpose: the stream it produces is still known to be partitioned by device, so a
 * capability that groups it by key gets no second repartition topic.
 */
final class DedupProcessor implements FixedKeyProcessor<String, DeviceEvent, DeviceEvent> {
    private final long windowMs;
    private final IngestMetrics metrics;
    private FixedKeyProcessorContext<String, DeviceEvent> context;
    private WindowStore<String, Long> seen;

    DedupProcessor(long windowMs, IngestMetrics metrics) {
        this.windowMs = windowMs;
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, DeviceEvent> context) {
        this.context = context;
        this.seen = context.getStateStore(IngestTopology.DEDUP_STORE.name());
    }

    @Override
    public void process(FixedKeyRecord<String, DeviceEvent> record) {
        long receivedAt = ReceivedAt.take(record.headers(), record.timestamp());
        DeviceEvent event = record.value();
        if (event.eventId() == null) {
            context.forward(record);
            return;
        }
        String key = key(record.key(), event.eventId());
        long from = Math.max(0, receivedAt - windowMs);
        long to = receivedAt > Long.MAX_VALUE - windowMs ? Long.MAX_VALUE : receivedAt + windowMs;
        try (WindowStoreIterator<Long> earlier = seen.fetch(key, from, to)) {
            if (earlier.hasNext()) {
                metrics.duplicate();
                return;
            }
        }
        // The value (event time) is not needed to decide; it tells an operator looking at the store what was seen.
        seen.put(key, event.ts().toEpochMilli(), receivedAt);
        context.forward(record);
    }

    /** Length-prefixed, so no device id / event id pair can collide with another whatever characters they hold. */
    static String key(String deviceId, String eventId) {
        return deviceId.length() + ":" + deviceId + eventId;
    }
}
