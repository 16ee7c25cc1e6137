package io.spectracache.spatial;

/**
 * The exact predicates of spatial answers, on a sphere of the Earth's mean radius: distance (haversine), whether a
 * point lies in a latitude/longitude box (which may cross the antimeridian), and the angle a distance subtends. Cells
 * only prune; every answer is decided here, so an answer never depends on how the index happens to be cut.
 *
 * <pre>{@code double metres = Spherical.distanceM(52.52, 13.405, 48.8566, 2.3522); // Berlin to Paris, ~878 km}</pre>
 */
public final class Spherical {
    /** The Earth's mean radius (IUGG), in metres: the sphere every distance is measured on. */
    public static final double EARTH_RADIUS_M = 6_371_008.8;
    /** Half the circumference: no two points are further apart. */
    public static final double MAX_DISTANCE_M = Math.PI * EARTH_RADIUS_M;

    private Spherical() {
    }

    /**
     * The great-circle distance between two points in metres (haversine: accurate at every distance, including the
     * few metres where the law of cosines loses its digits, and across the antimeridian and the poles).
     */
    public static double distanceM(double lat1, double lon1, double lat2, double lon2) {
        double phi1 = Math.toRadians(lat1);
        double phi2 = Math.toRadians(lat2);
        double sinDLat = Math.sin((phi2 - phi1) / 2);
        double sinDLon = Math.sin(Math.toRadians(lon2 - lon1) / 2);
        double h = sinDLat * sinDLat + Math.cos(phi1) * Math.cos(phi2) * sinDLon * sinDLon;
        return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1.0, Math.sqrt(h)));
    }

    /** The angle, in radians, that {@code metres} subtend at the Earth's centre. */
    public static double angleOf(double metres) {
        return metres / EARTH_RADIUS_M;
    }

    /**
     * Whether a point lies in a box, edges included. The box spans latitudes {@code [minLat, maxLat]} and longitudes
     * eastwards from {@code minLon} to {@code maxLon}: when {@code minLon > maxLon} it crosses the antimeridian
     * ({@code minLon=170, maxLon=-170} is the 20° around ±180). Longitudes -180 and 180 are one meridian: a point on
     * it is in every box that reaches it from either side.
     */
    public static boolean boxContains(double minLat, double minLon, double maxLat, double maxLon, double lat, double lon) {
        if (lat < minLat || lat > maxLat) {
            return false;
        }
        if (minLon <= maxLon) {
            return (lon >= minLon && lon <= maxLon)
                    || (lon == -180.0 && maxLon == 180.0)
                    || (lon == 180.0 && minLon == -180.0);
        }
        return lon >= minLon || lon <= maxLon;
    }
}
