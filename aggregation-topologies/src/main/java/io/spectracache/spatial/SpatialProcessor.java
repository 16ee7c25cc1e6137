package io.spectracache.spatial;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.events.DeviceEvent;
import io.spectracache.events.GeoPoint;
import io.spectracache.state.WriteBehindKeyValueStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Point;

/**
 * Files every position in the index and decides geofence transitions, once per located event; one per task.
 *
 * <p><b>Per event.</b> An event without a location costs one null check. With one: the device (a cached object,
 * else its entry and index entry from the write-behind stores), the event time compared with the device's (older: not
 * applied, counted), the S2 cell, the index entry written (moved when the cell changed), the fences near the position
 * from the R-tree, and the device's entry only when its cell or fences changed. All writes are pending objects until
 * the commit. No Kafka write unless a transition happens.
 *
 * <p><b>Per commit.</b> Each device written since the last commit costs one index entry (and one device entry if its
 * cell or fences changed), however often it moved: a device that leaves a cell it entered since the last write-out
 * drops that cell's pending entry ({@link WriteBehindKeyValueStore#discard}) instead of writing the entry and then
 * its tombstone; only the cell written out before gets a tombstone. So a device hopping through ten cells between
 * two commits writes one entry and one tombstone, not ten of each with their changelog records.
 *
 * <p><b>Transitions.</b> Per device and fence: outside → (inside for the fence's dwell time) → entered → (outside,
 * beyond its hysteresis distance, for its dwell time) → outside. Each enter and exit is forwarded to
 * {@code spectra.geofence.transitions} in the same transaction as the state that records it, so under exactly-once a
 * crash either keeps both or neither, and the replay decides the same transition again exactly once. A fence deleted
 * (or changed so that the device is no longer near it) lets its members go: the task finds them through
 * {@code spatial-fence-members} when it sees the change (every {@code fence.check.interval}, and at each located
 * event), and writes their exits at each device's newest position time. A device's transitions are written in
 * event-time order: those a fence change causes first, at its previous position's time, then those of its new position.
 */
final class SpatialProcessor implements Processor<String, DeviceEvent, String, GeofenceTransition> {
    private final SpatialSettings settings;
    private final FenceIndex fences;
    private final Counter updated;
    private final Counter late;
    private final Map<String, Counter> transitions = new HashMap<>();
    private final Map<String, Tracked> recent;

    private ProcessorContext<String, GeofenceTransition> context;
    private KeyValueStore<String, DeviceEntry> devices;
    private KeyValueStore<Bytes, IndexedPosition> index;
    /** The write-behind layer of {@link #index}, to drop entries never written out; null: none (every move tombstones). */
    private WriteBehindKeyValueStore<Bytes, IndexedPosition> indexBehind;
    private KeyValueStore<Bytes, FenceMember> members;
    /** The fence snapshot this task has reconciled its members with; -1: not yet (after start, every member is checked). */
    private long reconciled;

