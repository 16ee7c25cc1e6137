package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.spectracache.errors.InvalidRequestException;
import io.spectracache.query.Gathered;
import io.spectracache.query.QueryService;
import io.spectracache.rest.ApiOperation;
import io.spectracache.rest.RestQueries;
import io.spectracache.rest.RouteGroup;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * The area queries, thin adapters over {@link SpatialQueries}, each answered as a GeoJSON FeatureCollection gathered
 * from every instance:
 * <ul>
 *   <li>{@code GET /v1/geo/radius?lat=&lon=&radiusM=&limit=}: within a radius, nearest first;</li>
 *   <li>{@code GET /v1/geo/box?minLat=&minLon=&maxLat=&maxLon=&limit=}: in a box, by device id
 *       ({@code minLon > maxLon} crosses the antimeridian);</li>
 *   <li>{@code POST /v1/geo/within?limit=} with a GeoJSON Polygon or MultiPolygon (or a Feature with one): inside it,
 *       holes honoured, by device id;</li>
 *   <li>{@code GET /v1/geo/nearest?lat=&lon=&k=}: the exact k nearest across every instance.</li>
 * </ul>
 * Each also takes {@code tenant=}, {@code where=attr:value,...} (the device's latest state), {@code maxAge=} (leave out
 * positions older than this: {@code 15m}, {@code 2h}, milliseconds) and the read options {@code consistency=},
 * {@code after=}.
 */
final class GeoRoutes implements RouteGroup {
    /** Devices an answer holds when {@code limit} is not given. */
    static final int DEFAULT_LIMIT = 100;
    private static final String[] COMMON = {"tenant", "where", "maxAge", "after", "consistency"};

    private final QueryService queries;
    private final SpatialServing settings;
    private final Clock clock;

    GeoRoutes(QueryService queries, SpatialServing settings, Clock clock) {
        this.queries = requireNonNull(queries, "queries");
        this.settings = requireNonNull(settings, "settings");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        String answer = "a GeoJSON FeatureCollection (deviceId, ts, distanceM where it applies, tenant, attributes), with "
                + "truncated, partial, failedInstances and partitions";
        common(ApiOperation.get("/v1/geo/radius")
                .summary("Devices within a radius of a point, nearest first, gathered from every instance")
                .query("lat", "number", "centre latitude, degrees from -90 to 90")
                .query("lon", "number", "centre longitude, degrees from -180 to 180")
                .query("radiusM", "number", "metres on the sphere, more than 0 and at most spectracache.spatial.max.radius.m")
                .query("limit", "integer", "at most this many devices, nearest first (default 100)"))
                .json(200, answer, null)
                .addTo(routes, this::radius);
        common(ApiOperation.get("/v1/geo/box")
                .summary("Devices in a latitude/longitude box, by device id; minLon > maxLon crosses the antimeridian")
                .query("minLat", "number", "south edge, degrees")
                .query("minLon", "number", "west edge, degrees")
                .query("maxLat", "number", "north edge, degrees")
                .query("maxLon", "number", "east edge, degrees")
                .query("limit", "integer", "at most this many devices, by device id (default 100)"))
                .json(200, answer, null)
                .addTo(routes, this::box);
        common(ApiOperation.post("/v1/geo/within")
                .summary("Devices inside a GeoJSON Polygon or MultiPolygon (holes honoured, borders inside), by device id")
                .body("application/geo+json")
                .query("limit", "integer", "at most this many devices, by device id (default 100)"))
                .json(200, answer, null)
                .addTo(routes, this::within);
        common(ApiOperation.get("/v1/geo/nearest")
                .summary("The exact k nearest devices across every instance, nearest first")
                .query("lat", "number", "latitude, degrees from -90 to 90")
                .query("lon", "number", "longitude, degrees from -180 to 180")
                .query("k", "integer", "how many, 1 to spectracache.spatial.max.results"))
                .json(200, answer, null)
                .addTo(routes, this::nearest);
    }

    /** The filters and read options every area query takes. */
    private static ApiOperation common(ApiOperation operation) {
        return operation.tag("spatial")
                .query("tenant", "string", "only devices whose position came with this tenant")
                .query("where", "string", "attr:value,... on the tenant and attributes of the event that carried the position")
                .query("maxAge", "string", "leave out positions older than this in event time (15m, 2h, 7d or milliseconds)")
                .query("consistency", "string", "latest (default: the newest state) or committed (only committed state)")
                .query("after", "string", "a consistency token a write returned: answer only from state that includes it");
    }

