package io.spectracache.ingest;

import io.spectracache.events.DeviceEvent;

/**
 * One raw record after validation, on its way to the split: either the valid {@link #event()} (with its raw value
 * if that is already canonical), or the original key and value bytes of a rejected record (whose dead-letter headers already travel with the record). Lives only
 * between two processors of the same sub-topology, so it has no serde.
 */
record Checked(DeviceEvent event, boolean inPlace, byte[] rawKey, byte[] rawValue) {
    /**
     * @param inPlace   whether the raw record already sits on the partition its device id hashes to, so it may skip
     *                  the repartition hop
     * @param canonical the raw value if it is already the event's canonical JSON, else null
     */
    static Checked valid(DeviceEvent event, byte[] canonical, boolean inPlace) {
        return new Checked(event, inPlace, null, canonical);
    }

    /** A valid event with its canonical bytes when the raw record already had them. */
    Validated validated() {
        return new Validated(event, rawValue);
    }

    static Checked rejected(byte[] rawKey, byte[] rawValue) {
        return new Checked(null, false, rawKey, rawValue);
    }

    boolean isValid() {
        return event != null;
    }
}
