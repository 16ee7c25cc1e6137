package io.spectracache.rest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.router.Endpoint;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 document of every route this server holds, built once from their
 * {@link ApiOperation}s on first request (routes do not change after start).
 */
final class OpenApiRoutes implements RouteGroup {
    private final Supplier<List<Endpoint>> endpoints;
    private volatile byte[] document;

    /** @param endpoints every endpoint of the started server */
    OpenApiRoutes(Supplier<List<Endpoint>> endpoints) {
        this.endpoints = requireNonNull(endpoints, "endpoints");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        ApiOperation.get("/openapi.json").tag("operations")
                .summary("This API as an OpenAPI 3.1 document, generated from the routes the server holds")
                .answers(200, "the document", "application/json")
                .addTo(routes, ctx -> {
                    RestQueries.onlyParameters(ctx);
                    ctx.contentType("application/json").result(document());
                });
    }

    private byte[] document() {
        byte[] built = document;
        if (built == null) {
            ObjectNode node = OpenApiDocument.of(endpoints.get(), version());
            built = node.toPrettyString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            document = built;
        }
        return built;
    }

    private static String version() {
        String version = OpenApiRoutes.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
