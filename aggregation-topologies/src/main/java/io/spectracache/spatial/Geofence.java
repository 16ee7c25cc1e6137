package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spectracache.serialization.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.locationtech.jts.geom.Geometry;

/**
 * A geofence: an area (GeoJSON Polygon or MultiPolygon, holes honoured) with properties, as kept on the compacted
 * {@code spectra.geofences} topic under its id. Two properties change how transitions are decided, both optional:
 * <ul>
 *   <li>{@value #HYSTERESIS_PROPERTY} (metres, default 0): a device inside stays inside until it is more than this far
 *       outside the area, so a device jittering on the border does not enter and exit over and over;</li>
 *   <li>{@value #DWELL_PROPERTY} (milliseconds of event time, default 0): an enter (or exit) counts only once the
 *       device has been inside (or outside) for this long, confirmed at its first update that much later.</li>
 * </ul>
 * Every other property is kept and answered as given.
 *
 * <pre>{@code
 * Geofence port = Geofence.parse("port-hamburg", bytes, 10_000);   // a Feature, or a bare geometry
 * byte[] stored = port.toJson();                                   // {"type":"Feature","id":"port-hamburg",...}
 * }</pre>
 *
 * @param id          the fence id, the topic's key
 * @param geometry    a valid Polygon or MultiPolygon in longitude/latitude degrees
 * @param properties  the Feature's properties (an empty object when none); treated as immutable
 * @param hysteresisM see above; 0 to {@value #MAX_HYSTERESIS_M}
 * @param dwellMs     see above; 0 to {@value #MAX_DWELL_MS}
 * @param version     identifies this definition: a hash of its stored bytes, the same on every instance
 */
public record Geofence(String id, Geometry geometry, JsonNode properties, double hysteresisM, long dwellMs, long version) {
    /** The property naming the hysteresis distance in metres. */
    public static final String HYSTERESIS_PROPERTY = "hysteresisM";
    /** The property naming the dwell time in milliseconds. */
    public static final String DWELL_PROPERTY = "dwellMs";
    /** The largest hysteresis distance: 100 km. */
    public static final double MAX_HYSTERESIS_M = 100_000;
    /** The longest dwell time: 7 days. */
    public static final long MAX_DWELL_MS = 7L * 24 * 3600 * 1000;

    public Geofence {
        requireNonNull(id, "id");
        requireNonNull(geometry, "geometry");
        requireNonNull(properties, "properties");
        if (!(hysteresisM >= 0 && hysteresisM <= MAX_HYSTERESIS_M)) {
            throw new IllegalArgumentException("hysteresisM must be within [0, " + MAX_HYSTERESIS_M + "], was " + hysteresisM);
        }
        if (dwellMs < 0 || dwellMs > MAX_DWELL_MS) {
            throw new IllegalArgumentException("dwellMs must be within [0, " + MAX_DWELL_MS + "], was " + dwellMs);
        }
    }

    /**
     * Reads a fence definition: a GeoJSON Feature with a Polygon or MultiPolygon geometry and optional properties, or
     * a bare Polygon or MultiPolygon.
     *
     * @throws GeoJsonException naming the first field that is wrong
     */
    public static Geofence parse(String id, byte[] json, int maxVertices) {
        requireNonNull(id, "id");
        JsonNode root = GeoJson.tree(json, "body");
        Geometry geometry = GeoJson.polygonal(root, "body", maxVertices);
        JsonNode properties = root.path("type").asText("").equals("Feature") ? root.get("properties") : null;
        if (properties != null && !properties.isNull() && !properties.isObject()) {
            throw new GeoJsonException("body.properties: must be an object");
        }
        ObjectNode kept = properties == null || properties.isNull() ? Json.mapper().createObjectNode()
                : ((ObjectNode) properties).deepCopy();
        double hysteresis = 0;
        JsonNode h = kept.get(HYSTERESIS_PROPERTY);
        if (h != null && !h.isNull()) {
            if (!h.isNumber() || !(h.asDouble() >= 0 && h.asDouble() <= MAX_HYSTERESIS_M)) {
                throw new GeoJsonException("body.properties." + HYSTERESIS_PROPERTY + ": metres from 0 to "
                        + (long) MAX_HYSTERESIS_M + ", was " + h);
            }
            hysteresis = h.asDouble();
        }
        long dwell = 0;
        JsonNode d = kept.get(DWELL_PROPERTY);
        if (d != null && !d.isNull()) {
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0 || d.asLong() > MAX_DWELL_MS) {
                throw new GeoJsonException("body.properties." + DWELL_PROPERTY + ": whole milliseconds from 0 to "
                        + MAX_DWELL_MS + ", was " + d);
            }
            dwell = d.asLong();
        }
        return new Geofence(id, geometry, kept, hysteresis, dwell, versionOf(json));
    }

    /**
     * The definition as stored on {@code spectra.geofences} and answered by {@code GET /v1/geofences/{id}}: a Feature
     * with the fence id, its geometry and properties.
     */
    public byte[] toJson() {
        ObjectNode feature = Json.mapper().createObjectNode();
        feature.put("type", "Feature");
        feature.put("id", id);
        feature.set("geometry", GeoJson.write(geometry));
        feature.set("properties", properties);
        try {
            return Json.mapper().writeValueAsBytes(feature);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many vertices the geometry has, over all rings. */
    public int vertices() {
        return geometry.getNumPoints();
    }

    /** A version for a stored definition: the first 8 bytes of its SHA-256, the same on every instance and replay. */
    static long versionOf(byte[] stored) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(stored)).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
