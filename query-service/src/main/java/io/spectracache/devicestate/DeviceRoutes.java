package io.spectracache.devicestate;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import io.javalin.config.RoutesConfig;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.spectracache.devices.DeviceState;
import io.spectracache.errors.InvalidRequestException;
import io.spectracache.errors.NotFoundException;
import io.spectracache.query.Gathered;
import io.spectracache.query.Outcome;
import io.spectracache.query.QueryService;
import io.spectracache.rest.ApiOperation;
import io.spectracache.rest.RestQueries;
import io.spectracache.rest.RouteGroup;
import io.spectracache.serialization.Json;
import io.spectracache.serialization.WireWriters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /v1/devices/{id}}: the latest state of one device, from whichever instance owns it; and
 * {@code GET /v1/devices?prefix=&limit=&cursor=}: every device's state in id order, a page at a time, gathered from
 * every instance with the contract of the cache's scan ({@code partial}, {@code failedInstances}, {@code partitions}).
 */
final class DeviceRoutes implements RouteGroup {
    static final int MAX_DEVICE_ID_LENGTH = 256;
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1_000;

    private final QueryService queries;

    DeviceRoutes(QueryService queries) {
        this.queries = requireNonNull(queries, "queries");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        ApiOperation.get("/v1/devices").tag("devices")
                .summary("Device states in id order, a page at a time, gathered from every instance")
                .query("prefix", "string", "only devices whose id starts with this")
                .query("limit", "integer", "devices per page, 1 to " + MAX_LIMIT + " (default " + DEFAULT_LIMIT + ")")
                .query("cursor", "string", "the nextCursor of the previous page")
                .query("consistency", "string", "latest (default: the newest state) or committed (only committed state)")
                .query("after", "string", "a consistency token a write returned: answer only from state that includes it")
                .json(200, "a page of device states", DevicePage.class)
                .addTo(routes, this::listDevices);
        ApiOperation.get("/v1/devices/{id}").tag("devices")
                .summary("The latest state of one device, from the instance that owns it")
                .pathParam("id", "the device id")
                .query("consistency", "string", "latest (default: the newest state) or committed (only committed state)")
                .query("after", "string", "a consistency token a write returned: answer only from state that includes it")
                .json(200, "the device's latest state", DeviceState.class)
                .addTo(routes, this::getDevice);
    }

    /** The shape of a {@code GET /v1/devices} answer (written by hand below), for the API document. */
    record DevicePage(java.util.List<DeviceState> items, String nextCursor, boolean partial,
                      java.util.List<String> failedInstances, java.util.Set<Integer> partitions) {
    }

    private void getDevice(Context ctx) {
        RestQueries.onlyParameters(ctx, "after", "consistency");
        String deviceId = ctx.pathParam("id");
        if (deviceId.isBlank() || deviceId.length() > MAX_DEVICE_ID_LENGTH) {
            throw new InvalidRequestException("id: a device id is 1 to " + MAX_DEVICE_ID_LENGTH + " characters");
        }
        Outcome<DeviceState> outcome = queries.point(DeviceQueries.GET, deviceId, RestQueries.read(ctx), RestQueries.mayForward(ctx));
        RestQueries.servedBy(ctx, outcome);
        DeviceState state = outcome.orElseThrow(() -> new NotFoundException("no device " + deviceId + " has sent an event"));
        // The hand-written writer: the same JSON as databind (a test holds it to that), a third of the cost.
        ctx.contentType(ContentType.APPLICATION_JSON).result(WireWriters.deviceState(state));
    }

    private void listDevices(Context ctx) {
        RestQueries.onlyParameters(ctx, "prefix", "limit", "cursor", "after", "consistency");
        int limit = (int) RestQueries.wholeNumber(ctx, "limit", 1, MAX_LIMIT, "devices").orElse(DEFAULT_LIMIT);
        String prefix = ctx.queryParam("prefix");
        String cursor = ctx.queryParam("cursor");
        if ((prefix != null && prefix.length() > MAX_DEVICE_ID_LENGTH) || (cursor != null && cursor.length() > MAX_DEVICE_ID_LENGTH)) {
            throw new InvalidRequestException("prefix and cursor: at most " + MAX_DEVICE_ID_LENGTH + " characters, as device ids");
        }
        Gathered<DeviceQueries.ScanPart> page = queries.scatter(DeviceQueries.SCAN,
                new DeviceQueries.ScanRequest(prefix, cursor, limit), RestQueries.read(ctx));
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + 512 * page.value().states().size());
        try (JsonGenerator json = Json.mapper().getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeArrayFieldStart("items");
            for (DeviceState state : page.value().states()) {
                json.writeRawValue(new String(WireWriters.deviceState(state), StandardCharsets.UTF_8));
            }
            json.writeEndArray();
            json.writeStringField("nextCursor", page.value().nextCursor());
            json.writeBooleanField("partial", page.partial());
            json.writeArrayFieldStart("failedInstances");
            for (String failed : page.failedInstances()) {
                json.writeString(failed);
            }
            json.writeEndArray();
            json.writeArrayFieldStart("partitions");
            for (int partition : page.partitions()) {
                json.writeNumber(partition);
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        ctx.contentType(ContentType.APPLICATION_JSON).result(out.toByteArray());
    }
}
