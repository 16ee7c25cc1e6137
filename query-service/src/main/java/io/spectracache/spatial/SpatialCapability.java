package io.spectracache.spatial;

import io.micrometer.core.instrument.docs.MeterDocumentation;
import io.spectracache.capability.Capability;
import io.spectracache.capability.ServingContext;
import io.spectracache.flight.FlightDataset;
import io.spectracache.rest.RouteGroup;
import io.spectracache.topics.StoreSpec;
import io.spectracache.topics.TopicSpec;
import io.spectracache.topology.CapabilityTopology;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Spatial: every device's newest position in a cell-ordered index ({@link SpatialTopology}), answered by radius, box,
 * polygon and nearest queries as GeoJSON ({@link GeoRoutes}) and Arrow ({@code geo-query}, {@code geo-positions}); and
 * geofences on {@code spectra.geofences} with exactly-once enter/exit transitions to
 * {@code spectra.geofence.transitions} ({@link GeofenceRoutes}).
 */
public final class SpatialCapability implements Capability {
    @Override
    public String name() {
        return "spatial";
    }

    @Override
    public ConfigDef defineSettings(ConfigDef def) {
        return SpatialServing.define(def);
    }

    @Override
    public List<TopicSpec<?, ?>> topics() {
        return List.of(SpatialTopics.GEOFENCES, SpatialTopics.GEOFENCE_TRANSITIONS);
    }

    @Override
    public List<StoreSpec<?, ?>> queryableStores() {
        return List.of(SpatialTopology.INDEX_STORE, SpatialTopology.DEVICES_STORE, SpatialTopology.MEMBERS_STORE);
    }

    @Override
    public CapabilityTopology topology(AbstractConfig settings) {
        return new SpatialTopology(SpatialSettings.from(settings));
    }

    @Override
    public List<Object> queries() {
        return List.of(SpatialQueries.RADIUS, SpatialQueries.BOX, SpatialQueries.WITHIN, SpatialQueries.NEAREST,
                SpatialQueries.SCAN, SpatialQueries.FENCES, SpatialQueries.MEMBERS, SpatialQueries.DEVICE);
    }

    @Override
    public List<RouteGroup> routes(ServingContext serving) {
        SpatialServing settings = SpatialServing.from(serving.settings());
        GeofenceWriter writer = new GeofenceWriter(serving.writes(), SpatialTopics.GEOFENCES.name(serving.topicPrefix()),
                serving.writeTimeout());
        return List.of(new GeoRoutes(serving.queries(), settings, Clock.systemUTC()),
                new GeofenceRoutes(serving.queries(), writer, settings));
    }

    @Override
    public List<FlightDataset> flightDatasets(AbstractConfig settings) {
        return List.of(new GeoPositionsFlight(), new GeoQueryFlight(SpatialServing.from(settings), Clock.systemUTC()));
    }

    @Override
    public List<MeterDocumentation> meters() {
        return List.of(SpatialMeters.values());
    }
}
