package io.spectracache.timeseries;

import io.micrometer.core.instrument.docs.MeterDocumentation;
import io.spectracache.capability.Capability;
import io.spectracache.capability.ServingContext;
import io.spectracache.flight.FlightDataset;
import io.spectracache.rest.RouteGroup;
import io.spectracache.topics.StoreSpec;
import io.spectracache.topology.CapabilityTopology;
import java.time.Clock;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Time series: every numeric metric of every device as a series of raw points (compressed chunks, kept for the hot
 * window) and rollup tiers (count, sum, min, max, first, last and a KLL sketch per bucket), built by
 * {@link TimeSeriesTopology} from the validated events, and read by device or fleet-wide over REST
 * ({@link SeriesRoutes}) and Arrow Flight (datasets {@code series} and {@code series-buckets}).
 */
public final class TimeSeriesCapability implements Capability {
    /** Arrow buffers of REST's Arrow answers: bounded, so a burst of large answers fails cleanly instead of the JVM. */
    private static final long ARROW_MEMORY_BYTES = 256L * 1024 * 1024;
    private static final BufferAllocator ARROW = new RootAllocator(ARROW_MEMORY_BYTES);

    @Override
    public String name() {
        return "timeseries";
    }

    @Override
    public ConfigDef defineSettings(ConfigDef def) {
        return SeriesServing.define(def);
    }

    @Override
    public List<StoreSpec<?, ?>> queryableStores() {
        // Readiness waits for the open store: every series read starts there (and its partitions are the others').
        return List.of(new TimeSeriesTopology().openStore());
    }

    @Override
    public CapabilityTopology topology(AbstractConfig settings) {
        return new TimeSeriesTopology(TimeSeriesSettings.from(settings));
    }

    @Override
    public List<Object> queries() {
        return List.of(SeriesQueries.LIST, SeriesQueries.RAW, SeriesQueries.BUCKETS, SeriesQueries.GROUP,
                SeriesQueries.SCAN, SeriesQueries.METRICS, SeriesQueries.DEVICES);
    }

    @Override
    public List<RouteGroup> routes(ServingContext serving) {
        return List.of(new SeriesRoutes(serving.queries(), SeriesServing.from(serving.settings()), ARROW, Clock.systemUTC()));
    }

    @Override
    public List<FlightDataset> flightDatasets(AbstractConfig settings) {
        SeriesServing serving = SeriesServing.from(settings);
        if (!serving.series().enabled()) {
            return List.of();
        }
        return List.of(new SeriesPointsFlight(serving, Clock.systemUTC()), new SeriesBucketsFlight(serving, Clock.systemUTC()));
    }

    @Override
    public List<MeterDocumentation> meters() {
        return List.of(TimeSeriesMeters.values());
    }
}
