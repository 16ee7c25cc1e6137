package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import io.javalin.config.RoutesConfig;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.spectracache.consistency.ConsistencyToken;
import io.spectracache.errors.InvalidRequestException;
import io.spectracache.errors.NotFoundException;
import io.spectracache.query.Gathered;
import io.spectracache.query.Outcome;
import io.spectracache.query.QueryService;
import io.spectracache.rest.ApiOperation;
import io.spectracache.rest.RestQueries;
import io.spectracache.rest.RouteGroup;
import java.time.Instant;

/**
 * Geofences over REST, thin adapters over {@link GeofenceWriter} and {@link SpatialQueries}:
 * <ul>
 *   <li>{@code PUT /v1/geofences/{id}} with a GeoJSON Feature (Polygon or MultiPolygon geometry, optional properties
 *       such as {@code hysteresisM} and {@code dwellMs}) or a bare geometry: checked, then written to
 *       {@code spectra.geofences}; answers {@code {"id", "token"}};</li>
 *   <li>{@code GET /v1/geofences/{id}}: the fence as a Feature; {@code DELETE /v1/geofences/{id}}: a tombstone;</li>
 *   <li>{@code GET /v1/geofences?limit=&cursor=}: the fences in id order, as a FeatureCollection;</li>
 *   <li>{@code GET /v1/geofences/{id}/devices?limit=&cursor=}: who is inside now, as Point features;</li>
 *   <li>{@code GET /v1/devices/{id}/geofences}: where a device is, and the fences it is in.</li>
 * </ul>
 */
final class GeofenceRoutes implements RouteGroup {
    static final int MAX_ID_LENGTH = 256;
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1_000;
    private static final String[] READ = {"after", "consistency"};

    private final QueryService queries;
    private final GeofenceWriter writer;
    private final SpatialServing settings;

    GeofenceRoutes(QueryService queries, GeofenceWriter writer, SpatialServing settings) {
        this.queries = requireNonNull(queries, "queries");
        this.writer = requireNonNull(writer, "writer");
        this.settings = requireNonNull(settings, "settings");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        ApiOperation.put("/v1/geofences/{id}").tag("geofences")
                .summary("Creates or replaces a geofence (a GeoJSON Feature, or a bare Polygon/MultiPolygon) on spectra.geofences")
                .description("Feature properties hysteresisM (metres) and dwellMs (event-time milliseconds) damp jitter on the "
                        + "border; devices already inside enter at their next position update.")
                .pathParam("id", "the fence id")
                .body("application/geo+json")
                .json(200, "the id and a consistency token of the write", null)
                .addTo(routes, this::put);
        ApiOperation.get("/v1/geofences/{id}").tag("geofences")
                .summary("One geofence as stored")
                .pathParam("id", "the fence id")
                .query("after", "string", "a consistency token a write returned: answer only once this instance has it")
                .json(200, "the fence: its GeoJSON Feature and version", null)
                .addTo(routes, this::get);
        ApiOperation.delete("/v1/geofences/{id}").tag("geofences")
                .summary("Deletes a geofence; every device inside exits")
                .pathParam("id", "the fence id")
                .json(200, "the id and a consistency token of the write", null)
                .addTo(routes, this::delete);
        ApiOperation.get("/v1/geofences").tag("geofences")
                .summary("Every geofence in id order, a page at a time")
                .query("limit", "integer", "fences per page")
                .query("cursor", "string", "the nextCursor of the previous page")
                .json(200, "a page of fences with nextCursor", null)
                .addTo(routes, this::list);
        ApiOperation.get("/v1/geofences/{id}/devices").tag("geofences")
                .summary("The devices inside a geofence now, by device id, gathered from every instance")
                .pathParam("id", "the fence id")
                .query("limit", "integer", "devices per page")
                .query("cursor", "string", "the nextCursor of the previous page")
                .json(200, "a GeoJSON FeatureCollection of Points with enteredAt, partial, failedInstances, nextCursor", null)
                .addTo(routes, this::members);
        ApiOperation.get("/v1/devices/{id}/geofences").tag("geofences")
                .summary("A device's position and the fences it is in (or entering, or leaving)")
                .pathParam("id", "the device id")
                .json(200, "the position and the memberships", null)
                .addTo(routes, this::deviceFences);
    }

    private static String id(Context ctx, String what) {
        String id = ctx.pathParam("id");
        if (id.isBlank() || id.length() > MAX_ID_LENGTH || id.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidRequestException("id: a " + what + " id is 1 to " + MAX_ID_LENGTH
                    + " characters, without control characters");
        }
        return id;
    }

