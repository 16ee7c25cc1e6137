package io.spectracache.cluster;

import static java.util.Objects.requireNonNull;

import io.javalin.config.RoutesConfig;
import io.spectracache.rest.ApiOperation;
import io.spectracache.rest.RestQueries;
import io.spectracache.rest.RouteGroup;

/**
 * {@code GET /v1/cluster}: every instance, the partitions it holds per store (active and standby), standby lag,
 * restore progress and input lag per partition, from whichever instance is asked. The internal
 * {@code GET /internal/v1/cluster} and {@code /internal/v1/cluster/live} answer one instance's own status to the others.
 */
public final class ClusterRoutes implements RouteGroup {
    private final ClusterStatus status;

    public ClusterRoutes(ClusterStatus status) {
        this.status = requireNonNull(status, "status");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        ApiOperation.get("/v1/cluster").tag("cluster")
                .summary("Instances, the partitions each holds per store, standby lag, restore progress, input lag")
                .description("Assignments come from Kafka Streams' metadata; each instance's lags are asked over the "
                        + "internal API. An instance that does not answer is listed without status, and the answer is "
                        + "partial.")
                .json(200, "the cluster", ClusterView.class)
                .addTo(routes, ctx -> {
                    RestQueries.onlyParameters(ctx);
                    ctx.json(status.cluster());
                });
        ApiOperation.get(ClusterStatus.INTERNAL_PATH).tag("internal")
                .summary("This instance's own status (instances ask each other)")
                .json(200, "this instance's status", LocalStatus.class)
                .addTo(routes, ctx -> {
                    RestQueries.onlyParameters(ctx);
                    ctx.json(status.local());
                });
        ApiOperation.get(ClusterStatus.INTERNAL_LIVE_PATH).tag("internal")
                .summary("This instance's live counters (instances ask each other)")
                .json(200, "this instance's counters", LocalStatus.Live.class)
                .addTo(routes, ctx -> {
                    RestQueries.onlyParameters(ctx);
                    ctx.json(status.liveLocal());
                });
    }
}
