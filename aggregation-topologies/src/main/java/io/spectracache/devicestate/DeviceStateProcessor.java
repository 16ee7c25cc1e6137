package io.spectracache.devicestate;

import io.spectracache.devices.DeviceState;
import io.spectracache.events.DeviceEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds each event into its device's state: one write of the store per event. One per task.
 *
 * <p>The states of recently active devices are also kept as objects, so an event does not pay for reading and
 * decoding the state it replaces (a third of this processor's time when measured). That is safe because this
 * processor is the only writer of its task's store, and Kafka Streams calls {@link #init} again whenever it
 * rebuilds the task's state (restore, a corrupted task after an aborted transaction), which empties the map.
 */
final class DeviceStateProcessor implements Processor<String, DeviceEvent, Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceStateProcessor.class);
    /** Devices kept as objects per task; the least recently updated make room. */
    static final int MAX_CACHED_DEVICES = 50_000;

    private final Map<String, DeviceState> recent = new LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, DeviceState> eldest) {
            return size() > MAX_CACHED_DEVICES;
        }
    };
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, DeviceState> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(DeviceStateTopology.STORE.name());
        recent.clear();
    }

    @Override
    public void process(Record<String, DeviceEvent> event) {
        if (event.key() == null || event.value() == null) {
            // Ingest never emits these; a record that slips through carries no device to update.
            context.recordMetadata().ifPresent(where -> LOG.warn(
                    "Skipped a device event without key or value at {}-{}@{}",
                    where.topic(), where.partition(), where.offset()));
            return;
        }
        DeviceState previous = recent.get(event.key());
        if (previous == null) {
            previous = store.get(event.key());
        }
        DeviceState next = previous == null ? DeviceState.first(event.value()) : previous.plus(event.value());
        store.put(event.key(), next);
        recent.put(event.key(), next);
    }
}
