package io.spectracache.devicestate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.devices.DeviceState;
import io.spectracache.devices.DeviceStateSerde;
import io.spectracache.events.DeviceEvent;
import io.spectracache.topics.RecordLimits;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds each event into its device's state, bounded by {@link StateBounds}: one write of the store per event. One
 * per task.
 *
 * <p>Nothing is written that Kafka would refuse: every state is checked against the byte limit (at most what the
 * producer sends) before {@code store.put}, so its changelog record always fits. A state that cannot be made to
 * fit raises {@code RejectedRecordException} before anything is written; the application's processing exception
 * handler dead-letters the event inside the transaction and the device keeps its previous state.
 *
 * <p>The states of recently active devices are also kept as objects ({@link RecentStates}, bounded in bytes), so
 * an event does not pay for reading and decoding the state it replaces (a third of this processor's time when
 * measured). That is safe because this processor is the only writer of its task's store, and Kafka Streams calls
 * {@link #init} again whenever it rebuilds the task's state (restore, a corrupted task after an aborted
 * transaction), which empties the cache.
 */
final class DeviceStateProcessor implements Processor<String, DeviceEvent, Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceStateProcessor.class);

    private final DeviceStateSettings settings;
    private final RecentStates recent;
    private final Counter evictedForCount;
    private final Counter evictedForBytes;
    private final Counter lastEventsTrimmed;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, DeviceState> store;
    private StateBounds bounds;

    DeviceStateProcessor(DeviceStateSettings settings, MeterRegistry meters) {
        this.settings = settings;
        this.recent = new RecentStates(settings.cacheMaxBytes());
        this.evictedForCount = evictedCounter(meters, DeviceStateMeters.LIMIT_MAX_METRICS);
        this.evictedForBytes = evictedCounter(meters, DeviceStateMeters.LIMIT_MAX_STATE_BYTES);
        this.lastEventsTrimmed = trimmedCounter(meters);
    }

    static Counter trimmedCounter(MeterRegistry meters) {
        return Counter.builder(DeviceStateMeters.LAST_EVENTS_TRIMMED.meterName())
                .description(DeviceStateMeters.LAST_EVENTS_TRIMMED.description())
                .register(meters);
    }

    static Counter evictedCounter(MeterRegistry meters, String limit) {
        return Counter.builder(DeviceStateMeters.METRICS_EVICTED.meterName())
                .description(DeviceStateMeters.METRICS_EVICTED.description())
                .tag(DeviceStateMeters.LIMIT_TAG, limit)
                .register(meters);
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(DeviceStateTopology.STORE.name());
        int producerLimit = RecordLimits.largestKeyAndValue(context.appConfigs());
        if (producerLimit < settings.maxStateBytes()) {
            LOG.info("Device states are bounded at {} bytes, below {} = {}: that is all Kafka Streams' producer sends",
                    producerLimit, DeviceStateSettings.MAX_STATE_BYTES_CONFIG, settings.maxStateBytes());
        }
        this.bounds = new StateBounds(settings.maxMetrics(), Math.min(settings.maxStateBytes(), producerLimit),
                (DeviceStateSerde) DeviceStateTopology.STORE.valueSerde());
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
        DeviceState folded = previous == null ? DeviceState.first(event.value()) : previous.plus(event.value());
        // Throws before anything is written if the state cannot be made to fit.
        StateBounds.Bounded next = bounds.bound(event.key(), folded);
        store.put(event.key(), next.state());
        recent.put(event.key(), next.state(), next.storedBytes());
        if (next.evictedForCount() > 0) {
            evictedForCount.increment(next.evictedForCount());
        }
        if (next.evictedForBytes() > 0) {
            evictedForBytes.increment(next.evictedForBytes());
        }
        if (next.lastEventTrimmed()) {
            lastEventsTrimmed.increment();
        }
    }

    /** The cache of this task's recent states, for tests. */
    RecentStates recent() {
        return recent;
    }
}
