package io.spectracache.events;

/**
 * A position on the WGS-84 ellipsoid, in decimal degrees.
 *
 * <p>{@code new GeoPoint(52.52, 13.405)} is Berlin. Construction rejects coordinates outside
 * the valid ranges and non-finite values, so a {@code GeoPoint} that exists is always usable.
 */
public record GeoPoint(double lat, double lon) {
    public GeoPoint {
        if (!Double.isFinite(lat) || lat < -90.0 || lat > 90.0) {
            throw new IllegalArgumentException("lat must be within [-90, 90], was " + lat);
        }
        if (!Double.isFinite(lon) || lon < -180.0 || lon > 180.0) {
            throw new IllegalArgumentException("lon must be within [-180, 180], was " + lon);
        }
    }
}
