package io.spectracache.rest;

import static java.util.Objects.requireNonNull;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spectracache.health.Readiness;
import java.util.function.Supplier;

/**
 * Operating endpoints: {@code GET /health/live} (the process answers), {@code GET /health/ready} (streams
 * running and every store answering: send traffic here) and {@code GET /metrics} (Prometheus text).
 */
public final class HealthRoutes implements RouteGroup {
    private final Supplier<Readiness> readiness;
    private final PrometheusMeterRegistry registry;

    public HealthRoutes(Supplier<Readiness> readiness, PrometheusMeterRegistry registry) {
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
