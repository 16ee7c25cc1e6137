package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.geom.util.AffineTransformation;
import org.locationtech.jts.index.strtree.STRtree;
import org.apache.kafka.streams.query.Position;

/**
 * Every geofence this instance knows, for the position updates of its stream tasks: an R-tree (JTS {@link STRtree})
 * over the fences' extents, so a position is checked against the few fences near it, never against all of them, and
 * each fence prepared for fast point-in-area tests. Fed by the global processor of {@code spectra.geofences}; read by
 * every stream task of the instance and by the fence catalog queries.
 *
 * <p>Readers get an immutable {@link Snapshot}. A change marks the index stale; the next reader at least
 * {@link #MIN_REBUILD_INTERVAL_MS} after the last build rebuilds the tree (a few milliseconds for 10,000 fences), so
 * a burst of fence writes costs one rebuild, not one each. Changes are numbered: a task asks which fences changed
 * between the snapshot it last reconciled and the current one ({@link #changedBetween}), to find the devices a
 * deleted or changed fence lets go.
 *
 * <p>Thread-safe: written by the global stream thread, read by every stream thread and query thread.
 */
public final class FenceIndex {
    /** Least time between two rebuilds of the tree while fences keep changing. */
    static final long MIN_REBUILD_INTERVAL_MS = 50;
    /** Changes remembered for {@link #changedBetween}; a task further behind reconciles every member instead. */
    static final int JOURNAL = 100_000;
    /** Metres per degree of latitude on the sphere of {@link Spherical#EARTH_RADIUS_M}. */
    static final double METRES_PER_DEGREE = Spherical.EARTH_RADIUS_M * Math.PI / 180;

    private record Change(long sequence, String fenceId) {
    }

    private final long minRebuildIntervalMs;
    private final Map<String, Entry> fences = new HashMap<>();
    private final ArrayDeque<Change> journal = new ArrayDeque<>();
    private final Position position = Position.emptyPosition();
    private long sequence;
    private volatile Snapshot snapshot = new Snapshot(0, new TreeMap<>(), null);
    private long builtAtMs;
    /** The sequence of the latest change, read without the lock on the hot path. */
    private volatile long published;

    /** An index that rebuilds at most every {@value #MIN_REBUILD_INTERVAL_MS} ms while fences keep changing. */
    public FenceIndex() {
        this(MIN_REBUILD_INTERVAL_MS);
    }

    /** An index that rebuilds at most every {@code minRebuildIntervalMs} (0: on the first read after each change). */
    FenceIndex(long minRebuildIntervalMs) {
        this.minRebuildIntervalMs = minRebuildIntervalMs;
    }

    /** Adds or replaces a fence. */
    public synchronized void put(Geofence fence) {
        Entry previous = fences.get(fence.id());
        if (previous != null && previous.fence().version() == fence.version()) {
            return;
        }
        fences.put(fence.id(), new Entry(fence));
        record(fence.id());
    }

    /** Removes a fence; removing an unknown one does nothing. */
    public synchronized void remove(String fenceId) {
        if (fences.remove(fenceId) != null) {
            record(fenceId);
        }
    }

    /** Makes the index hold exactly these fences (after a restore), recording what changed. */
    public synchronized void replaceAll(Collection<Geofence> current) {
        Map<String, Geofence> byId = new HashMap<>();
        current.forEach(fence -> byId.put(fence.id(), fence));
        for (String id : new HashSet<>(fences.keySet())) {
            if (!byId.containsKey(id)) {
                remove(id);
            }
        }
        byId.values().forEach(this::put);
    }

    /** How many fences there are now (changes not yet in a snapshot included). */
    public synchronized int size() {
        return fences.size();
    }

    /** Notes that the record at this offset of the fences topic is applied (for read-your-writes of fence writes). */
    public void applied(String topic, int partition, long offset) {
        synchronized (position) {
            position.withComponent(topic, partition, offset);
        }
    }

    /** The offsets of the fences topic applied so far. */
    public Position position() {
        synchronized (position) {
            return position.copy();
        }
    }

    private void record(String fenceId) {
        sequence++;
        published = sequence;
        journal.addLast(new Change(sequence, fenceId));
        if (journal.size() > JOURNAL) {
            journal.removeFirst();
        }
    }

    /** The current fences; rebuilt first when they changed (at most every {@value #MIN_REBUILD_INTERVAL_MS} ms). */
    public Snapshot current() {
        Snapshot current = snapshot;
        if (current.sequence() == published) {
            return current;
        }
        synchronized (this) {
            long now = System.currentTimeMillis();
            if (snapshot.sequence() != sequence && (now - builtAtMs >= minRebuildIntervalMs || snapshot.sequence() == 0)) {
                snapshot = build();
                builtAtMs = now;
            }
            return snapshot;
        }
    }

    /** The current fences, rebuilt now if anything changed (tests, and a task's first full reconcile). */
    public synchronized Snapshot rebuilt() {
        if (snapshot.sequence() != sequence) {
            snapshot = build();
            builtAtMs = System.currentTimeMillis();
        }
        return snapshot;
    }

    private Snapshot build() {
        TreeMap<String, Entry> byId = new TreeMap<>(fences);
        STRtree tree = null;
        if (!byId.isEmpty()) {
            tree = new STRtree();
            for (Entry entry : byId.values()) {
                for (Envelope reach : entry.reach()) {
                    tree.insert(reach, entry);
                }
            }
            tree.build();
        }
        return new Snapshot(sequence, byId, tree);
    }

