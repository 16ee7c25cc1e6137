package io.spectracache.devicestate;

import io.spectracache.devices.DeviceState;
import io.spectracache.events.DeviceEvent;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Folds each event into its device's state: one read and one write of the store per event. One per task. */
final class DeviceStateProcessor implements Processor<String, DeviceEvent, Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceStateProcessor.class);

    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, DeviceState> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(DeviceStateTopology.STORE.name());
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
        DeviceState previous = store.get(event.key());
        store.put(event.key(), previous == null ? DeviceState.first(event.value()) : previous.plus(event.value()));
    }
}
