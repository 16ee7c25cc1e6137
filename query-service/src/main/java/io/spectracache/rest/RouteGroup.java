package io.spectracache.rest;

import io.javalin.config.RoutesConfig;

/** One capability's REST routes; {@link RestServer} adds every group at start-up. */
public interface RouteGroup {
    /** Declares this group's routes. Called once, before the server starts. */
    void addTo(RoutesConfig routes);
}
