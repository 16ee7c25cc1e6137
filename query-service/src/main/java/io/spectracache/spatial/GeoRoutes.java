package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.spectracache.errors.InvalidRequestException;
import io.spectracache.query.Gathered;
import io.spectracache.query.QueryService;
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
        routes.get("/v1/geo/radius", this::radius);
        routes.get("/v1/geo/box", this::box);
        routes.post("/v1/geo/within", this::within);
        routes.get("/v1/geo/nearest", this::nearest);
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
