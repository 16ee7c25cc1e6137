package io.spectracache.sketches;

import io.micrometer.core.instrument.docs.MeterDocumentation;
import io.spectracache.capability.Capability;
import io.spectracache.capability.ServingContext;
import io.spectracache.flight.FlightDataset;
import io.spectracache.rest.RouteGroup;
import io.spectracache.topics.StoreSpec;
import io.spectracache.topics.TopicSpec;
import io.spectracache.topology.CapabilityTopology;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Probabilistic state: windowed distinct counts (HLL), top-K heavy hitters (frequent items), membership filters
 * (scalable Bloom) and watch lists, kept per partition by {@link SketchesTopology} from the validated events, and
 * answered from any instance by gathering every instance's part and merging ({@link SketchQueries}) over REST
 * ({@link SketchRoutes}) and Arrow Flight (datasets {@code distinct} and {@code topk}). Out of the box: the distinct
 * count {@code devices} (device ids by tenant), the top-K {@code noisiest-devices} and the filter {@code seen-devices}.
 */
public final class SketchesCapability implements Capability {
    /** This instance's distinct-count queries and their merge cache (one capability object per instance). */
    private final SketchQueries sketches = new SketchQueries(SketchSettings.DEFAULT_MERGE_CACHE_BYTES);

    @Override
    public String name() {
        return "sketches";
    }

    @Override
    public ConfigDef defineSettings(ConfigDef def) {
        return SketchSettings.define(def);
    }

    /** Without settings: none (watch-list topics exist only for configured lists; see {@link #topics(AbstractConfig)}). */
    @Override
    public List<TopicSpec<?, ?>> topics() {
        return List.of();
    }

    /** Each watch list's compacted topic and the matches topic, when any watch list is configured. */
    @Override
    public List<TopicSpec<?, ?>> topics(AbstractConfig settings) {
        return new SketchesTopology(SketchSettings.from(settings)).topics();
    }

    @Override
    public List<StoreSpec<?, ?>> queryableStores() {
        // Readiness waits for those the topology builds (a store no definition needs is not built).
        return List.of(SketchesTopology.WINDOWS_STORE, SketchesTopology.SEEN_STORE, SketchesTopology.FILTERS_STORE);
    }

    @Override
    public CapabilityTopology topology(AbstractConfig settings) {
        return new SketchesTopology(SketchSettings.from(settings));
    }

    @Override
    public List<Object> queries() {
        return List.of(sketches.distinct(), sketches.distinctSeries(), SketchQueries.TOP_K,
                SketchQueries.MEMBERSHIP, DistinctGroups.GROUPS);
    }

    @Override
    public List<RouteGroup> routes(ServingContext serving) {
        SketchCatalog catalog = new SketchCatalog(SketchSettings.from(serving.settings()));
        sketches.boundMergeCache(catalog.settings().mergeCacheBytes());
        SketchQueryMeters.bindMergeCache(serving.meters(), sketches.mergeCache());
        return List.of(new SketchRoutes(serving.queries(), sketches, catalog,
                new WatchWriter(serving.writes(), serving.topicPrefix(), serving.writeTimeout()), serving.meters(),
                serving.topicPrefix(), Clock.systemUTC()),
                new WatchMatchRoutes(catalog, new WatchMatches(serving.topicTail(), serving.topicPrefix())));
    }

    @Override
    public List<FlightDataset> flightDatasets(AbstractConfig settings) {
        SketchCatalog catalog = new SketchCatalog(SketchSettings.from(settings));
        if (!catalog.enabled()) {
            return List.of();
        }
        List<FlightDataset> datasets = new ArrayList<>();
        if (!catalog.settings().distinct().isEmpty()) {
            datasets.add(new DistinctFlight(sketches, catalog, Clock.systemUTC()));
        }
        if (!catalog.settings().topK().isEmpty()) {
            datasets.add(new TopKFlight(catalog, Clock.systemUTC()));
        }
        return datasets;
    }

    /** Empties this instance's merge cache (its queries then merge every window as read). */
    @Override
    public void close() {
        sketches.close();
    }

    @Override
    public List<MeterDocumentation> meters() {
        List<MeterDocumentation> meters = new ArrayList<>(List.of(SketchMeters.values()));
        meters.addAll(List.of(SketchQueryMeters.values()));
        return meters;
    }
}
