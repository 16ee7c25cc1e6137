package io.spectracache.keyvalue;

import io.micrometer.core.instrument.docs.MeterDocumentation;
import io.spectracache.capability.Capability;
import io.spectracache.capability.ServingContext;
import io.spectracache.flight.FlightDataset;
import io.spectracache.rest.RouteGroup;
import io.spectracache.topics.StoreSpec;
import io.spectracache.topics.TopicSpec;
import io.spectracache.topics.Topics;
import io.spectracache.topology.CapabilityTopology;
import java.util.List;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The key-value cache: writes on {@code spectra.kv.writes} (from REST or any producer) applied by
 * {@link KeyValueTopology}, read by key or by ordered scan ({@link KeyValueQueries}) from any instance.
 */
public final class KeyValueCapability implements Capability {
    @Override
    public String name() {
        return "kv";
    }

    /** The most bytes of keys and values one scan page holds (past its first item), whatever its item limit. */
    public static final String SCAN_MAX_PAGE_BYTES_CONFIG = "spectracache.kv.scan.max.page.bytes";
    private static final String SCAN_MAX_PAGE_BYTES_DOC = "Most bytes of keys and values in one GET /v1/kv scan page "
            + "(a page always holds at least one entry); past it the page ends early with a nextCursor.";

    @Override
    public ConfigDef defineSettings(ConfigDef def) {
        return KeyValueSettings.define(def)
                .define(SCAN_MAX_PAGE_BYTES_CONFIG, ConfigDef.Type.LONG, 4L * 1024 * 1024, ConfigDef.Range.atLeast(1024),
                        ConfigDef.Importance.LOW, SCAN_MAX_PAGE_BYTES_DOC);
    }

    @Override
    public List<TopicSpec<?, ?>> topics() {
        return List.of(Topics.KV_WRITES, Topics.KV_WRITES_DLQ);
    }

    @Override
    public List<StoreSpec<?, ?>> queryableStores() {
        return List.of(KeyValueTopology.STORE);
    }

    @Override
    public CapabilityTopology topology(AbstractConfig settings) {
        return new KeyValueTopology(KeyValueSettings.from(settings));
    }

    @Override
    public List<Object> queries() {
        return List.of(KeyValueQueries.GET, KeyValueQueries.SCAN);
    }

    @Override
    public List<RouteGroup> routes(ServingContext serving) {
        CacheWriter writer = new CacheWriter(serving.writes(), Topics.KV_WRITES.name(serving.topicPrefix()), serving.writeTimeout());
        return List.of(new KeyValueRoutes(serving.queries(), writer, KeyValueSettings.from(serving.settings()).maxValueBytes(),
                serving.settings().getLong(SCAN_MAX_PAGE_BYTES_CONFIG)));
    }

    @Override
    public List<FlightDataset> flightDatasets(AbstractConfig settings) {
        return List.of(new KvEntriesFlight());
    }

    @Override
    public List<MeterDocumentation> meters() {
        return List.of(KeyValueMeters.values());
    }
}
