package io.spectracache.devicestate;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.devices.DeviceState;
import io.spectracache.devices.DeviceStateStore;
import io.spectracache.events.DeviceEvent;
import io.spectracache.state.WriteBehindStores;
import io.spectracache.topics.StoreSpec;
import io.spectracache.topology.CapabilityTopology;
import io.spectracache.topology.TopologyContext;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The latest state of every device: folds the validated event stream into {@link #STORE}, one
 * {@link DeviceState} per device id, following {@link DeviceState#plus(DeviceEvent)} (a late event is counted but
 * never replaces newer state).
 *
 * <pre>{@code
 * new IngestTopology(settings).addTo(context);     // provides context.events()
 * new DeviceStateTopology(DeviceStateSettings.defaults().withMaxMetrics(200)).addTo(context);
 * // later, on the instance that owns the device:
 * StateQueryResult<DeviceState> result = streams.query(StateQueryRequest.inStore(DeviceStateTopology.STORE.name())
 *         .withQuery(KeyQuery.<String, DeviceState>withKey("truck-0042")).withPartitions(Set.of(partition)));
 * }</pre>
 *
 * <p><b>Partitioning.</b> The stream of {@link TopologyContext#events()} is already be partitioned by device id (ingest
 * repartitions by device before de-duplicating). The fold is a processor, not a DSL {@code groupByKey}, because
 * Kafka Streams marks the output of any upstream {@code process()} step as possibly re-keyed and a DSL grouping
 * would then add a second repartition topic to the ingest hot path. So nothing is repartitioned here, ever: a
 * stream keyed otherwise would be folded in the wrong partition, and interactive queries would not find it.
 *
 * <p><b>Store.</b> {@code device-state}: persistent (RocksDB), plain (not timestamped) key-value store with a
 * changelog ({@code <application.id>-device-state-changelog}) and the record cache, which merges the many updates
 * of a busy device into one RocksDB write and one changelog record per commit. For IQv2,
 * {@code KeyQuery<String, DeviceState>} answers the {@code DeviceState}, or null for a device never seen; it reads
 * through the cache. {@code RangeQuery<String, DeviceState>} answers a {@code KeyValueIterator} that the caller must
 * close; it reads RocksDB only, so it may lag up to one commit interval behind point queries.
 *
 * <p><b>Limits.</b> No sequence of valid events can make a device's state too large for its changelog, or let one
 * device take the memory of thousands. The limits ({@link DeviceStateSettings}) and what happens at them:
 * <ol>
 *   <li>A device keeps at most {@code spectracache.devicestate.max.metrics} metrics (default 1,000). When an event
 *       brings more, the least recently updated metrics (oldest reading time; the smaller name first among equal
 *       times) are evicted and counted in {@code spectra.devicestate.metrics.evicted{limit="max-metrics"}}. The
 *       event itself is applied: counted, and its readings are the newest. An evicted metric comes back with its
 *       next reading.
 *   <li>The stored record (device id plus encoded state) takes at most {@code spectracache.devicestate.max.state.bytes}
 *       (default 256 KiB, and never more than Kafka Streams' producer sends: {@code max.request.size} less 1 KiB).
 *       Above it, least recently updated metrics are evicted until it fits, counted with
 *       {@code limit="max-state-bytes"}.
 *   <li>If the state would not fit even with no metric at all (the last event alone is too large, which the default
 *       ingest limit of 64 KiB per event never allows), the last event is stored without its attributes and
 *       metrics (its id, time, tenant and location stay) and counted in
 *       {@code spectra.devicestate.last.events.trimmed}; then rule 2 applies to the metrics.
 *   <li>If it still does not fit (a device id, event id or tenant longer than the limit), the event is not applied:
 *       the processor raises {@code RejectedRecordException} before writing anything, the application's
 *       processing exception handler dead-letters the event with reason {@code state-too-large}, and the device
 *       keeps its previous state.
 * </ol>
 * The states of recently updated devices are also kept as objects, bounded per task by
 * {@code spectracache.devicestate.cache.max.bytes} of estimated heap (default 32 MiB).
 */
public final class DeviceStateTopology implements CapabilityTopology {
    /** Latest state per device id. Values are stored in a compact, versioned binary form, not JSON. */
    public static final StoreSpec<String, DeviceState> STORE =
            DeviceStateStore.SPEC;

    static final String AGGREGATE_NAME = "device-state-aggregate";

    private final DeviceStateSettings settings;

    /** A topology with the {@linkplain DeviceStateSettings#defaults() default limits}. */
    public DeviceStateTopology() {
        this(DeviceStateSettings.defaults());
    }

    /** @param settings the limits; never null */
    public DeviceStateTopology(DeviceStateSettings settings) {
        this.settings = requireNonNull(settings, "settings");
    }

    /**
     * Adds processor {@code device-state-aggregate} and store {@code device-state} after the validated events, and
     * registers the {@link DeviceStateMeters} in the context's registry (at zero, so dashboards see them before the
     * first eviction).
     */
    @Override
    public void addTo(TopologyContext context) {
        requireNonNull(context, "context");
        MeterRegistry meters = context.meters();
        DeviceStateProcessor.evictedCounter(meters, DeviceStateMeters.LIMIT_MAX_METRICS);
        DeviceStateProcessor.evictedCounter(meters, DeviceStateMeters.LIMIT_MAX_STATE_BYTES);
        DeviceStateProcessor.trimmedCounter(meters);
        context.events().process(new Supplier(meters), Named.as(AGGREGATE_NAME));
    }

    private final class Supplier implements ProcessorSupplier<String, DeviceEvent, Void, Void> {
        private final MeterRegistry meters;

        Supplier(MeterRegistry meters) {
            this.meters = meters;
        }

        @Override
        public Processor<String, DeviceEvent, Void, Void> get() {
            return new DeviceStateProcessor(settings, meters);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            // Write-behind: an event updates the state object; it is serialised and changelogged once per commit.
            StoreBuilder<KeyValueStore<String, DeviceState>> store = WriteBehindStores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(STORE.name()), STORE.keySerde(), STORE.valueSerde());
            return Set.of(store);
        }
    }
}
