package io.spectracache.devicestate;

import io.micrometer.core.instrument.docs.MeterDocumentation;
import io.spectracache.capability.Capability;
import io.spectracache.capability.ServingContext;
import io.spectracache.flight.FlightDataset;
import io.spectracache.rest.RouteGroup;
import io.spectracache.topics.StoreSpec;
import io.spectracache.topology.CapabilityTopology;
import java.util.List;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Device state: the latest state of every device ({@link DeviceStateTopology}), read with
 * {@code GET /v1/devices/{id}} ({@link DeviceQueries#GET}) from any instance.
 */
public final class DeviceStateCapability implements Capability {
    @Override
    public String name() {
        return "device-state";
    }

    @Override
    public ConfigDef defineSettings(ConfigDef def) {
        return DeviceStateSettings.define(def);
    }

    @Override
    public List<StoreSpec<?, ?>> queryableStores() {
        return List.of(DeviceStateTopology.STORE);
    }

    @Override
    public CapabilityTopology topology(AbstractConfig settings) {
        return new DeviceStateTopology(DeviceStateSettings.from(settings));
    }

    @Override
    public List<Object> queries() {
        return List.of(DeviceQueries.GET, DeviceQueries.SCAN);
    }

    @Override
    public List<RouteGroup> routes(ServingContext serving) {
        return List.of(new DeviceRoutes(serving.queries()));
    }

    @Override
    public List<FlightDataset> flightDatasets(AbstractConfig settings) {
        return List.of(new DeviceStatesFlight());
    }

    @Override
    public List<MeterDocumentation> meters() {
        return List.of(DeviceStateMeters.values());
    }
}
