package io.spectracache.spatial;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;

/**
 * Radius, box, polygon and nearest searches through the cell index answer exactly what a scan of every point answers,
 * for random points and queries that include the antimeridian, the poles, tiny and continental sizes, holes, and
 * MultiPolygons split at ±180°. Points spread over two partitions, as instances hold them.
 */
class SpatialSearchPropertiesTest {
    /** A point: where and its device's number. */
    record P(double lat, double lon) {
    }

    @Provide
    Arbitrary<P> points() {
        Arbitrary<Double> anyLat = Arbitraries.doubles().ofScale(7).between(-1, 1).map(s -> Math.toDegrees(Math.asin(s)));
        Arbitrary<Double> anyLon = Arbitraries.doubles().ofScale(7).between(-180, 180);
        Arbitrary<P> uniform = Combinators.combine(anyLat, anyLon).as(P::new);
        Arbitrary<P> antimeridian = Combinators.combine(Arbitraries.doubles().ofScale(7).between(-60, 60),
                Arbitraries.doubles().ofScale(7).between(-0.5, 0.5)).as((lat, d) -> new P(lat, d < 0 ? -180 - d : 180 - d));
        Arbitrary<P> poles = Combinators.combine(Arbitraries.doubles().ofScale(7).between(0, 1.0), anyLon, Arbitraries.of(-1, 1))
                .as((d, lon, sign) -> new P(sign * (90 - d), lon));
        Arbitrary<P> edges = Combinators.combine(Arbitraries.of(-90.0, 90.0, 0.0, 45.0), Arbitraries.of(-180.0, 180.0, 0.0))
                .as(P::new);
        Arbitrary<P> cluster = Combinators.combine(Arbitraries.doubles().ofScale(7).between(52.4, 52.6),
                Arbitraries.doubles().ofScale(7).between(13.3, 13.5)).as(P::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, uniform), net.jqwik.api.Tuple.of(3, antimeridian), net.jqwik.api.Tuple.of(2, poles),
                net.jqwik.api.Tuple.of(1, edges), net.jqwik.api.Tuple.of(3, cluster));
    }

    @Provide
    Arbitrary<List<P>> fleets() {
        return points().list().ofMinSize(0).ofMaxSize(300);
    }

    @Provide
    Arbitrary<Double> radii() {
        return Arbitraries.doubles().ofScale(7).between(0, 7.4).map(e -> Math.pow(10, e)); // 1 m to 25,000 km
    }

    private static List<SpatialStores> partitioned(List<P> points) {
        MemoryStores a = new MemoryStores();
        MemoryStores b = new MemoryStores();
        for (int i = 0; i < points.size(); i++) {
            (i % 2 == 0 ? a : b).put(device(i), points.get(i).lat(), points.get(i).lon(), 1_000L + i);
        }
        return List.of(a, b);
    }

    private static String device(int i) {
        return "dev-" + i;
    }

    /** Every device in the same order as the search, by brute force. */
    private static List<String> brute(List<P> points, Predicate<P> inside, Comparator<Integer> order, int limit) {
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            if (inside.test(points.get(i))) {
                found.add(i);
            }
        }
        found.sort(order);
        return found.stream().limit(limit).map(SpatialSearchPropertiesTest::device).toList();
    }

    private static List<String> ids(List<SpatialSearch.Hit> hits) {
        return hits.stream().map(SpatialSearch.Hit::deviceId).toList();
    }

    /** The point {@code metres} from a start along a bearing (degrees from north), on the sphere. */
    static P destination(P start, double bearing, double metres) {
        double delta = metres / Spherical.EARTH_RADIUS_M;
        double phi1 = Math.toRadians(start.lat());
        double theta = Math.toRadians(bearing);
        double phi2 = Math.asin(Math.sin(phi1) * Math.cos(delta) + Math.cos(phi1) * Math.sin(delta) * Math.cos(theta));
        double lambda2 = Math.toRadians(start.lon()) + Math.atan2(Math.sin(theta) * Math.sin(delta) * Math.cos(phi1),
                Math.cos(delta) - Math.sin(phi1) * Math.sin(phi2));
        double lon = Math.toDegrees(lambda2);
        lon = ((lon + 540) % 360) - 180;
        return new P(Math.max(-90, Math.min(90, Math.toDegrees(phi2))), lon);
    }

    @Property(tries = 300)
    void shouldFindExactlyTheDevicesWithinARadius(@ForAll("fleets") List<P> fleet, @ForAll("points") P centre,
                                                  @ForAll("radii") double radius,
                                                  @ForAll @IntRange(min = 1, max = 400) int limit,
                                                  @ForAll java.util.Random random) {
        List<P> points = new ArrayList<>(fleet);
        for (int i = 0; i < 40; i++) { // on the rim, just inside and just outside: where a cover that is short shows
            points.add(destination(centre, random.nextDouble() * 360, radius * (1 + (random.nextDouble() - 0.5) * 1e-6)));
        }
        List<SpatialSearch.Hit> hits = SpatialSearch.radius(partitioned(points), centre.lat(), centre.lon(), radius,
                hit -> true, limit, CellKeys.DEFAULT_MAX_CELLS);

        Comparator<Integer> byDistance = Comparator.<Integer>comparingDouble(i -> Spherical.distanceM(centre.lat(),
                centre.lon(), points.get(i).lat(), points.get(i).lon())).thenComparing(SpatialSearchPropertiesTest::device);
        assertThat(ids(hits)).isEqualTo(brute(points, p -> Spherical.distanceM(centre.lat(), centre.lon(), p.lat(),
                p.lon()) <= radius, byDistance, limit));
    }

    @Provide
    Arbitrary<double[]> boxes() {
        Arbitrary<Double> lat = Arbitraries.doubles().ofScale(7).between(-90, 90);
        Arbitrary<Double> lon = Arbitraries.doubles().ofScale(7).between(-180, 180);
        Arbitrary<double[]> any = Combinators.combine(lat, lat, lon, lon).as((a, b, c, d) ->
                new double[] {Math.min(a, b), c, Math.max(a, b), d});
        Arbitrary<double[]> acrossAntimeridian = Combinators.combine(lat, lat, Arbitraries.doubles().ofScale(7).between(150, 180),
                Arbitraries.doubles().ofScale(7).between(-180, -150)).as((a, b, c, d) -> new double[] {Math.min(a, b), c, Math.max(a, b), d});
        Arbitrary<double[]> toAPole = Combinators.combine(Arbitraries.doubles().ofScale(7).between(60, 89.9), lon, lon)
                .as((a, c, d) -> new double[] {a, c, 90, d});
        Arbitrary<double[]> small = Combinators.combine(Arbitraries.doubles().ofScale(7).between(52.4, 52.6),
                Arbitraries.doubles().ofScale(7).between(13.3, 13.5), Arbitraries.doubles().ofScale(7).between(0, 0.1))
                .as((a, c, size) -> new double[] {a, c, a + size, c + size});
        Arbitrary<double[]> edges = Arbitraries.of(new double[] {-90, -180, 90, 180}, new double[] {0, 180, 10, 180},
                new double[] {-10, -180, 10, -179}, new double[] {80, 170, 90, -170});
        return Arbitraries.oneOf(any, acrossAntimeridian, toAPole, small, edges);
    }

    @Property(tries = 300)
    void shouldFindExactlyTheDevicesInABox(@ForAll("fleets") List<P> points, @ForAll("boxes") double[] box,
                                           @ForAll @IntRange(min = 1, max = 400) int limit) {
        List<SpatialSearch.Hit> hits = SpatialSearch.box(partitioned(points), box[0], box[1], box[2], box[3], hit -> true,
                limit, CellKeys.DEFAULT_MAX_CELLS);

        assertThat(ids(hits)).isEqualTo(brute(points, p -> Spherical.boxContains(box[0], box[1], box[2], box[3], p.lat(),
                p.lon()), Comparator.comparing(SpatialSearchPropertiesTest::device), limit));
    }

    @Provide
    Arbitrary<Geometry> areas() {
        Arbitrary<Geometry> stars = Combinators.combine(points(), Arbitraries.doubles().ofScale(7).between(0.001, 30),
                Arbitraries.longs(), Arbitraries.of(true, false)).as((centre, size, seed, hole) -> star(centre, size, seed, hole));
        Arbitrary<Geometry> split = Combinators.combine(Arbitraries.doubles().ofScale(7).between(-80, 70),
                Arbitraries.doubles().ofScale(7).between(0.1, 10)).as((lat, width) -> GeoJson.FACTORY.createMultiPolygon(new Polygon[] {
                        rectangle(lat, 180 - width, lat + 10, 180), rectangle(lat, -180, lat + 10, -180 + width)}));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, stars), net.jqwik.api.Tuple.of(1, split));
    }

    /** A star-shaped polygon around a centre (valid by construction), with a square hole around its centre or not. */
    private static Geometry star(P centre, double size, long seed, boolean hole) {
        Random random = new Random(seed);
        int n = 3 + random.nextInt(12);
        double lat0 = Math.max(-89 + size, Math.min(89 - size, centre.lat()));
        double lon0 = Math.max(-179 + size, Math.min(179 - size, centre.lon()));
        Coordinate[] ring = new Coordinate[n + 1];
        for (int i = 0; i < n; i++) {
            double angle = 2 * Math.PI * i / n;
            double r = size * (0.5 + 0.5 * random.nextDouble());
            ring[i] = new Coordinate(lon0 + r * Math.cos(angle), lat0 + r * Math.sin(angle));
        }
        ring[n] = ring[0];
        LinearRing shell = GeoJson.FACTORY.createLinearRing(ring);
        if (!hole) {
            return GeoJson.FACTORY.createPolygon(shell);
        }
        double h = size * 0.2;
        LinearRing square = GeoJson.FACTORY.createLinearRing(new Coordinate[] {new Coordinate(lon0 - h, lat0 - h),
                new Coordinate(lon0 + h, lat0 - h), new Coordinate(lon0 + h, lat0 + h), new Coordinate(lon0 - h, lat0 + h),
                new Coordinate(lon0 - h, lat0 - h)});
        return GeoJson.FACTORY.createPolygon(shell, new LinearRing[] {square});
    }

    private static Polygon rectangle(double minLat, double minLon, double maxLat, double maxLon) {
        return GeoJson.FACTORY.createPolygon(new Coordinate[] {new Coordinate(minLon, minLat), new Coordinate(maxLon, minLat),
                new Coordinate(maxLon, maxLat), new Coordinate(minLon, maxLat), new Coordinate(minLon, minLat)});
    }

    @Property(tries = 300)
    void shouldFindExactlyTheDevicesInAPolygon(@ForAll("fleets") List<P> points, @ForAll("areas") Geometry area) {
        List<P> withInside = new ArrayList<>(points);
        Coordinate inside = area.getInteriorPoint().getCoordinate();
        withInside.add(new P(inside.y, inside.x)); // at least one device inside
        List<SpatialSearch.Hit> hits = SpatialSearch.within(partitioned(withInside), area, hit -> true, 10_000,
                CellKeys.DEFAULT_MAX_CELLS);

        PreparedGeometry prepared = PreparedGeometryFactory.prepare(area);
        assertThat(ids(hits)).isEqualTo(brute(withInside, p -> prepared.covers(GeoJson.FACTORY.createPoint(
                new Coordinate(p.lon(), p.lat()))), Comparator.comparing(SpatialSearchPropertiesTest::device), 10_000))
                .isNotEmpty();
    }

    @Property(tries = 300)
    void shouldFindExactlyTheKNearestDevices(@ForAll("fleets") List<P> fleet, @ForAll("points") P centre,
                                             @ForAll @IntRange(min = 1, max = 50) int k, @ForAll("radii") double ring,
                                             @ForAll java.util.Random random) {
        List<P> points = new ArrayList<>(fleet);
        for (int i = 0; i < 20; i++) { // many at almost one distance: the k-th is decided by metres, then by id
            points.add(destination(centre, random.nextDouble() * 360, ring * (1 + (random.nextDouble() - 0.5) * 1e-6)));
        }
        List<SpatialSearch.Hit> hits = SpatialSearch.nearest(partitioned(points), centre.lat(), centre.lon(), k, hit -> true,
                CellKeys.DEFAULT_MAX_CELLS);

        Comparator<Integer> byDistance = Comparator.<Integer>comparingDouble(i -> Spherical.distanceM(centre.lat(),
                centre.lon(), points.get(i).lat(), points.get(i).lon())).thenComparing(SpatialSearchPropertiesTest::device);
        assertThat(ids(hits)).isEqualTo(brute(points, p -> true, byDistance, k));
    }

    @Property(tries = 100)
    void shouldApplyTheAdmissionTestAfterTheGeometryAndStillFindTheKNearestAdmitted(
            @ForAll("fleets") List<P> points, @ForAll("points") P centre, @ForAll @IntRange(min = 1, max = 20) int k) {
        Predicate<SpatialSearch.Hit> even = hit -> Integer.parseInt(hit.deviceId().substring(4)) % 2 == 0;
        List<SpatialSearch.Hit> hits = SpatialSearch.nearest(partitioned(points), centre.lat(), centre.lon(), k, even,
                CellKeys.DEFAULT_MAX_CELLS);

        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < points.size(); i += 2) {
            order.add(i);
        }
        order.sort(Comparator.<Integer>comparingDouble(i -> Spherical.distanceM(centre.lat(), centre.lon(),
                points.get(i).lat(), points.get(i).lon())).thenComparing(SpatialSearchPropertiesTest::device));
        assertThat(ids(hits)).isEqualTo(order.stream().limit(k).map(SpatialSearchPropertiesTest::device).toList());
    }
}
