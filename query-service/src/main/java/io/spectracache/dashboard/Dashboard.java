package io.spectracache.dashboard;

import static java.util.Objects.requireNonNull;

import io.spectracache.cluster.ClusterStatus;
import io.spectracache.devicestate.DeviceQueries;
import io.spectracache.query.Gathered;
import io.spectracache.query.QueryService;
import io.spectracache.rest.RouteGroup;
import io.spectracache.routing.ReadOptions;
import java.util.Map;

/**
 * The live dashboard's serving side: the page and its assets at {@code /} (from the {@code dashboard} module), Swagger
 * UI at {@code /docs}, the live figures over Server-Sent Events, the map's device sample and the dead-letter browser
 * ({@link DashboardRoutes}). It runs a sampler thread and a DLQ consumer: close it with the instance.
 *
 * <pre>{@code
 * Dashboard dashboard = Dashboard.start(cluster, queries, bootstrapServers, overrides, "spectra.events.dlq");
 * routes.add(dashboard.routes());
 * }</pre>
 */
public final class Dashboard implements AutoCloseable {
    /** Most devices the map shows at once. */
    static final int MAP_CAPACITY = 5_000;
    /** Devices read per map refresh (one page of the device scan). */
    static final int MAP_PAGE = 1_000;

    private final LiveFeed live;
    private final DlqReader dlq;
    private final DashboardRoutes routes;

    private Dashboard(LiveFeed live, DlqReader dlq, DashboardRoutes routes) {
        this.live = live;
        this.dlq = dlq;
        this.routes = routes;
    }

    /**
     * Starts the sampler and opens the DLQ reader.
     *
     * @param dlqTopic the dead-letter topic the browser shows
     */
    public static Dashboard start(ClusterStatus cluster, QueryService queries, String bootstrapServers,
                                  Map<String, Object> clientOverrides, String dlqTopic) {
        requireNonNull(cluster, "cluster");
        requireNonNull(queries, "queries");
        LiveFeed live = new LiveFeed(cluster::live, () -> cluster.members().size()).start();
        DlqReader dlq = new DlqReader(bootstrapServers, clientOverrides, dlqTopic);
        MapSample map = new MapSample(MAP_CAPACITY, MAP_PAGE, (cursor, limit) -> {
            Gathered<DeviceQueries.ScanPart> page = queries.scatter(DeviceQueries.SCAN,
                    new DeviceQueries.ScanRequest(null, cursor, limit), ReadOptions.LATEST);
            return new MapSample.Page(page.value().states(), page.value().nextCursor());
        }, System::nanoTime);
        return new Dashboard(live, dlq, new DashboardRoutes(live, map, dlq));
    }

    /** The routes to serve. */
    public RouteGroup routes() {
        return routes;
    }

    @Override
    public void close() {
        live.close();
        dlq.close();
    }
}
