package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Predicate;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;

/**
 * Radius, box, polygon and nearest searches over the position index of one or more partitions: the region is covered
 * by S2 cells ({@link CellKeys}), their key ranges are read, and every candidate is decided exactly (haversine
 * distance, the box test, JTS containment), so the answers are exactly those of a scan of every position.
 *
 * <pre>{@code
 * List<Hit> near = SpatialSearch.radius(partitions, 52.52, 13.405, 1_000, hit -> true, 100, CellKeys.DEFAULT_MAX_CELLS);
 * }</pre>
 *
 * <p>Orders are total, so answers merged from several instances are the same whatever the split: radius and nearest by
 * distance, then device id; box and polygon by device id.
 */
public final class SpatialSearch {
    /** Distance first, then device id. */
    public static final Comparator<Hit> BY_DISTANCE = Comparator.comparingDouble(Hit::distanceM).thenComparing(Hit::deviceId);
    /** Device id. */
    public static final Comparator<Hit> BY_DEVICE = Comparator.comparing(Hit::deviceId);
    /**
     * The radius a radius search starts with (or a 64th of its radius, if more): about a city block, which holds an
     * answer of 100 in the densest city centres, so a dense query reads a few hundred candidates, not thousands.
     */
    static final double FIRST_RADIUS_M = 200;
    /** The radius the nearest search starts with. */
    static final double FIRST_NEAREST_RADIUS_M = 125;
    /** The least a search radius grows by from one round to the next, so that the rounds are few whatever the density. */
    static final double MIN_GROWTH = 1.5;
    /** The most a search radius grows by from one round to the next (also the growth after a round that found nothing). */
    static final double MAX_GROWTH = 4;

    private SpatialSearch() {
    }

    /**
     * The partitions a search reads, asked once per round for every partition's hits: {@link #each} asks each
     * partition's {@link SpatialStores#search} in turn; the query service answers all its local partitions in one
     * Interactive Queries request.
     */
    @FunctionalInterface
    public interface Partitions {
        /**
         * The positions in these cell ranges that the test accepts, one list per partition in a fixed partition order
         * (a hit's {@link Hit#source} is the index of its list; the hits need not carry it yet).
         */
        List<List<Hit>> search(List<CellKeys.CellRange> ranges, HitTest test);

        /** Each of {@code partitions} in turn, in list order. */
        static Partitions each(List<? extends SpatialStores> partitions) {
            List<SpatialStores> copy = List.copyOf(partitions);
            return (ranges, test) -> {
                List<List<Hit>> all = new ArrayList<>(copy.size());
                for (SpatialStores partition : copy) {
                    all.add(partition.search(ranges, test));
                }
                return all;
            };
        }
    }

    /**
     * One device found.
     *
     * @param distanceM  metres from the query's centre (radius, nearest); 0 for box and polygon
     * @param tenant     the tenant of the event that carried the position, or null
     * @param attributes the attributes of that event
     * @param source     which of the searched partitions holds it (its index in the list searched)
     */
    public record Hit(String deviceId, double lat, double lon, long ts, double distanceM, String tenant,
                      Map<String, String> attributes, int source) {
        public Hit {
            requireNonNull(deviceId, "deviceId");
            requireNonNull(attributes, "attributes");
        }

        /** This hit, found in partition {@code index} of the searched list. */
        Hit from(int index) {
            return index == source ? this : new Hit(deviceId, lat, lon, ts, distanceM, tenant, attributes, index);
        }
    }

    /**
     * As {@link #radius(Partitions, double, double, double, Predicate, int, int)}, over each of {@code partitions} in turn.
     */
    public static List<Hit> radius(List<? extends SpatialStores> partitions, double lat, double lon, double radiusM,
                                   Predicate<Hit> admit, int limit, int maxCells) {
        return radius(Partitions.each(partitions), lat, lon, radiusM, admit, limit, maxCells);
    }

    /**
     * Every device within {@code radiusM} of a centre that {@code admit} accepts, nearest first, at most {@code limit}.
     * Reads outwards in rounds (from a 64th of the radius, at least {@value #FIRST_RADIUS_M} m, each next radius sized
     * by the density the last one found: {@link #nextRadius}), stopping at the first whose radius holds {@code limit}
     * admitted devices: those are the nearest of the whole radius (no device beyond a round's radius is nearer than one
     * inside it), so a radius over a dense city reads only as far as its answer needs (a few hundred candidates for
     * 100 devices, instead of every device within the radius); in a sparse area the rounds reread about a third more
     * than one read of the whole radius.
     */
    public static List<Hit> radius(Partitions partitions, double lat, double lon, double radiusM,
                                   Predicate<Hit> admit, int limit, int maxCells) {
        double r = Math.min(radiusM, Math.max(radiusM / 64, FIRST_RADIUS_M));
        while (true) {
            double within = r;
            List<Hit> hits = scan(partitions, CellKeys.radius(lat, lon, within, maxCells), (pLat, pLon) -> {
                double d = Spherical.distanceM(lat, lon, pLat, pLon);
                return d <= within ? d : Double.NaN;
            }, admit);
            if (hits.size() >= limit || within >= radiusM) {
                return top(hits, BY_DISTANCE, limit);
            }
            r = Math.min(radiusM, nextRadius(r, hits.size(), limit));
        }
    }

    /**
     * The radius of the next round of an outward search: one expected to hold {@code wanted} devices at the density the
     * last round saw ({@code found} within {@code r}; the count grows with the area, the square of the radius), with a
     * quarter of margin, growing at least {@value #MIN_GROWTH} and at most {@value #MAX_GROWTH} times (the most when
     * the last round found nothing). Only the cost depends on it: a round ends the search only when its radius holds
     * the answer, whatever radius it read.
     */
    static double nextRadius(double r, int found, int wanted) {
        double growth = found <= 0 ? MAX_GROWTH
                : Math.max(MIN_GROWTH, Math.min(MAX_GROWTH, 1.25 * Math.sqrt((double) wanted / found)));
        return r * growth;
    }