    private static String[] with(String... names) {
        String[] all = java.util.Arrays.copyOf(names, names.length + COMMON.length);
        System.arraycopy(COMMON, 0, all, names.length, COMMON.length);
        return all;
    }

    private GeoFilter filter(Context ctx) {
        long maxAge = GeoParameters.duration("maxAge", ctx.queryParam("maxAge"));
        return GeoFilter.parse(ctx.queryParam("tenant"), ctx.queryParam("where"),
                maxAge == 0 ? settings.defaultMaxAgeMs() : maxAge, clock.millis());
    }

    private int limit(Context ctx) {
        return GeoParameters.whole("limit", ctx.queryParam("limit"), 1, settings.maxResults(),
                Math.min(DEFAULT_LIMIT, settings.maxResults()), "devices");
    }

    private void radius(Context ctx) {
        RestQueries.onlyParameters(ctx, with("lat", "lon", "radiusM", "limit"));
        double lat = GeoParameters.decimal(ctx, "lat", -90, 90, "degrees of latitude");
        double lon = GeoParameters.decimal(ctx, "lon", -180, 180, "degrees of longitude");
        double radius = GeoParameters.radius(ctx.queryParam("radiusM"), settings.maxRadiusM());
        SpatialQueries.RadiusRequest request = new SpatialQueries.RadiusRequest(lat, lon, radius, limit(ctx), filter(ctx),
                settings.maxCells());
        GeoAnswers.features(ctx, queries.scatter(SpatialQueries.RADIUS, request, RestQueries.read(ctx)));
    }

    private void box(Context ctx) {
        RestQueries.onlyParameters(ctx, with("minLat", "minLon", "maxLat", "maxLon", "limit"));
        double minLat = GeoParameters.decimal(ctx, "minLat", -90, 90, "degrees of latitude");
        double minLon = GeoParameters.decimal(ctx, "minLon", -180, 180, "degrees of longitude");
        double maxLat = GeoParameters.decimal(ctx, "maxLat", -90, 90, "degrees of latitude");
        double maxLon = GeoParameters.decimal(ctx, "maxLon", -180, 180, "degrees of longitude");
        if (minLat > maxLat) {
            throw new InvalidRequestException("maxLat: " + maxLat + " is south of minLat " + minLat + "; a box runs from "
                    + "minLat north to maxLat (and from minLon east to maxLon, across the antimeridian when minLon > maxLon)");
        }
        SpatialQueries.BoxRequest request = new SpatialQueries.BoxRequest(minLat, minLon, maxLat, maxLon, limit(ctx),
                filter(ctx), settings.maxCells());
        GeoAnswers.features(ctx, queries.scatter(SpatialQueries.BOX, request, RestQueries.read(ctx)));
    }

    private void within(Context ctx) {
        RestQueries.onlyParameters(ctx, with("limit"));
        byte[] body = ctx.bodyAsBytes();
        try {
            GeoJson.polygonal(GeoJson.tree(body, "body"), "body", settings.spatial().maxFenceVertices());
        } catch (GeoJsonException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        SpatialQueries.WithinRequest request = new SpatialQueries.WithinRequest(new String(body, StandardCharsets.UTF_8),
                limit(ctx), filter(ctx), settings.maxCells(), settings.spatial().maxFenceVertices());
        GeoAnswers.features(ctx, queries.scatter(SpatialQueries.WITHIN, request, RestQueries.read(ctx)));
    }

    private void nearest(Context ctx) {
        RestQueries.onlyParameters(ctx, with("lat", "lon", "k"));
        double lat = GeoParameters.decimal(ctx, "lat", -90, 90, "degrees of latitude");
        double lon = GeoParameters.decimal(ctx, "lon", -180, 180, "degrees of longitude");
        if (ctx.queryParam("k") == null) {
            throw new InvalidRequestException("k: required, how many devices (1 to " + settings.maxResults() + ")");
        }
        int k = GeoParameters.whole("k", ctx.queryParam("k"), 1, settings.maxResults(), 0, "devices");
        SpatialQueries.NearestRequest request = new SpatialQueries.NearestRequest(lat, lon, k, filter(ctx),
                settings.maxCells());
        Gathered<SpatialQueries.Features> gathered = queries.scatter(SpatialQueries.NEAREST, request, RestQueries.read(ctx));
        GeoAnswers.features(ctx, gathered);
    }
}
