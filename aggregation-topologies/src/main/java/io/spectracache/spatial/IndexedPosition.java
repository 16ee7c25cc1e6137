package io.spectracache.spatial;

/**
 * A device's position as the position index holds it: where and when (event time). The key says which device and
 * which cell ({@link CellKeys}).
 *
 * @param lat degrees, within [-90, 90]
 * @param lon degrees, within [-180, 180]
 * @param ts  the event time of the position, epoch milliseconds
 */
public record IndexedPosition(double lat, double lon, long ts) {
    public IndexedPosition {
        if (!(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) {
            throw new IllegalArgumentException("not a position: lat " + lat + ", lon " + lon);
        }
    }
}
