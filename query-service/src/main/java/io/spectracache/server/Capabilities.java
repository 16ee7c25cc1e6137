package io.spectracache.server;

import io.spectracache.capability.Capability;
import io.spectracache.devicestate.DeviceStateCapability;
import io.spectracache.ingest.IngestCapability;
import io.spectracache.keyvalue.KeyValueCapability;
import io.spectracache.spatial.SpatialCapability;
import io.spectracache.sketches.SketchesCapability;
import io.spectracache.timeseries.TimeSeriesCapability;
import io.spectracache.topics.StoreSpec;
import io.spectracache.topics.TopicSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;

/**
 * The composition root's one list: every capability of this release, in topology order. Ingest comes first, as it
 * provides the validated event stream the others attach to. Configuration, topic setup, the topology, readiness,
 * the query service and the REST server all iterate this list; adding a capability is one line here.
 */
public final class Capabilities {
    /**
     * Every capability, ingest first: for what needs no instance (settings, topology shape); an instance runs on its
     * own objects ({@link #all()}).
     */
    public static final List<Capability> ALL = all();

    /** Every capability, ingest first, as new objects: one instance's own (a capability may hold a cache). */
    public static List<Capability> all() {
        return List.of(
                new IngestCapability(),
                new DeviceStateCapability(),
                new KeyValueCapability(),
                new TimeSeriesCapability(),
                new SpatialCapability(),
                new SketchesCapability());
    }

    private Capabilities() {
    }

    /** Every topic the capabilities declare with these settings, once each, in declaration order. */
    static List<TopicSpec<?, ?>> topics(List<Capability> capabilities, AbstractConfig settings) {
        Set<TopicSpec<?, ?>> topics = new LinkedHashSet<>();
        capabilities.forEach(capability -> topics.addAll(capability.topics(settings)));
        return List.copyOf(topics);
    }

    /** Every store the capabilities' queries read. */
    static List<StoreSpec<?, ?>> queryableStores(List<Capability> capabilities) {
        List<StoreSpec<?, ?>> stores = new ArrayList<>();
        capabilities.forEach(capability -> stores.addAll(capability.queryableStores()));
        return List.copyOf(stores);
    }

    /** Every query the capabilities declare. */
    static List<Object> queries(List<Capability> capabilities) {
        List<Object> queries = new ArrayList<>();
        capabilities.forEach(capability -> queries.addAll(capability.queries()));
        return List.copyOf(queries);
    }
}
