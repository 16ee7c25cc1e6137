package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A device's position as the position index holds it: where and when (event time), and the tenant and attributes of
 * the event that carried it, so that answers and their filters need no second read per device. The key says which
 * device and which cell ({@link CellKeys}).
 *
 * @param lat        degrees, within [-90, 90]
 * @param lon        degrees, within [-180, 180]
 * @param ts         the event time of the position, epoch milliseconds
 * @param tenant     the event's tenant, or null
 * @param attributes the event's attributes; never null (treated as immutable)
 */
public record IndexedPosition(double lat, double lon, long ts, String tenant, Map<String, String> attributes) {
    public IndexedPosition {
        if (!(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) {
            throw new IllegalArgumentException("not a position: lat " + lat + ", lon " + lon);
        }
        requireNonNull(attributes, "attributes");
    }

    /** A position without tenant or attributes. */
    public IndexedPosition(double lat, double lon, long ts) {
        this(lat, lon, ts, null, Map.of());
    }
}
