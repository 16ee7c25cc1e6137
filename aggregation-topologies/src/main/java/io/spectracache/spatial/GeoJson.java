package io.spectracache.spatial;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spectracache.serialization.Json;
import java.io.IOException;
import java.util.Locale;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.PrecisionModel;
import org.locationtech.jts.operation.valid.IsValidOp;
import org.locationtech.jts.operation.valid.TopologyValidationError;

/**
 * Reads GeoJSON (RFC 7946) Polygons and MultiPolygons into JTS geometries, checked: every position is
 * {@code [longitude, latitude]} (an altitude after them is ignored) within range, every ring closed with at least four
 * positions, at most a given number of vertices, and the result valid by JTS's rules (no self-intersection, holes
 * inside their shell, parts not overlapping). As RFC 7946 says, edges are straight lines in longitude/latitude, and a
 * shape that crosses the antimeridian is given as a MultiPolygon split at it; a polygon's x is its longitude as
 * written. Geometry comes from JTS; nothing here decides containment.
 *
 * <pre>{@code Geometry area = GeoJson.polygonal(Json.mapper().readTree(body), "geometry", 10_000);}</pre>
 */
public final class GeoJson {
    /** Geometries in longitude/latitude degrees, floating precision. */
    public static final GeometryFactory FACTORY = new GeometryFactory(new PrecisionModel(), 4326);

    private GeoJson() {
    }

