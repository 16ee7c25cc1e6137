package io.spectracache.rest;

import static java.util.Objects.requireNonNull;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.spectracache.query.QueryService;
import io.spectracache.routing.PeerClient;
import java.util.stream.Collectors;

/**
 * The internal query API, version 1: {@code POST /internal/v1/queries/{name}} with the query's parameters as the
 * body (and {@code ?after=} a consistency token) answers from this instance's own state only, never asking further.
 * 200 with the encoded answer (and {@link PeerClient#PARTITIONS_HEADER} for a scatter part), 204 when a point
 * query has no answer (an absent key), 503 with the JSON error body when this instance cannot answer now. Only instances call it.
 */
public final class InternalQueryRoutes implements RouteGroup {
    private final QueryService queries;

    public InternalQueryRoutes(QueryService queries) {
        this.queries = requireNonNull(queries, "queries");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.post(PeerClient.INTERNAL_PATH + "{name}", this::answer);
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
