package io.spectracache.spatial;

/**
 * GeoJSON that is not acceptable: malformed, the wrong geometry type, coordinates out of range, an invalid polygon
 * (self-intersecting, a hole outside its shell, ...), or too many vertices. The message names the field, such as
 * {@code geometry.coordinates[0][2]: latitude 91 is outside [-90, 90]}, so REST can answer it as is.
 */
public final class GeoJsonException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public GeoJsonException(String message) {
        super(message);
    }
}