    /**
     * As {@link #box(Partitions, double, double, double, double, Predicate, int, int)}, over each of {@code partitions} in turn.
     */
    public static List<Hit> box(List<? extends SpatialStores> partitions, double minLat, double minLon, double maxLat, double maxLon,
                                Predicate<Hit> admit, int limit, int maxCells) {
        return box(Partitions.each(partitions), minLat, minLon, maxLat, maxLon, admit, limit, maxCells);
    }

    /** Every device in a box ({@link Spherical#boxContains}) that {@code admit} accepts, by device id, at most {@code limit}. */
    public static List<Hit> box(Partitions partitions, double minLat, double minLon, double maxLat, double maxLon,
                                Predicate<Hit> admit, int limit, int maxCells) {
        List<Hit> hits = scan(partitions, CellKeys.box(minLat, minLon, maxLat, maxLon, maxCells),
                (pLat, pLon) -> Spherical.boxContains(minLat, minLon, maxLat, maxLon, pLat, pLon) ? 0 : Double.NaN, admit);
        return top(hits, BY_DEVICE, limit);
    }

    /**
     * As {@link #within(Partitions, Geometry, Predicate, int, int)}, over each of {@code partitions} in turn.
     */
    public static List<Hit> within(List<? extends SpatialStores> partitions, Geometry area, Predicate<Hit> admit, int limit,
                                   int maxCells) {
        return within(Partitions.each(partitions), area, admit, limit, maxCells);
    }

    /**
     * Every device in a polygonal area (borders included: JTS {@code covers}) that {@code admit} accepts, by device
     * id, at most {@code limit}. Each part of a MultiPolygon is covered by its own cells.
     */
    public static List<Hit> within(Partitions partitions, Geometry area, Predicate<Hit> admit, int limit,
                                   int maxCells) {
        PreparedGeometry prepared = PreparedGeometryFactory.prepare(area);
        List<double[]> boxes = new ArrayList<>();
        for (int i = 0; i < area.getNumGeometries(); i++) {
            Envelope e = area.getGeometryN(i).getEnvelopeInternal();
            boxes.add(new double[] {e.getMinY(), e.getMinX(), e.getMaxY(), e.getMaxX()});
        }
        List<Hit> hits = scan(partitions, CellKeys.boxes(boxes, maxCells), (pLat, pLon) ->
                prepared.covers(GeoJson.FACTORY.createPoint(new Coordinate(pLon, pLat))) ? 0 : Double.NaN, admit);
        return top(hits, BY_DEVICE, limit);
    }

    /**
     * As {@link #nearest(Partitions, double, double, int, Predicate, int)}, over each of {@code partitions} in turn.
     */
    public static List<Hit> nearest(List<? extends SpatialStores> partitions, double lat, double lon, int k, Predicate<Hit> admit,
                                    int maxCells) {
        return nearest(Partitions.each(partitions), lat, lon, k, admit, maxCells);
    }

    /**
     * The {@code k} devices nearest a point that {@code admit} accepts, nearest first (fewer when fewer are admitted):
     * exact, since a round ends only when the radius it read holds at least {@code k} of them, and no device outside
     * that radius can be nearer than one inside it. Starts at {@value #FIRST_NEAREST_RADIUS_M} m and grows by
     * {@link #nextRadius}.
     */
    public static List<Hit> nearest(Partitions partitions, double lat, double lon, int k, Predicate<Hit> admit,
                                    int maxCells) {
        double radius = FIRST_NEAREST_RADIUS_M;
        while (true) {
            double r = Math.min(radius, Spherical.MAX_DISTANCE_M);
            List<Hit> hits = scan(partitions, CellKeys.radius(lat, lon, r, maxCells), (pLat, pLon) -> {
                double d = Spherical.distanceM(lat, lon, pLat, pLon);
                return d <= r ? d : Double.NaN;
            }, admit);
            if (hits.size() >= k || r >= Spherical.MAX_DISTANCE_M) {
                return top(hits, BY_DISTANCE, k);
            }
            radius = nextRadius(r, hits.size(), k);
        }
    }

    private static List<Hit> scan(Partitions partitions, List<CellKeys.CellRange> ranges, HitTest test,
                                  Predicate<Hit> admit) {
        List<Hit> hits = new ArrayList<>();
        List<List<Hit>> found = partitions.search(ranges, test);
        for (int source = 0; source < found.size(); source++) {
            for (Hit hit : found.get(source)) {
                Hit tagged = hit.from(source);
                if (admit.test(tagged)) {
                    hits.add(tagged);
                }
            }
        }
        return hits;
    }

    /**
     * The first {@code limit} hits in {@code order} (a total order: ties end at the device id). Many more hits than
     * asked (a wide radius in a city) go through a bounded heap, n log(limit), instead of a sort of them all.
     */
    static List<Hit> top(List<Hit> hits, Comparator<Hit> order, int limit) {
        if (hits.size() <= 4L * limit) {
            hits.sort(order);
            return hits.size() <= limit ? hits : new ArrayList<>(hits.subList(0, limit));
        }
        PriorityQueue<Hit> kept = new PriorityQueue<>(limit + 1, order.reversed()); // the worst kept on top
        for (Hit hit : hits) {
            if (kept.size() < limit) {
                kept.add(hit);
            } else if (order.compare(hit, kept.peek()) < 0) {
                kept.poll();
                kept.add(hit);
            }
        }
        List<Hit> first = new ArrayList<>(kept);
        first.sort(order);
        return first;
    }
}
