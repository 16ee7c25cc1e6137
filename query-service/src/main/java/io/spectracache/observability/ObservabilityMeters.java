package io.spectracache.observability;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.docs.MeterDocumentation;

/** The meters of {@link StoreMeters}, declared once. */
public enum ObservabilityMeters implements MeterDocumentation {
    /** Records a store partition held here is behind its changelog (tags store, partition, role). */
    STORE_LAG("spectra.store.lag", "records", Meter.Type.GAUGE,
            "Records a store partition held here is behind its changelog: left to restore (active) or trailing (standby)"),
    /** Restore progress of an active store partition held here, 1 when caught up. */
    STORE_RESTORE_PROGRESS("spectra.store.restore.progress", "ratio", Meter.Type.GAUGE,
            "Restore progress of an active store partition held here: changelog position over end offset, 1 when caught up"),
    /** Records the stream threads have yet to read, per input partition. */
    CONSUMER_LAG("spectra.consumer.lag", "records", Meter.Type.GAUGE,
            "Records of an input partition the stream threads of this instance have yet to read"),
    /** Records the stream threads read, per topic and the topology that owns it. */
    RECORDS_IN("spectra.topology.in", "records", Meter.Type.COUNTER,
            "Records the stream threads read, per topic and the topology (capability) that owns it"),
    /** Records the stream threads wrote, per topic and the topology that owns it. */
    RECORDS_OUT("spectra.topology.out", "records", Meter.Type.COUNTER,
            "Records the stream threads wrote, per topic and the topology (capability) that owns it");

    private final String meterName;
    private final String baseUnit;
    private final Meter.Type type;
    private final String description;

    ObservabilityMeters(String meterName, String baseUnit, Meter.Type type, String description) {
        this.meterName = meterName;
        this.baseUnit = baseUnit;
        this.type = type;
        this.description = description;
    }

    @Override
    public String getName() {
        return meterName;
    }

    @Override
    public String getBaseUnit() {
        return baseUnit;
    }

    @Override
    public Meter.Type getType() {
        return type;
    }

    /** What the meter measures, for its HELP line. */
    public String description() {
        return description;
    }
}
