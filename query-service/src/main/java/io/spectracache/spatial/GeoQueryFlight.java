package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import io.spectracache.errors.InvalidRequestException;
import io.spectracache.flight.FlightDataset;
import io.spectracache.query.ScatterQuery;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Flight dataset {@code geo-query}: the answer of a radius, box, polygon or nearest query as Arrow, the same
 * devices in the same order as the REST answer. Merged across instances, so it is served whole by the instance asked.
 * Tickets: {@code {"dataset":"geo-query","shape":"radius","lat":"52.52","lon":"13.405","radiusM":"1000"}},
 * {@code {"dataset":"geo-query","shape":"within","geometry":"{\"type\":\"Polygon\",...}"}}.
 */
final class GeoQueryFlight implements FlightDataset {
    private final SpatialServing settings;
    private final Clock clock;

    GeoQueryFlight(SpatialServing settings, Clock clock) {
        this.settings = requireNonNull(settings, "settings");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return "geo-query";
    }

    @Override
    public String description() {
        return "The devices of a radius, box, within or nearest query: deviceId, latitude, longitude, ts, distanceM, tenant";
    }

    @Override
    public Schema schema() {
        return GeoArrow.FOUND;
    }

    @Override
    public boolean gatheredOnly() {
        return true;
    }

    @Override
    public List<Map<String, String>> listed(Pages pages) {
        return List.of(Map.of("shape", "box", "minLat", "-90", "minLon", "-180", "maxLat", "90", "maxLon", "180",
                "limit", "1000"));
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> docs = new TreeMap<>();
        docs.put("shape", "radius, box, within or nearest (required)");
        docs.put("lat", "centre latitude (radius, nearest)");
        docs.put("lon", "centre longitude (radius, nearest)");
        docs.put("radiusM", "radius in metres (radius)");
        docs.put("k", "how many devices (nearest)");
        docs.put("minLat", "box south edge");
        docs.put("minLon", "box west edge (east of maxLon: across the antimeridian)");
        docs.put("maxLat", "box north edge");
        docs.put("maxLon", "box east edge");
        docs.put("geometry", "a GeoJSON Polygon or MultiPolygon, as a string (within)");
        docs.put("limit", "most devices (radius, box, within; default " + GeoRoutes.DEFAULT_LIMIT + ")");
        docs.put("tenant", "only devices of this tenant");
        docs.put("where", "attribute:value conditions on the device's latest state, joined by commas");
        docs.put("maxAge", "leave out positions older than this (15m, 2h, milliseconds)");
        return docs;
    }

    @Override
    public ScatterQuery<?, ?> scan() {
        return SpatialQueries.RADIUS;
    }

    private static String required(Map<String, String> parameters, String name, String shape) {
        String value = parameters.get(name);
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException("ticket: \"" + name + "\" is required for shape " + shape);
        }
        return value;
    }

    @Override
    public Reader open(Map<String, String> parameters, Pages pages) {
        String shape = parameters.get("shape");
        long maxAge = GeoParameters.duration("maxAge", parameters.get("maxAge"));
        GeoFilter filter = GeoFilter.parse(parameters.get("tenant"), parameters.get("where"),
                maxAge == 0 ? settings.defaultMaxAgeMs() : maxAge, clock.millis());
        int limit = GeoParameters.whole("limit", parameters.get("limit"), 1, settings.maxResults(),
                Math.min(GeoRoutes.DEFAULT_LIMIT, settings.maxResults()), "devices");
        java.util.function.Supplier<SpatialQueries.Features> answer;
        if ("radius".equals(shape)) {
            SpatialQueries.RadiusRequest request = new SpatialQueries.RadiusRequest(
                    GeoParameters.decimal("lat", required(parameters, "lat", shape), -90, 90, "degrees of latitude"),
                    GeoParameters.decimal("lon", required(parameters, "lon", shape), -180, 180, "degrees of longitude"),
                    GeoParameters.radius(parameters.get("radiusM"), settings.maxRadiusM()), limit, filter, settings.maxCells());
            answer = () -> pages.page(SpatialQueries.RADIUS, request);
        } else if ("box".equals(shape)) {
            double minLat = GeoParameters.decimal("minLat", required(parameters, "minLat", shape), -90, 90, "degrees of latitude");
            double maxLat = GeoParameters.decimal("maxLat", required(parameters, "maxLat", shape), -90, 90, "degrees of latitude");
            if (minLat > maxLat) {
                throw new InvalidRequestException("ticket: maxLat " + maxLat + " is south of minLat " + minLat);
            }
            SpatialQueries.BoxRequest request = new SpatialQueries.BoxRequest(minLat,
                    GeoParameters.decimal("minLon", required(parameters, "minLon", shape), -180, 180, "degrees of longitude"),
                    maxLat,
                    GeoParameters.decimal("maxLon", required(parameters, "maxLon", shape), -180, 180, "degrees of longitude"),
                    limit, filter, settings.maxCells());
            answer = () -> pages.page(SpatialQueries.BOX, request);
        } else if ("within".equals(shape)) {
            String geometry = required(parameters, "geometry", shape);
            try {
                GeoJson.polygonal(GeoJson.tree(geometry.getBytes(StandardCharsets.UTF_8), "geometry"), "geometry",
                        settings.spatial().maxFenceVertices());
            } catch (GeoJsonException e) {
                throw new InvalidRequestException("ticket: " + e.getMessage());
            }
            SpatialQueries.WithinRequest request = new SpatialQueries.WithinRequest(geometry, limit, filter,
                    settings.maxCells(), settings.spatial().maxFenceVertices());
            answer = () -> pages.page(SpatialQueries.WITHIN, request);
        } else if ("nearest".equals(shape)) {
            SpatialQueries.NearestRequest request = new SpatialQueries.NearestRequest(
                    GeoParameters.decimal("lat", required(parameters, "lat", shape), -90, 90, "degrees of latitude"),
                    GeoParameters.decimal("lon", required(parameters, "lon", shape), -180, 180, "degrees of longitude"),
                    GeoParameters.whole("k", required(parameters, "k", shape), 1, settings.maxResults(), 0, "devices"),
                    filter, settings.maxCells());
            answer = () -> pages.page(SpatialQueries.NEAREST, request);
        } else {
            throw new InvalidRequestException("ticket: \"shape\" is required: radius, box, within or nearest");
        }
        return new Reader() {
            private List<SpatialQueries.Found> rows;
            private int offset;

            @Override
            public boolean next(VectorSchemaRoot root, int maxRows) {
                if (rows == null) {
                    rows = answer.get().found();
                } else if (offset >= rows.size()) {
                    return false;
                }
                int count = Math.min(maxRows, rows.size() - offset);
                GeoArrow.writeFound(rows, offset, count, root);
                offset += count;
                return count > 0 || offset == 0;
            }
        };
    }
}
