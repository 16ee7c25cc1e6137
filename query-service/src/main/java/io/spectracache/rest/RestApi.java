package io.spectracache.rest;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spectracache.routing.LocalStores;
import io.spectracache.routing.PeerClient;
import io.spectracache.routing.Router;
import io.spectracache.writes.CacheWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The route groups of REST API v1, wired from an instance's parts.
 *
 * <pre>{@code RestServer.start(host, port, maxBody, RestApi.v1(router, stores, peers, writer, pool, partitions, ready, registry), registry);}</pre>
 */
public final class RestApi {
    private RestApi() {
    }

    /**
     * @param kvPartitions the partition count of {@code kv.writes}: a scan that covers fewer is partial
     * @param scatterPool  runs calls to other instances during scatter-gather
     */
    public static List<RouteGroup> v1(Router router, LocalStores stores, PeerClient peers, CacheWriter writer,
                                      ExecutorService scatterPool, IntSupplier kvPartitions,
                                      Supplier<HealthRoutes.Readiness> readiness, PrometheusMeterRegistry registry) {
        PointReads reads = new PointReads(router, stores, peers);
        return List.of(
                new HealthRoutes(readiness, registry),
                new DeviceRoutes(reads),
                new KeyValueRoutes(reads, writer, router, stores, peers, scatterPool, kvPartitions, Clock.systemUTC()));
    }
}
