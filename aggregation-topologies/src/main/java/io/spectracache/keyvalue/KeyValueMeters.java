package io.spectracache.keyvalue;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.docs.MeterDocumentation;

/**
 * The Micrometer meters of the key-value cache, declared once. All are counters shared by every stream task of
 * the process.
 */
public enum KeyValueMeters implements MeterDocumentation {
    /**
     * {@code kv.writes} records that were not applied and went to {@code kv.writes.dlq}, tagged {@code reason}:
     * {@code null-key}, {@code invalid-key}, {@code invalid-ttl}, {@code value-too-large},
     * {@code record-too-large} (key, value and headers together) or {@code entry-too-large} (the stored entry).
     */
    WRITES_SKIPPED("spectra.kv.writes.skipped", "kv.writes records that were not applied but dead-lettered, by reason"),
    /** Entries deleted by the purge because their TTL had passed. */
    ENTRIES_EXPIRED("spectra.kv.entries.expired", "key-value entries deleted because their TTL had passed");

    /** The tag that says why {@link #WRITES_SKIPPED} counted a record. */
    public static final String REASON_TAG = "reason";

    private final String meterName;
    private final String description;

    KeyValueMeters(String meterName, String description) {
        this.meterName = meterName;
        this.description = description;
    }

    @Override
    public String getName() {
        return meterName;
    }

    @Override
    public Meter.Type getType() {
        return Meter.Type.COUNTER;
    }

    /** The meter's name as registered, for example {@code spectracache.kv.writes.skipped}. */
    public String meterName() {
        return meterName;
    }

    /** What the meter counts, as registered with it. */
    public String description() {
        return description;
    }
}