    /**
     * Parses bytes as JSON.
     *
     * @throws GeoJsonException if they are not JSON
     */
    public static JsonNode tree(byte[] json, String field) {
        try {
            JsonNode node = Json.mapper().readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new GeoJsonException(field + ": empty; expected a GeoJSON object");
            }
            return node;
        } catch (IOException e) {
            throw new GeoJsonException(field + ": not JSON (" + firstLine(e.getMessage()) + ")");
        }
    }

    /**
     * A Polygon or MultiPolygon geometry, or the geometry of a Feature holding one.
     *
     * @param field       how the caller names {@code node}, for messages ({@code "body"}, {@code "geometry"})
     * @param maxVertices the most positions the geometry may have, over all its rings
     * @throws GeoJsonException naming the first field that is wrong
     */
    public static Geometry polygonal(JsonNode node, String field, int maxVertices) {
        if (node == null || !node.isObject()) {
            throw new GeoJsonException(field + ": expected a GeoJSON Polygon, MultiPolygon or a Feature with one");
        }
        String type = node.path("type").asText(null);
        if ("Feature".equals(type)) {
            return polygonal(node.get("geometry"), field + ".geometry", maxVertices);
        }
        JsonNode coordinates = node.get("coordinates");
        Geometry geometry;
        int[] vertices = {0};
        if ("Polygon".equals(type)) {
            geometry = polygon(coordinates, field + ".coordinates", maxVertices, vertices);
        } else if ("MultiPolygon".equals(type)) {
            if (coordinates == null || !coordinates.isArray() || coordinates.isEmpty()) {
                throw new GeoJsonException(field + ".coordinates: a MultiPolygon holds an array of at least one polygon");
            }
            Polygon[] parts = new Polygon[coordinates.size()];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = polygon(coordinates.get(i), field + ".coordinates[" + i + "]", maxVertices, vertices);
            }
            geometry = FACTORY.createMultiPolygon(parts);
        } else if (type == null) {
            throw new GeoJsonException(field + ".type: missing; expected \"Polygon\", \"MultiPolygon\" or \"Feature\"");
        } else {
            throw new GeoJsonException(field + ".type: \"" + type + "\" is not a Polygon or MultiPolygon (or a Feature "
                    + "with one)");
        }
        IsValidOp validity = new IsValidOp(geometry);
        if (!validity.isValid()) {
            TopologyValidationError error = validity.getValidationError();
            Coordinate at = error.getCoordinate();
            throw new GeoJsonException(field + ": not a valid " + geometry.getGeometryType() + ": "
                    + error.getMessage().toLowerCase(Locale.ROOT)
                    + (at == null ? "" : " at or near [" + at.x + ", " + at.y + "]"));
        }
        return geometry;
    }

    private static Polygon polygon(JsonNode rings, String field, int maxVertices, int[] vertices) {
        if (rings == null || !rings.isArray() || rings.isEmpty()) {
            throw new GeoJsonException(field + ": a Polygon holds an array of linear rings (the shell, then any holes)");
        }
        LinearRing shell = ring(rings.get(0), field + "[0]", maxVertices, vertices);
        LinearRing[] holes = new LinearRing[rings.size() - 1];
        for (int i = 1; i < rings.size(); i++) {
            holes[i - 1] = ring(rings.get(i), field + "[" + i + "]", maxVertices, vertices);
        }
        return FACTORY.createPolygon(shell, holes);
    }

    private static LinearRing ring(JsonNode positions, String field, int maxVertices, int[] vertices) {
        if (positions == null || !positions.isArray() || positions.size() < 4) {
            throw new GeoJsonException(field + ": a linear ring is an array of at least 4 positions, the last equal to "
                    + "the first");
        }
        vertices[0] += positions.size();
        if (vertices[0] > maxVertices) {
            throw new GeoJsonException(field + ": more than " + maxVertices + " vertices in the geometry; simplify it");
        }
        Coordinate[] coordinates = new Coordinate[positions.size()];
        for (int i = 0; i < coordinates.length; i++) {
            coordinates[i] = position(positions.get(i), field + "[" + i + "]");
        }
        if (!coordinates[0].equals2D(coordinates[coordinates.length - 1])) {
            throw new GeoJsonException(field + ": the ring is not closed (its last position must equal its first)");
        }
        return FACTORY.createLinearRing(coordinates);
    }

    /**
     * One {@code [longitude, latitude]} position.
     *
     * @throws GeoJsonException if it is not one, or out of range
     */
    public static Coordinate position(JsonNode position, String field) {
        if (position == null || !position.isArray() || position.size() < 2 || position.size() > 3) {
            throw new GeoJsonException(field + ": a position is [longitude, latitude] (and an optional altitude)");
        }
        double lon = number(position.get(0), field, "longitude");
        double lat = number(position.get(1), field, "latitude");
        if (lon < -180 || lon > 180) {
            throw new GeoJsonException(field + ": longitude " + lon + " is outside [-180, 180]");
        }
        if (lat < -90 || lat > 90) {
            throw new GeoJsonException(field + ": latitude " + lat + " is outside [-90, 90]");
        }
        return new Coordinate(lon, lat);
    }

    private static double number(JsonNode node, String field, String what) {
        if (node == null || !node.isNumber() || !Double.isFinite(node.asDouble())) {
            throw new GeoJsonException(field + ": " + what + " must be a finite number, was " + node);
        }
        return node.asDouble();
    }

    /** A polygonal geometry as a GeoJSON geometry object (positions as {@code [lon, lat]}). */
    public static ObjectNode write(Geometry geometry) {
        ObjectNode node = Json.mapper().createObjectNode();
        if (geometry instanceof Polygon polygon) {
            node.put("type", "Polygon");
            writeRings(node.putArray("coordinates"), polygon);
        } else if (geometry instanceof MultiPolygon multi) {
            node.put("type", "MultiPolygon");
            var parts = node.putArray("coordinates");
            for (int i = 0; i < multi.getNumGeometries(); i++) {
                writeRings(parts.addArray(), (Polygon) multi.getGeometryN(i));
            }
        } else {
            throw new IllegalArgumentException("not polygonal: " + geometry.getGeometryType());
        }
        return node;
    }

    private static void writeRings(com.fasterxml.jackson.databind.node.ArrayNode rings, Polygon polygon) {
        writeRing(rings.addArray(), polygon.getExteriorRing().getCoordinates());
        for (int i = 0; i < polygon.getNumInteriorRing(); i++) {
            writeRing(rings.addArray(), polygon.getInteriorRingN(i).getCoordinates());
        }
    }

    private static void writeRing(com.fasterxml.jackson.databind.node.ArrayNode ring, Coordinate[] coordinates) {
        for (Coordinate c : coordinates) {
            ring.addArray().add(c.x).add(c.y);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
