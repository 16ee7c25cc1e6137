package io.spectracache.devices;

import io.spectracache.topics.StoreSpec;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The store of every device's latest state, as a contract: the device-state capability writes it; any capability
 * whose queries filter or group devices by tenant or attribute (series, spatial, the dashboard) reads it on the same
 * partition as its own stores, since every per-device store is partitioned by device id.
 */
public final class DeviceStateStore {
    /** {@code device-state}: one {@link DeviceState} per device id, in {@link DeviceStateSerde}'s format. */
    public static final StoreSpec<String, DeviceState> SPEC =
            new StoreSpec<>("device-state", Serdes.String(), new DeviceStateSerde());

    private DeviceStateStore() {
    }
}
