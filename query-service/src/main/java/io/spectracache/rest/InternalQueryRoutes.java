package io.spectracache.rest;

import static java.util.Objects.requireNonNull;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.spectracache.query.QueryService;
import io.spectracache.routing.PeerClient;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

/**
 * The internal query API, version 1: {@code POST /internal/v1/queries/{name}} with the query's parameters as the
 * body (and {@code ?after=} a consistency token) answers from this instance's own state only, never asking further.
 * 200 with the encoded answer (and {@link PeerClient#PARTITIONS_HEADER} for a scatter part), 204 when a point
 * query has no answer (an absent key), 503 with the JSON error body when this instance cannot answer now. Only instances call it.
 * {@code GET /internal/v1/flight} answers this instance's Arrow Flight port, so that a Flight endpoint can send a
 * client to every owner.
 */
public final class InternalQueryRoutes implements RouteGroup {
    private final QueryService queries;
    private final IntSupplier flightPort;

    /** @param flightPort this instance's Arrow Flight port at the time of asking, -1 without one */
    public InternalQueryRoutes(QueryService queries, IntSupplier flightPort) {
        this.queries = requireNonNull(queries, "queries");
        this.flightPort = requireNonNull(flightPort, "flightPort");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        ApiOperation.post(PeerClient.INTERNAL_PATH + "{name}").tag("internal")
                .summary("Answers a named query from this instance's own state (instances ask each other)")
                .pathParam("name", "the query's name")
                .query("consistency", "string", "latest or committed")
                .query("after", "string", "a consistency token")
                .body("application/json")
                .answers(200, "the encoded answer", "application/octet-stream")
                .answers(204, "no answer (an absent key)", null)
                .addTo(routes, this::answer);
        ApiOperation.get(PeerClient.FLIGHT_PATH).tag("internal")
                .summary("This instance's Arrow Flight port, -1 for none")
                .json(200, "the port", FlightPort.class)
                .addTo(routes, ctx -> {
            RestQueries.onlyParameters(ctx);
            ctx.json(Map.of("port", flightPort.getAsInt()));
        });
    }

    /** The answer of {@code GET /internal/v1/flight}. */
    record FlightPort(int port) {
    }

    private void answer(Context ctx) {
        QueryService.PeerReply reply = queries.answerForPeer(ctx.pathParam("name"), ctx.bodyAsBytes(), RestQueries.read(ctx));
        if (!reply.partitions().isEmpty()) {
            ctx.header(PeerClient.PARTITIONS_HEADER, reply.partitions().stream().sorted().map(String::valueOf)
                    .collect(Collectors.joining(",")));
        }
        ctx.status(reply.status()).contentType("application/octet-stream").result(reply.body());
    }
}
