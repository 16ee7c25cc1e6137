package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global fence store and the instance's {@link FenceIndex} in step with {@code spectra.geofences}: a valid
 * fence is stored and indexed, a tombstone removes one, anything else is ignored and counted (the previous definition
 * stays; a bad record never stops the global thread). On start (after the store is restored, or as Kafka Streams
 * replays the topic through this processor) the index is made to hold exactly what the store holds.
 */
final class GeofenceProcessor implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(GeofenceProcessor.class);

    private final FenceIndex fences;
    private final int maxVertices;
    private final Counter invalid;
    private KeyValueStore<String, byte[]> store;
    private ProcessorContext<Void, Void> context;

    GeofenceProcessor(FenceIndex fences, int maxVertices, Counter invalid) {
        this.fences = requireNonNull(fences, "fences");
        this.maxVertices = maxVertices;
        this.invalid = requireNonNull(invalid, "invalid");
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(SpatialTopology.FENCES_STORE.name());
        List<Geofence> stored = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, byte[]> entry = all.next();
                try {
                    Geofence fence = Geofence.parse(entry.key, entry.value, maxVertices);
                    new FenceIndex.Entry(fence); // prepares it as the index will: a geometry JTS cannot prepare is ignored
                    stored.add(fence);
                } catch (RuntimeException e) {
                    LOG.warn("stored geofence {} is not valid ({}); ignored", entry.key, e.getMessage());
                }
            }
        }
        fences.replaceAll(stored);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String id = record.key();
        if (id != null) {
            if (record.value() == null) {
                store.delete(id);
                fences.remove(id);
            } else {
                try {
                    Geofence fence = Geofence.parse(id, record.value(), maxVertices);
                    fences.put(fence);
                    store.put(id, record.value());
                } catch (RuntimeException e) { // not GeoJSON, not valid, or a geometry JTS cannot prepare
                    invalid.increment();
                    LOG.warn("geofence {} on the geofences topic is not valid ({}); ignored, the previous definition "
                            + "stays", id, e.getMessage());
                }
            }
        } else {
            invalid.increment();
        }
        RecordMetadata metadata = context.recordMetadata().orElse(null);
        if (metadata != null && metadata.topic() != null && metadata.offset() >= 0) {
            fences.applied(metadata.topic(), metadata.partition(), metadata.offset());
        }
    }
}
