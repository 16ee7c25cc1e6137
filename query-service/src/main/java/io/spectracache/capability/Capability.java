package io.spectracache.capability;

import io.micrometer.core.instrument.docs.MeterDocumentation;
import io.spectracache.flight.FlightDataset;
import io.spectracache.rest.RouteGroup;
import io.spectracache.topics.StoreSpec;
import io.spectracache.topics.TopicSpec;
import io.spectracache.topology.CapabilityTopology;
import java.util.List;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * One capability of SpectraCache (ingest, device state, the key-value cache, and the ones to come) as one unit,
 * in the manner of a Kafka Connect connector: it declares its settings, topics, stores, topology, queries, REST
 * routes, Flight datasets and meters, each in one place. The composition root keeps one list of capabilities
 * ({@code io.spectracache.server.Capabilities}); configuration, topic setup, the topology, readiness, the query
 * service and the REST server iterate it. Adding a capability is its own package plus one line on that list.
 *
 * <pre>{@code
 * public final class DeviceStateCapability implements Capability {
 *     public String name() { return "device-state"; }
 *     public List<StoreSpec<?, ?>> queryableStores() { return List.of(DeviceStateTopology.STORE); }
 *     public CapabilityTopology topology(AbstractConfig settings) { return new DeviceStateTopology(); }
 *     public List<Object> queries() { return List.of(DeviceQueries.GET); }
 *     public List<RouteGroup> routes(ServingContext serving) { return List.of(new DeviceRoutes(serving.queries())); }
 * }
 * }</pre>
 */
public interface Capability {
    /** A short, stable name (lower-case words joined by '-'): logs, and the prefix of its stores and operators. */
    String name();

    /** Adds this capability's {@code spectracache.<name>.*} settings to {@code def}; none by default. */
    default ConfigDef defineSettings(ConfigDef def) {
        return def;
    }

    /** The contract topics this capability reads or writes, which SpectraCache creates when missing. */
    default List<TopicSpec<?, ?>> topics() {
        return List.of();
    }

    /**
     * The contract topics with the instance's settings (which include {@link #defineSettings}): {@link #topics()}
     * unless some depend on them (the sketches' watch lists, one topic per configured name).
     */
    default List<TopicSpec<?, ?>> topics(AbstractConfig settings) {
        return topics();
    }

    /** The stores queries read: readiness waits until each answers on every active partition. */
    default List<StoreSpec<?, ?>> queryableStores() {
        return List.of();
    }

    /** The streams half, built from the instance's settings (which include {@link #defineSettings}). */
    CapabilityTopology topology(AbstractConfig settings);

    /**
     * The queries this capability answers ({@link io.spectracache.query.PointQuery} or
     * {@link io.spectracache.query.ScatterQuery}); other instances ask them by name over the internal query API.
     */
    default List<Object> queries() {
        return List.of();
    }

    /** REST routes, thin adapters over {@link ServingContext#queries()}. */
    default List<RouteGroup> routes(ServingContext serving) {
        return List.of();
    }

    /**
     * The datasets this capability serves over Arrow Flight (one ticket each), built from the instance's settings;
     * none by default.
     */
    default List<FlightDataset> flightDatasets(AbstractConfig settings) {
        return List.of();
    }

    /** The meters this capability registers, documented once. */
    default List<MeterDocumentation> meters() {
        return List.of();
    }

    /**
     * Releases what this capability's serving half holds (a cache), once, as its instance stops, after the servers.
     * Each instance has its own capability objects ({@code Capabilities.all()}), so nothing here is shared.
     */
    default void close() {
    }
}
