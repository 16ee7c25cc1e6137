package io.spectracache.ingest;

import io.spectracache.events.DeviceEvent;

/**
 * One raw record after validation, on its way to the split: either the valid {@link #event()}, or the original
 * key and value bytes of a rejected record (whose dead-letter headers already travel with the record). Lives only
 * between two processors of the same sub-topology, so it has no serde.
 */
record Checked(DeviceEvent event, boolean inPlace, byte[] rawKey, byte[] rawValue) {
    /**
     * @param inPlace whether the raw record already sits on the partition its device id hashes to, so it may skip
     *                the repartition hop
     */
    static Checked valid(DeviceEvent event, boolean inPlace) {
        return new Checked(event, inPlace, null, null);
    }

    static Checked rejected(byte[] rawKey, byte[] rawValue) {
        return new Checked(null, false, rawKey, rawValue);
    }

    boolean isValid() {
        return event != null;
    }
}
