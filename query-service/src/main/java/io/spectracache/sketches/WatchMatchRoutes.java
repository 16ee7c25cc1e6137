package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import io.javalin.config.RoutesConfig;
import io.spectracache.rest.ApiOperation;
import io.spectracache.rest.RestQueries;
import io.spectracache.rest.RouteGroup;

/**
 * {@code GET /v1/watch/{name}/matches?limit=}: the newest events a watch list matched, read from the watch-matches
 * topic ({@link WatchMatches}). Switched off ({@value SketchSettings#ENABLED_CONFIG}=false) it answers 404 saying so;
 * an unknown list answers 404 listing the defined ones.
 */
final class WatchMatchRoutes implements RouteGroup {
    private final SketchCatalog catalog;
    private final WatchMatches matches;

    WatchMatchRoutes(SketchCatalog catalog, WatchMatches matches) {
        this.catalog = requireNonNull(catalog, "catalog");
        this.matches = requireNonNull(matches, "matches");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        ApiOperation.get("/v1/watch/{name}/matches").tag("sketches")
                .summary("The newest events whose field is on a watch list (copies on the watch.matches topic), "
                        + "committed ones only, newest first")
                .pathParam("name", "the watch list (GET /v1/sketches lists them)")
                .query("limit", "integer", "how many, 1 to " + WatchMatches.MAX_LIMIT + " (default "
                        + WatchMatches.DEFAULT_LIMIT + ")")
                .json(200, "the newest matches with their events", WatchMatches.Answer.class)
                .addTo(routes, ctx -> {
                    if (!catalog.enabled()) {
                        throw SketchCatalog.off();
                    }
                    RestQueries.onlyParameters(ctx, "limit");
                    WatchDefinition watch = catalog.watch(ctx.pathParam("name"));
                    int limit = (int) RestQueries.wholeNumber(ctx, "limit", 1, WatchMatches.MAX_LIMIT, "matches")
                            .orElse(WatchMatches.DEFAULT_LIMIT);
                    ctx.json(matches.latest(watch, limit));
                });
    }
}
