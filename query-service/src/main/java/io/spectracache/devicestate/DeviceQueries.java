package io.spectracache.devicestate;

import io.spectracache.devices.DeviceState;
import io.spectracache.query.Codec;
import io.spectracache.query.PointQuery;

/** The queries of the device-state capability, for every transport. */
public final class DeviceQueries {
    /** The latest state of one device (parameters: the device id), answered by the device's owner. */
    public static final PointQuery<String, String, DeviceState> GET = PointQuery.of("device-state.get",
            Codec.json(String.class), DeviceStateTopology.STORE, deviceId -> deviceId,
            Codec.serde(DeviceStateTopology.STORE.valueSerde()),
            (deviceId, partition, stores, read) -> stores.get(DeviceStateTopology.STORE, deviceId, partition, read));

    private DeviceQueries() {
    }
}
