package io.spectracache.devicestate;

import static java.util.Objects.requireNonNull;

import io.javalin.config.RoutesConfig;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.spectracache.devices.DeviceState;
import io.spectracache.errors.InvalidRequestException;
import io.spectracache.errors.NotFoundException;
import io.spectracache.query.Outcome;
import io.spectracache.query.QueryService;
import io.spectracache.rest.RestQueries;
import io.spectracache.rest.RouteGroup;
import io.spectracache.serialization.WireWriters;

/** {@code GET /v1/devices/{id}}: the latest state of one device, from whichever instance owns it. */
final class DeviceRoutes implements RouteGroup {
    static final int MAX_DEVICE_ID_LENGTH = 256;

    private final QueryService queries;

    DeviceRoutes(QueryService queries) {
        this.queries = requireNonNull(queries, "queries");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.get("/v1/devices/{id}", this::getDevice);
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
}
