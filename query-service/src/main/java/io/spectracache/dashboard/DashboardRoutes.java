package io.spectracache.dashboard;

import static java.util.Objects.requireNonNull;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseHandler;
import io.spectracache.errors.NotFoundException;
import io.spectracache.rest.ApiOperation;
import io.spectracache.rest.RestQueries;
import io.spectracache.rest.RouteGroup;

/**
 * The dashboard over HTTP: {@code GET /} (the page), {@code GET /dashboard/{file}} (its script, style, echarts and the
 * world's outlines), {@code GET /docs} and {@code /docs/{file}} (Swagger UI over {@code /openapi.json}), and the three
 * questions the page asks besides the public API: {@code GET /v1/dashboard/live} (Server-Sent Events, a sample a
 * second), {@code GET /v1/dashboard/map} (a bounded sample of device positions) and {@code GET /v1/dashboard/dlq}
 * (the newest dead letters).
 */
final class DashboardRoutes implements RouteGroup {
    static final int DEFAULT_DLQ_LIMIT = 50;
    static final int MAX_DLQ_LIMIT = 500;

    private final LiveFeed live;
    private final MapSample map;
    private final DlqReader dlq;

    DashboardRoutes(LiveFeed live, MapSample map, DlqReader dlq) {
        this.live = requireNonNull(live, "live");
        this.map = requireNonNull(map, "map");
        this.dlq = requireNonNull(dlq, "dlq");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        ApiOperation.get("/").tag("dashboard").summary("The live dashboard (a web page)")
                .answers(200, "the page", "text/html")
                .addTo(routes, ctx -> asset(ctx, "/"));
        ApiOperation.get("/dashboard/{file}").tag("dashboard").summary("A file of the dashboard page")
                .pathParam("file", "app.js, app.css, echarts.min.js or world.json")
                .answers(200, "the file", "application/octet-stream")
                .addTo(routes, ctx -> asset(ctx, "/dashboard/" + ctx.pathParam("file")));
        ApiOperation.get("/docs").tag("dashboard").summary("Swagger UI over /openapi.json")
                .answers(200, "the page", "text/html")
                .addTo(routes, ctx -> asset(ctx, "/docs"));
        ApiOperation.get("/docs/{file}").tag("dashboard").summary("A file of Swagger UI")
                .pathParam("file", "a file of Swagger UI")
                .answers(200, "the file", "application/octet-stream")
                .addTo(routes, ctx -> asset(ctx, "/docs/" + ctx.pathParam("file")));
        SseHandler events = new SseHandler(live::add);
        ApiOperation.get("/v1/dashboard/live").tag("dashboard")
                .summary("Live figures as Server-Sent Events: event 'history' (the last five minutes), then 'sample' each second")
                .description("Each sample: at (epoch ms), instances, partial, ingestRate, acceptedRate, duplicatesRate "
                        + "(events/s), dlqRateByReason, consumerLag (records), freshnessMs and freshnessMaxMs (event time "
                        + "to processed, Kafka Streams' record-e2e-latency). Rates are summed over the instances.")
                .answers(200, "an event stream", "text/event-stream")
                .addTo(routes, ctx -> {
                    RestQueries.onlyParameters(ctx);
                    events.handle(ctx);
                });
        ApiOperation.get("/v1/dashboard/map").tag("dashboard")
                .summary("A bounded sample of device positions for the map (at most " + Dashboard.MAP_CAPACITY + ")")
                .description("Each call reads one more page of the device scan and answers the newest positions of "
                        + "the devices read most recently: a small fleet whole, a large one as a moving window.")
                .json(200, "the sample", MapSample.Answer.class)
                .addTo(routes, ctx -> {
                    RestQueries.onlyParameters(ctx);
                    ctx.json(map.refresh());
                });
        ApiOperation.get("/v1/dashboard/dlq").tag("dashboard")
                .summary("The newest dead letters, with reason, detail and source topic, partition and offset")
                .query("limit", "integer", "how many, 1 to " + MAX_DLQ_LIMIT + " (default " + DEFAULT_DLQ_LIMIT + ")")
                .json(200, "newest first", DlqReader.Answer.class)
                .addTo(routes, ctx -> {
                    RestQueries.onlyParameters(ctx, "limit");
                    int limit = (int) RestQueries.wholeNumber(ctx, "limit", 1, MAX_DLQ_LIMIT, "records").orElse(DEFAULT_DLQ_LIMIT);
                    ctx.json(dlq.latest(limit));
                });
    }

    private static void asset(Context ctx, String path) {
        RestQueries.onlyParameters(ctx);
        DashboardAssets.Asset asset = DashboardAssets.find(path)
                .orElseThrow(() -> new NotFoundException("the dashboard has no file " + path));
        ctx.header("Cache-Control", path.equals("/") || path.equals("/docs") ? "no-cache" : "max-age=3600");
        ctx.contentType(asset.contentType()).result(asset.bytes());
    }
}