    SpatialProcessor(SpatialSettings settings, FenceIndex fences, MeterRegistry meters) {
        this.settings = settings;
        this.fences = fences;
        this.updated = counter(meters, SpatialMeters.POSITIONS_UPDATED);
        this.late = counter(meters, SpatialMeters.POSITIONS_LATE);
        for (String transition : List.of(GeofenceTransition.ENTER, GeofenceTransition.EXIT)) {
            for (String cause : List.of(GeofenceTransition.CAUSE_POSITION, GeofenceTransition.CAUSE_FENCE_DELETED,
                    GeofenceTransition.CAUSE_FENCE_CHANGED)) {
                transitions.put(transition + "/" + cause, transitionCounter(meters, transition, cause));
            }
        }
        int capacity = settings.cacheMaxDevices();
        this.recent = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Tracked> eldest) {
                return size() > capacity;
            }
        };
    }

    static Counter counter(MeterRegistry meters, SpatialMeters meter) {
        return Counter.builder(meter.meterName()).description(meter.description()).register(meters);
    }

    static Counter transitionCounter(MeterRegistry meters, String transition, String cause) {
        return Counter.builder(SpatialMeters.TRANSITIONS.meterName()).description(SpatialMeters.TRANSITIONS.description())
                .tag(SpatialMeters.TRANSITION_TAG, transition).tag(SpatialMeters.CAUSE_TAG, cause).register(meters);
    }

    @Override
    public void init(ProcessorContext<String, GeofenceTransition> context) {
        this.context = context;
        this.devices = context.getStateStore(SpatialTopology.DEVICES_STORE.name());
        this.index = context.getStateStore(SpatialTopology.INDEX_STORE.name());
        this.indexBehind = writeBehindOf(index);
        this.members = context.getStateStore(SpatialTopology.MEMBERS_STORE.name());
        this.reconciled = -1;
        recent.clear();
        context.schedule(settings.fenceCheckInterval(), PunctuationType.WALL_CLOCK_TIME, now -> reconcile(fences.current()));
    }

    @Override
    public void process(Record<String, DeviceEvent> record) {
        DeviceEvent event = record.value();
        if (event == null || event.location() == null) {
            return;
        }
        FenceIndex.Snapshot snapshot = fences.current();
        if (snapshot.sequence() != reconciled) {
            reconcile(snapshot);
        }
        String deviceId = event.deviceId();
        long t = event.ts().toEpochMilli();
        GeoPoint at = event.location();
        long writeOuts = indexBehind == null ? 0 : indexBehind.writeOuts();
        Tracked tracked = device(deviceId);
        DevicePosition previous = tracked == null ? null : tracked.position();
        if (previous != null && t < previous.ts()) {
            late.increment();
            return;
        }
        long cell = CellKeys.cellOf(at.lat(), at.lon());
        // Entered memberships are at the snapshot's fence versions: reconcile() applied every change before this event.
        List<FenceMembership> memberships = previous == null ? List.of() : previous.memberships();
        List<GeofenceTransition> out = null;
        if (snapshot.size() > 0 || !memberships.isEmpty()) {
            out = new ArrayList<>(0);
            memberships = applyPosition(deviceId, memberships, snapshot, at.lat(), at.lon(), t, out);
        }
        DevicePosition next = new DevicePosition(at.lat(), at.lon(), t, cell, memberships);
        // The one cell whose index entry may be in the store below (written out), or UNKNOWN_CELL: any may be.
        long cellBelow = tracked == null ? UNKNOWN_CELL
                : tracked.writeOuts() != writeOuts ? previous.cell() : tracked.cellBelow();
        // The device's index key, built once per cell it enters (its old key is its own, hash code cached).
        Bytes key;
        if (previous == null) {
            key = CellKeys.indexKey(cell, deviceId);
        } else if (previous.cell() == cell) {
            key = tracked.key();
        } else {
            Bytes left = tracked.key();
            if (indexBehind != null && cellBelow != UNKNOWN_CELL && previous.cell() != cellBelow) {
                indexBehind.discard(left); // entered since the last write-out: never written, nothing to delete
            } else {
                index.put(left, null); // a delete that does not read the old value
            }
            key = CellKeys.movedKey(cell, left);
        }
        index.put(key, new IndexedPosition(at.lat(), at.lon(), t, event.tenant(), event.attributes()));
        store(deviceId, previous, new Tracked(next, key, cellBelow, writeOuts));
        updated.increment();
        if (out != null) {
            out.forEach(this::emit);
        }
    }

    /**
     * A device's position and what the processor knows of its index entries in the store below.
     *
     * @param key       the device's index key at its position's cell
     * @param cellBelow the only cell whose index entry for the device may have been written out to the store below,
     *                  or {@link #UNKNOWN_CELL}: any may have been (a device read back from the stores)
     * @param writeOuts the index store's {@link WriteBehindKeyValueStore#writeOuts()} when {@code cellBelow} was
     *                  decided: once it moved, everything the device wrote is below, at its position's cell
     */
    private record Tracked(DevicePosition position, Bytes key, long cellBelow, long writeOuts) {
    }

    /** Not a cell id (S2 ids are never 0). */
    private static final long UNKNOWN_CELL = 0;

    /** The write-behind layer under the stores Kafka Streams hands a processor (decorators are unwrapped), or null. */
    @SuppressWarnings("unchecked")
    static <K, V> WriteBehindKeyValueStore<K, V> writeBehindOf(StateStore store) {
        StateStore layer = store;
        while (layer != null) {
            if (layer instanceof WriteBehindKeyValueStore<?, ?> behind) {
                return (WriteBehindKeyValueStore<K, V>) behind;
            }
            layer = layer instanceof WrappedStateStore<?, ?, ?> wrapped ? wrapped.wrapped() : null;
        }
        return null;
    }

    private Tracked device(String deviceId) {
        Tracked cached = recent.get(deviceId);
        if (cached != null) {
            return cached;
        }
        DeviceEntry entry = devices.get(deviceId);
        if (entry == null) {
            return null;
        }
        Bytes key = CellKeys.indexKey(entry.cell(), deviceId);
        IndexedPosition position = index.get(key);
        if (position == null) {
            return null; // erased from the index: the device starts over
        }
        // Read back: its entry may be pending or below, and so may older ones' tombstones: assume nothing.
        Tracked stored = new Tracked(DevicePosition.of(entry, position), key, UNKNOWN_CELL,
                indexBehind == null ? 0 : indexBehind.writeOuts());
        if (settings.cacheMaxDevices() > 0) {
            recent.put(deviceId, stored);
        }
        return stored;
    }

    /** Writes the device's entry when its cell or memberships changed (its position is in the index). */
    private void store(String deviceId, DevicePosition previous, Tracked next) {
        DevicePosition now = next.position();
        if (previous == null || previous.cell() != now.cell() || !previous.memberships().equals(now.memberships())) {
            devices.put(deviceId, now.entry());
        }
        if (settings.cacheMaxDevices() > 0) {
            recent.put(deviceId, next);
        }
    }

    /**
     * Applies fence deletions and changes to a device's memberships as of its previous position: a member of a fence
     * that is gone exits; a member of a fence that changed stays if its position is near the new area, else exits;
     * an enter waiting out a dwell time starts over. Returns the memberships now, sorted by fence id.
     */
    private List<FenceMembership> applyFenceChanges(String deviceId, DevicePosition previous, FenceIndex.Snapshot snapshot,
                                                    List<GeofenceTransition> out) {
        List<FenceMembership> kept = null;
        List<FenceMembership> current = previous.memberships();
        for (int i = 0; i < current.size(); i++) {
            FenceMembership membership = current.get(i);
            FenceIndex.Entry fence = snapshot.get(membership.fenceId());
            FenceMembership now = membership;
            if (fence == null) {
                if (membership.status().entered()) {
                    exit(deviceId, membership.fenceId(), previous.ts(), previous.lat(), previous.lon(),
                            GeofenceTransition.CAUSE_FENCE_DELETED, out);
                }
                now = null;
            } else if (fence.fence().version() != membership.fenceVersion()) {
                if (!membership.status().entered()) {
                    now = null;
                } else if (fence.near(previous.lat(), previous.lon())) {
                    now = new FenceMembership(membership.fenceId(), fence.fence().version(), FenceMembership.Status.INSIDE,
                            membership.enteredAt(), membership.enteredAt());
                    members.put(MemberKeys.of(membership.fenceId(), deviceId),
                            new FenceMember(membership.enteredAt(), fence.fence().version()));
                } else {
                    exit(deviceId, membership.fenceId(), previous.ts(), previous.lat(), previous.lon(),
                            GeofenceTransition.CAUSE_FENCE_CHANGED, out);
                    now = null;
                }
            }
            if (now != membership && kept == null) {
                kept = new ArrayList<>(current.subList(0, i));
            }
            if (kept != null && now != null) {
                kept.add(now);
            }
        }
        return kept == null ? current : kept;
    }

    /**
     * Decides the device's memberships at a new position; appends the transitions, exits before enters, each sorted by
     * fence id. Every entered membership is at its fence's current version (reconciled); an enter still waiting out a
     * dwell time under an older version of its fence starts over.
     */
    private List<FenceMembership> applyPosition(String deviceId, List<FenceMembership> current, FenceIndex.Snapshot snapshot,
                                                double lat, double lon, long t, List<GeofenceTransition> out) {
        List<FenceIndex.Entry> candidates = new ArrayList<>(4);
        snapshot.candidates(lat, lon, candidates::add);
        if (candidates.isEmpty() && current.isEmpty()) {
            return List.of();
        }
        Point point = GeoJson.FACTORY.createPoint(new Coordinate(lon, lat));
        List<FenceMembership> next = new ArrayList<>(current.size() + 1);
        List<GeofenceTransition> exits = new ArrayList<>(0);
        List<GeofenceTransition> enters = new ArrayList<>(0);
        boolean[] decided = new boolean[current.size()];
        for (FenceIndex.Entry fence : candidates) {
            String id = fence.fence().id();
            long version = fence.fence().version();
            FenceMembership membership = null;
            for (int i = 0; i < current.size(); i++) {
                if (!decided[i] && current.get(i).fenceId().equals(id)) {
                    membership = current.get(i);
                    decided[i] = true;
                    break;
                }
            }
            boolean inside = fence.covers(point);
            long dwell = fence.fence().dwellMs();
            if (membership != null && membership.status() == FenceMembership.Status.ENTERING
                    && membership.fenceVersion() != version) {
                membership = null; // the fence changed while the device waited to enter: it waits again
            }
            if (membership == null || membership.status() == FenceMembership.Status.ENTERING) {
                if (!inside) {
                    continue;
                }
                long since = membership == null ? t : membership.since();
                if (t - since >= dwell) {
                    next.add(new FenceMembership(id, version, FenceMembership.Status.INSIDE, t, t));
                    members.put(MemberKeys.of(id, deviceId), new FenceMember(t, version));
                    enters.add(transition(deviceId, id, GeofenceTransition.ENTER, t, lat, lon,
                            GeofenceTransition.CAUSE_POSITION));
                } else {
                    next.add(new FenceMembership(id, version, FenceMembership.Status.ENTERING, since, 0));
                }
            } else if (inside || fence.near(point, lat, lon)) {
                next.add(membership.status() == FenceMembership.Status.INSIDE && membership.fenceVersion() == version
                        ? membership : new FenceMembership(id, version, FenceMembership.Status.INSIDE, membership.enteredAt(),
                        membership.enteredAt()));
            } else {
                outside(deviceId, membership, dwell, lat, lon, t, next, exits);
            }
        }
        // Members of fences whose reach does not hold the position: outside, beyond any hysteresis band.
        for (int i = 0; i < current.size(); i++) {
            FenceMembership membership = current.get(i);
            if (!decided[i] && membership.status().entered()) {
                FenceIndex.Entry fence = snapshot.get(membership.fenceId());
                outside(deviceId, membership, fence == null ? 0 : fence.fence().dwellMs(), lat, lon, t, next, exits);
            }
        }
        if (exits.size() > 1) {
            exits.sort(Comparator.comparing(GeofenceTransition::fenceId));
        }
        if (enters.size() > 1) {
            enters.sort(Comparator.comparing(GeofenceTransition::fenceId));
        }
        out.addAll(exits);
        out.addAll(enters);
        if (next.isEmpty()) {
            return List.of();
        }
        if (next.size() > 1) {
            next.sort(Comparator.comparing(FenceMembership::fenceId));
        }
        return next.equals(current) ? current : List.copyOf(next);
    }

    private void outside(String deviceId, FenceMembership membership, long dwell, double lat, double lon, long t,
                         List<FenceMembership> next, List<GeofenceTransition> exits) {
        long since = membership.status() == FenceMembership.Status.EXITING ? membership.since() : t;
        if (t - since >= dwell) {
            exit(deviceId, membership.fenceId(), t, lat, lon, GeofenceTransition.CAUSE_POSITION, exits);
        } else {
            next.add(new FenceMembership(membership.fenceId(), membership.fenceVersion(), FenceMembership.Status.EXITING,
                    since, membership.enteredAt()));
        }
    }

    private void exit(String deviceId, String fenceId, long t, double lat, double lon, String cause,
                      List<GeofenceTransition> out) {
        members.put(MemberKeys.of(fenceId, deviceId), null);
        out.add(transition(deviceId, fenceId, GeofenceTransition.EXIT, t, lat, lon, cause));
    }

    private static GeofenceTransition transition(String deviceId, String fenceId, String kind, long t, double lat,
                                                 double lon, String cause) {
        return new GeofenceTransition(deviceId, fenceId, kind, Instant.ofEpochMilli(t), lat, lon, cause);
    }

    private void emit(GeofenceTransition transition) {
        transitions.get(transition.transition() + "/" + transition.cause()).increment();
        context.forward(new Record<>(transition.deviceId(), transition, transition.ts().toEpochMilli()));
    }

    /**
     * Lets members of fences deleted or changed since the last reconciled snapshot go (or, after a start, checks every
     * member of this task's partition against the fences).
     */
    private void reconcile(FenceIndex.Snapshot snapshot) {
        if (snapshot.sequence() == reconciled) {
            return;
        }
        Set<String> changed = reconciled < 0 ? null : fences.changedBetween(reconciled, snapshot.sequence());
        TreeSet<String> affected = new TreeSet<>();
        if (changed == null) {
            try (KeyValueIterator<Bytes, FenceMember> all = members.all()) {
                while (all.hasNext()) {
                    KeyValue<Bytes, FenceMember> entry = all.next();
                    MemberKeys.MemberKey key = MemberKeys.decode(entry.key);
                    FenceIndex.Entry fence = snapshot.get(key.fenceId());
                    if (fence == null || fence.fence().version() != entry.value.fenceVersion()) {
                        affected.add(key.deviceId());
                    }
                }
            }
        } else {
            for (String fenceId : new TreeSet<>(changed)) {
                try (KeyValueIterator<Bytes, FenceMember> inside = members.range(MemberKeys.fencePrefix(fenceId),
                        MemberKeys.fenceRangeEnd(fenceId))) {
                    while (inside.hasNext()) {
                        affected.add(MemberKeys.decode(inside.next().key).deviceId());
                    }
                }
            }
        }
        for (String deviceId : affected) {
            Tracked tracked = device(deviceId);
            if (tracked == null) {
                continue;
            }
            DevicePosition device = tracked.position();
            List<GeofenceTransition> out = new ArrayList<>(0);
            List<FenceMembership> memberships = applyFenceChanges(deviceId, device, snapshot, out);
            if (memberships != device.memberships()) {
                store(deviceId, device, new Tracked(new DevicePosition(device.lat(), device.lon(), device.ts(), device.cell(),
                        memberships), tracked.key(), tracked.cellBelow(), tracked.writeOuts()));
            }
            out.forEach(this::emit);
        }
        reconciled = snapshot.sequence();
    }
}