    /**
     * The ids of the fences that changed (added, replaced, removed) after snapshot {@code after} up to snapshot
     * {@code upTo}, or null when those changes are no longer all remembered.
     */
    public synchronized Set<String> changedBetween(long after, long upTo) {
        if (after >= upTo) {
            return Set.of();
        }
        if (journal.isEmpty() || journal.peekFirst().sequence() > after + 1) {
            return null;
        }
        Set<String> changed = new HashSet<>();
        for (Change change : journal) {
            if (change.sequence() > after && change.sequence() <= upTo) {
                changed.add(change.fenceId());
            }
        }
        return changed;
    }

    /** The fences at one moment: immutable, safe to share between threads. */
    public static final class Snapshot {
        private final long sequence;
        private final NavigableMap<String, Entry> byId;
        private final STRtree tree;
        private final int size;

        Snapshot(long sequence, NavigableMap<String, Entry> byId, STRtree tree) {
            this.sequence = sequence;
            this.size = byId.size();
            this.byId = Collections.unmodifiableNavigableMap(byId);
            this.tree = tree;
        }

        /** Numbers the snapshots: a larger number holds every change of a smaller one. */
        public long sequence() {
            return sequence;
        }

        /** How many fences there are. */
        public int size() {
            return size;
        }

        /** One fence, or null. */
        public Entry get(String fenceId) {
            return byId.get(fenceId);
        }

        /** Every fence by id. */
        public NavigableMap<String, Entry> byId() {
            return byId;
        }

        /**
         * Every fence whose reach (its extent, widened by its hysteresis band) holds the position: the only ones the
         * position can be inside or near. From the R-tree; each fence once.
         */
        public void candidates(double lat, double lon, Consumer<Entry> each) {
            if (tree != null) {
                tree.query(new Envelope(lon, lon, lat, lat), item -> each.accept((Entry) item));
            }
        }
    }

    /** One fence, prepared for point tests. */
    public static final class Entry {
        private final Geofence fence;
        private final PreparedGeometry area;
        private final Envelope[] reach;
        private final AffineTransformation projection;
        private final PreparedGeometry band;

        Entry(Geofence fence) {
            this.fence = requireNonNull(fence, "fence");
            this.area = PreparedGeometryFactory.prepare(fence.geometry());
            Envelope extent = fence.geometry().getEnvelopeInternal();
            if (fence.hysteresisM() > 0) {
                // The band is measured in a local equirectangular projection at the fence's middle latitude: metres
                // east are degrees of longitude times cos(latitude). Exact enough for the metres a border jitters by.
                double lat0 = (extent.getMinY() + extent.getMaxY()) / 2;
                double cos = Math.max(1e-6, Math.cos(Math.toRadians(lat0)));
                this.projection = AffineTransformation.scaleInstance(cos * METRES_PER_DEGREE, METRES_PER_DEGREE);
                Geometry projected = projection.transform(fence.geometry());
                this.band = PreparedGeometryFactory.prepare(projected.buffer(fence.hysteresisM()));
                Envelope bandExtent = band.getGeometry().getEnvelopeInternal();
                this.reach = reachOf(new Envelope(bandExtent.getMinX() / (cos * METRES_PER_DEGREE),
                        bandExtent.getMaxX() / (cos * METRES_PER_DEGREE), bandExtent.getMinY() / METRES_PER_DEGREE,
                        bandExtent.getMaxY() / METRES_PER_DEGREE));
            } else {
                this.projection = null;
                this.band = null;
                this.reach = new Envelope[] {extent};
            }
        }

        /** A widened extent past ±180° is split into its parts on either side. */
        private static Envelope[] reachOf(Envelope e) {
            double minY = Math.max(-90, e.getMinY());
            double maxY = Math.min(90, e.getMaxY());
            if (e.getMinX() >= -180 && e.getMaxX() <= 180) {
                return new Envelope[] {new Envelope(e.getMinX(), e.getMaxX(), minY, maxY)};
            }
            // Points are never beyond ±180: keep the in-range part (the band does not reach across the antimeridian).
            return new Envelope[] {new Envelope(Math.max(-180, e.getMinX()), Math.min(180, e.getMaxX()), minY, maxY)};
        }

        public Geofence fence() {
            return fence;
        }

        Envelope[] reach() {
            return reach;
        }

        /** Whether the position is in the fence's area, its border and holes' borders included. */
        public boolean covers(double lat, double lon) {
            return covers(point(lon, lat));
        }

        /** As {@link #covers(double, double)}, for a point (x = longitude, y = latitude) the caller made once. */
        public boolean covers(Point point) {
            return area.covers(point);
        }

        /** Whether the position is in the area or within the hysteresis distance of it. */
        public boolean near(double lat, double lon) {
            return near(point(lon, lat), lat, lon);
        }

        /** As {@link #near(double, double)}, for the position's point made once. */
        boolean near(Point point, double lat, double lon) {
            if (covers(point)) {
                return true;
            }
            if (band == null) {
                return false;
            }
            Coordinate projected = projection.transform(new Coordinate(lon, lat), new Coordinate());
            return band.covers(GeoJson.FACTORY.createPoint(projected));
        }

        private static Point point(double lon, double lat) {
            return GeoJson.FACTORY.createPoint(new Coordinate(lon, lat));
        }
    }
}
