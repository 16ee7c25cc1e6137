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
        ApiOperation.get("/health/live").tag("operations").summary("The process answers")
                .json(200, "live", Readiness.class)
                .addTo(routes, ctx -> ctx.json(new Readiness(true, "LIVE", "the process answers")));
        ApiOperation.get("/health/ready").tag("operations")
                .summary("200 when Kafka Streams runs and every store answers; 503 with the reason otherwise")
                .json(200, "ready", Readiness.class)
                .json(503, "not ready, with the reason", Readiness.class)
                .addTo(routes, this::ready);
        ApiOperation.get("/metrics").tag("operations").summary("Every meter, in Prometheus text format")
                .answers(200, "Prometheus text format 0.0.4", "text/plain")
                .addTo(routes, ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
    }

    private void ready(Context ctx) {
        Readiness now = readiness.get();
        if (!now.ready()) {
            ctx.header("Retry-After", "1");
        }
        ctx.status(now.ready() ? 200 : 503).json(now);
    }
}
