package io.spectracache.rest;

import static java.util.Objects.requireNonNull;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Supplier;

/**
 * Operating endpoints: {@code GET /health/live} (the process answers), {@code GET /health/ready} (streams
 * running and every store answering: send traffic here) and {@code GET /metrics} (Prometheus text).
 */
public final class HealthRoutes implements RouteGroup {
    private final Supplier<Readiness> readiness;
    private final PrometheusMeterRegistry registry;

    /** Whether the instance can serve queries, and why not. */
    public record Readiness(boolean ready, String state, String detail) {
    }

    HealthRoutes(Supplier<Readiness> readiness, PrometheusMeterRegistry registry) {
        this.readiness = requireNonNull(readiness, "readiness");
        this.registry = requireNonNull(registry, "registry");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.get("/health/live", ctx -> ctx.json(new Readiness(true, "LIVE", "the process answers")));
        routes.get("/health/ready", this::ready);
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
    }

    private void ready(Context ctx) {
        Readiness now = readiness.get();
        if (!now.ready()) {
            ctx.header("Retry-After", "1");
        }
        ctx.status(now.ready() ? 200 : 503).json(now);
    }
}
