package io.spectracache.devicestate;

import static java.util.Objects.requireNonNull;

import io.spectracache.devices.DeviceState;
import io.spectracache.events.DeviceEvent;
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
 * new DeviceStateTopology().addTo(context);
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
 */
public final class DeviceStateTopology implements CapabilityTopology {
    /** Latest state per device id. Values are stored in a compact, versioned binary form, not JSON. */
    public static final StoreSpec<String, DeviceState> STORE =
            new StoreSpec<>("device-state", Serdes.String(), new DeviceStateSerde());

    static final String AGGREGATE_NAME = "device-state-aggregate";

    /** Adds processor {@code device-state-aggregate} and store {@code device-state} after the validated events. */
    @Override
    public void addTo(TopologyContext context) {
        requireNonNull(context, "context").events().process(new Supplier(), Named.as(AGGREGATE_NAME));
    }

    private static final class Supplier implements ProcessorSupplier<String, DeviceEvent, Void, Void> {
        @Override
        public Processor<String, DeviceEvent, Void, Void> get() {
            return new DeviceStateProcessor();
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            StoreBuilder<KeyValueStore<String, DeviceState>> store = Stores.keyValueStoreBuilder(
                            Stores.persistentKeyValueStore(STORE.name()), STORE.keySerde(), STORE.valueSerde())
                    .withCachingEnabled();
            return Set.of(store);
        }
    }
}
