package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.events.DeviceEvent;
import io.spectracache.state.WriteBehindStores;
import io.spectracache.topics.StoreSpec;
import io.spectracache.topology.CapabilityTopology;
import io.spectracache.topology.TopologyContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The live position of every device in a cell-ordered index, and geofence transitions. Attached to
 * {@link TopologyContext#events()} like device state (no repartition, no second read of {@code spectra.events}); an
 * event without a {@code location} passes with one null check. The fences come from the compacted
 * {@code spectra.geofences} topic into a global store, so every instance knows every fence.
 *
 * <pre>{@code
 * new IngestTopology(settings).addTo(context);                      // provides context.events()
 * new SpatialTopology(SpatialSettings.defaults()).addTo(context);
 * }</pre>
 *
 * <p><b>Stores</b> (processor {@value #PROCESSOR_NAME}; the first three write-behind: objects per event, one changelog
 * record per changed key per commit):
 * <ul>
 *   <li>{@code spatial-index} ({@link #INDEX_STORE}): key {@link CellKeys} (S2 cell of level
 *       {@value CellKeys#INDEX_LEVEL}, device id), value the device's newest {@link IndexedPosition} (by event time: an
 *       older one is not applied) with the tenant and attributes of its event. One entry per device, moved when its
 *       cell changes. Radius, box, polygon and nearest queries read the key ranges of a covering of their region and
 *       decide each candidate exactly, through {@link IndexSearchStore} ({@link IndexSearch}: one IQv2 call per
 *       partition, candidates tested on their raw bytes).
 *   <li>{@code spatial-devices} ({@link #DEVICES_STORE}): key device id, value a {@link DeviceEntry}: the cell the
 *       device's position is filed under and the fences it is in or entering; written when either changes. Also
 *       answers {@link FenceQuery} (the fence catalog) through {@link FenceCatalogStore}.
 *   <li>{@code spatial-fence-members} ({@link #MEMBERS_STORE}): key {@link MemberKeys} (fence id, device id), value a
 *       {@link FenceMember}: who is inside each fence now, one fence = one key range. Written at transitions only.
 *   <li>{@code spatial-geofences} ({@link #FENCES_STORE}): the global store of {@code spectra.geofences} (in memory,
 *       restored from the compacted topic at start), mirrored into a {@link FenceIndex} (R-tree) by processor
 *       {@value #FENCES_PROCESSOR_NAME}.
 * </ul>
 * A device's entries in every store are found from its device entry ({@link #keysOf}), so it can be erased whole.
 *
 * <p><b>Output.</b> {@link GeofenceTransition}s to {@code spectra.geofence.transitions} (sink {@value #SINK_NAME}),
 * keyed by device id, written in the task's transaction.
 */
public final class SpatialTopology implements CapabilityTopology {
    /** The processor that files positions and decides transitions. */
    public static final String PROCESSOR_NAME = "spatial-update";
    /** The sink of the transitions. */
    public static final String SINK_NAME = "spatial-transitions-sink";
    /** The source of the global fence store. */
    public static final String FENCES_SOURCE_NAME = "spatial-geofences-source";
    /** The processor that keeps the global fence store and the fence index. */
    public static final String FENCES_PROCESSOR_NAME = "spatial-geofences-update";

    /** Device id → its index cell and fence memberships. */
    public static final StoreSpec<String, DeviceEntry> DEVICES_STORE =
            new StoreSpec<>("spatial-devices", Serdes.String(), new SpatialSerdes.DeviceEntrySerde());
    /** (S2 cell, device id) → position: the index. */
    public static final StoreSpec<Bytes, IndexedPosition> INDEX_STORE =
            new StoreSpec<>("spatial-index", Serdes.Bytes(), new SpatialSerdes.IndexedPositionSerde());
    /** (fence id, device id) → when it entered: who is inside each fence. */
    public static final StoreSpec<Bytes, FenceMember> MEMBERS_STORE =
            new StoreSpec<>("spatial-fence-members", Serdes.Bytes(), new SpatialSerdes.FenceMemberSerde());
    /** Fence id → the fence as stored on the topic (global). */
    public static final StoreSpec<String, byte[]> FENCES_STORE =
            new StoreSpec<>("spatial-geofences", Serdes.String(), Serdes.ByteArray());

    private final SpatialSettings settings;
    private final FenceIndex fences;

    /** A topology with the {@linkplain SpatialSettings#defaults() default settings}. */
    public SpatialTopology() {
        this(SpatialSettings.defaults());
    }

    /** @param settings never null */
    public SpatialTopology(SpatialSettings settings) {
        this(settings, new FenceIndex());
    }

    /** With a fence index of the caller's (tests use one that rebuilds at once). */
    SpatialTopology(SpatialSettings settings, FenceIndex fences) {
        this.settings = requireNonNull(settings, "settings");
        this.fences = requireNonNull(fences, "fences");
    }

    /** The fences of the topology this object builds. */
    FenceIndex fences() {
        return fences;
    }

    /**
     * Adds the global fence store, processor {@value #PROCESSOR_NAME} with its stores after the validated events, and
     * the transitions sink; registers the {@link SpatialMeters} at zero. Adds nothing when the settings disable it.
     */
    @Override
    public void addTo(TopologyContext context) {
        requireNonNull(context, "context");
        if (!settings.enabled()) {
            return;
        }
        MeterRegistry meters = context.meters();
        Counter invalid = SpatialProcessor.counter(meters, SpatialMeters.FENCES_INVALID);
        Gauge.builder(SpatialMeters.FENCES.meterName(), fences, FenceIndex::size)
                .description(SpatialMeters.FENCES.description()).register(meters);
        context.streams().addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(FENCES_STORE.name()),
                        FENCES_STORE.keySerde(), FENCES_STORE.valueSerde()).withLoggingDisabled(),
                context.topicName(SpatialTopics.GEOFENCES),
                Consumed.with(SpatialTopics.GEOFENCES.keySerde(), SpatialTopics.GEOFENCES.valueSerde())
                        .withName(FENCES_SOURCE_NAME),
                () -> new GeofenceProcessor(fences, settings.maxFenceVertices(), invalid));
        context.events()
                .process(new Supplier(meters), Named.as(PROCESSOR_NAME))
                .to(context.topicName(SpatialTopics.GEOFENCE_TRANSITIONS),
                        Produced.with(SpatialTopics.GEOFENCE_TRANSITIONS.keySerde(),
                                SpatialTopics.GEOFENCE_TRANSITIONS.valueSerde()).withName(SINK_NAME));
    }

    /**
     * Every key a device has in the spatial stores, found from its device entry: its index entry and its fence
     * memberships (plus the device entry itself, under its id).
     *
     * @param indexKey   its key in {@code spatial-index}
     * @param memberKeys its keys in {@code spatial-fence-members}
     */
    public record DeviceKeys(String deviceId, Bytes indexKey, List<Bytes> memberKeys) {
        public DeviceKeys {
            requireNonNull(deviceId, "deviceId");
            requireNonNull(indexKey, "indexKey");
            memberKeys = List.copyOf(memberKeys);
        }
    }

    /** The keys of a device, from its entry in {@code spatial-devices}. */
    public static DeviceKeys keysOf(String deviceId, DeviceEntry entry) {
        List<Bytes> memberKeys = new ArrayList<>();
        for (FenceMembership membership : entry.memberships()) {
            if (membership.status().entered()) {
                memberKeys.add(MemberKeys.of(membership.fenceId(), deviceId));
            }
        }
        return new DeviceKeys(deviceId, CellKeys.indexKey(entry.cell(), deviceId), memberKeys);
    }

    private final class Supplier implements ProcessorSupplier<String, DeviceEvent, String, GeofenceTransition> {
        private final MeterRegistry meters;

        Supplier(MeterRegistry meters) {
            this.meters = meters;
            // Registered at zero, so dashboards see every series from the start.
            SpatialProcessor.counter(meters, SpatialMeters.POSITIONS_UPDATED);
            SpatialProcessor.counter(meters, SpatialMeters.POSITIONS_LATE);
            for (String transition : List.of(GeofenceTransition.ENTER, GeofenceTransition.EXIT)) {
                for (String cause : List.of(GeofenceTransition.CAUSE_POSITION, GeofenceTransition.CAUSE_FENCE_DELETED,
                        GeofenceTransition.CAUSE_FENCE_CHANGED)) {
                    SpatialProcessor.transitionCounter(meters, transition, cause);
                }
            }
        }

        @Override
        public Processor<String, DeviceEvent, String, GeofenceTransition> get() {
            return new SpatialProcessor(settings, fences, meters);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            Set<StoreBuilder<?>> stores = new HashSet<>();
            stores.add(WriteBehindStores.keyValueStoreBuilder(
                    FenceCatalogStore.supplier(Stores.persistentKeyValueStore(DEVICES_STORE.name()), fences),
                    DEVICES_STORE.keySerde(), DEVICES_STORE.valueSerde()));
            stores.add(WriteBehindStores.keyValueStoreBuilder(
                    IndexSearchStore.supplier(Stores.persistentKeyValueStore(INDEX_STORE.name())),
                    INDEX_STORE.keySerde(), INDEX_STORE.valueSerde()));
            stores.add(WriteBehindStores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MEMBERS_STORE.name()),
                    MEMBERS_STORE.keySerde(), MEMBERS_STORE.valueSerde()));
            return stores;
        }
    }
}
