package io.spectracache.ingest;

import io.spectracache.events.DeviceEvent;

/**
 * One raw record after validation, on its way to the split: either the valid {@link #event()}, or the original
 * key and value bytes of a rejected record (whose dead-letter headers already travel with the record). Lives only
 * between two processors of the same sub-topology, so it has no serde.
 */
record Checked(DeviceEvent event, byte[] rawKey, byte[] rawValue) {
    static Checked valid(DeviceEvent event) {
        return new Checked(event, null, null);
    }

    static Checked rejected(byte[] rawKey, byte[] rawValue) {
        return new Checked(null, rawKey, rawValue);
    }

    boolean isValid() {
        return event != null;
    }
}