    private void put(Context ctx) {
        RestQueries.onlyParameters(ctx);
        String id = id(ctx, "fence");
        Geofence fence;
        try {
            fence = Geofence.parse(id, ctx.bodyAsBytes(), settings.spatial().maxFenceVertices());
        } catch (GeoJsonException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        ConsistencyToken token = writer.put(id, fence.toJson());
        written(ctx, id, token);
    }

    private void delete(Context ctx) {
        RestQueries.onlyParameters(ctx);
        String id = id(ctx, "fence");
        written(ctx, id, writer.delete(id));
    }

    private static void written(Context ctx, String id, ConsistencyToken token) {
        GeoAnswers.write(ctx, ContentType.JSON, json -> {
            json.writeStringField("id", id);
            json.writeStringField("token", token.encode());
        });
    }

    private SpatialQueries.FenceJson fence(Context ctx, String id) {
        Gathered<SpatialQueries.FenceList> gathered = queries.scatter(SpatialQueries.FENCES,
                new SpatialQueries.FenceRequest(id, null, 1), RestQueries.read(ctx));
        return gathered.value().fences().stream().filter(fence -> fence.id().equals(id)).findFirst()
                .orElseThrow(() -> new NotFoundException("no geofence " + id + "; GET /v1/geofences lists them"));
    }

    private void get(Context ctx) {
        RestQueries.onlyParameters(ctx, READ);
        String id = id(ctx, "fence");
        ctx.contentType(GeoAnswers.GEO_JSON).result(fence(ctx, id).json());
    }

    private int limit(Context ctx) {
        return GeoParameters.whole("limit", ctx.queryParam("limit"), 1, MAX_LIMIT, DEFAULT_LIMIT, "items");
    }

    private void list(Context ctx) {
        RestQueries.onlyParameters(ctx, "limit", "cursor", "after", "consistency");
        int limit = limit(ctx);
        String cursor = ctx.queryParam("cursor");
        Gathered<SpatialQueries.FenceList> gathered = queries.scatter(SpatialQueries.FENCES,
                new SpatialQueries.FenceRequest(null, cursor == null || cursor.isEmpty() ? null : cursor, limit),
                RestQueries.read(ctx));
        SpatialQueries.FenceList fences = gathered.value();
        GeoAnswers.write(ctx, GeoAnswers.GEO_JSON, json -> {
            json.writeStringField("type", "FeatureCollection");
            json.writeArrayFieldStart("features");
            for (SpatialQueries.FenceJson fence : fences.fences()) {
                json.writeRawValue(fence.json());
            }
            json.writeEndArray();
            json.writeNumberField("total", fences.total());
            json.writeStringField("nextCursor", fences.more() && !fences.fences().isEmpty()
                    ? fences.fences().get(fences.fences().size() - 1).id() : null);
            GeoAnswers.scatter(json, gathered);
        });
    }

    private void members(Context ctx) {
        RestQueries.onlyParameters(ctx, "limit", "cursor", "after", "consistency");
        String id = id(ctx, "fence");
        fence(ctx, id); // 404 for an unknown fence, rather than an empty answer
        int limit = limit(ctx);
        String cursor = ctx.queryParam("cursor");
        Gathered<SpatialQueries.Members> gathered = queries.scatter(SpatialQueries.MEMBERS, new SpatialQueries.MembersRequest(
                id, cursor == null || cursor.isEmpty() ? null : cursor, limit), RestQueries.read(ctx));
        SpatialQueries.Members members = gathered.value();
        GeoAnswers.write(ctx, GeoAnswers.GEO_JSON, json -> {
            json.writeStringField("type", "FeatureCollection");
            json.writeStringField("fenceId", id);
            json.writeArrayFieldStart("features");
            for (SpatialQueries.Member member : members.members()) {
                GeoAnswers.feature(json, member.deviceId(), member.lat(), member.lon(), properties -> {
                    properties.writeStringField("deviceId", member.deviceId());
                    properties.writeStringField("enteredAt", Instant.ofEpochMilli(member.enteredAt()).toString());
                    properties.writeStringField("ts", Instant.ofEpochMilli(member.ts()).toString());
                });
            }
            json.writeEndArray();
            json.writeStringField("nextCursor", members.more() && !members.members().isEmpty()
                    ? members.members().get(members.members().size() - 1).deviceId() : null);
            GeoAnswers.scatter(json, gathered);
        });
    }

    private void deviceFences(Context ctx) {
        RestQueries.onlyParameters(ctx, READ);
        String id = id(ctx, "device");
        Outcome<DevicePosition> outcome = queries.point(SpatialQueries.DEVICE, id, RestQueries.read(ctx),
                RestQueries.mayForward(ctx));
        RestQueries.servedBy(ctx, outcome);
        DevicePosition device = outcome.orElseThrow(() -> new NotFoundException("device " + id
                + " has no position: none of its events had a location"));
        GeoAnswers.write(ctx, ContentType.JSON, json -> {
            json.writeStringField("deviceId", id);
            json.writeObjectFieldStart("position");
            json.writeNumberField("lat", device.lat());
            json.writeNumberField("lon", device.lon());
            json.writeStringField("ts", Instant.ofEpochMilli(device.ts()).toString());
            json.writeEndObject();
            json.writeArrayFieldStart("geofences");
            for (FenceMembership membership : device.memberships()) {
                if (!membership.status().entered()) {
                    continue;
                }
                json.writeStartObject();
                json.writeStringField("fenceId", membership.fenceId());
                json.writeStringField("enteredAt", Instant.ofEpochMilli(membership.enteredAt()).toString());
                if (membership.status() == FenceMembership.Status.EXITING) {
                    json.writeStringField("outsideSince", Instant.ofEpochMilli(membership.since()).toString());
                }
                json.writeEndObject();
            }
            json.writeEndArray();
        });
    }
}
