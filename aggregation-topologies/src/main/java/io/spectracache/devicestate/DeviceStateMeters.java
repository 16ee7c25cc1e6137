package io.spectracache.devicestate;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.docs.MeterDocumentation;

/**
 * The Micrometer meters of device state, declared once. All are counters shared by every stream task of the
 * process, registered at zero when a {@link DeviceStateTopology} is built.
 */
public enum DeviceStateMeters implements MeterDocumentation {
    /**
     * Metrics evicted from a device's state, tagged {@link #LIMIT_TAG}: {@code max-metrics} when a new metric
     * passed {@code spectracache.devicestate.max.metrics}, {@code max-state-bytes} when the state passed its byte
     * limit. The least recently updated metric goes first.
     */
    METRICS_EVICTED("spectra.devicestate.metrics.evicted", "metrics evicted from device states, by limit"),
    /** Last events stored without their attributes and metrics because they did not fit the byte limit alone. */
    LAST_EVENTS_TRIMMED("spectra.devicestate.last.events.trimmed",
            "last events stored without attributes and metrics because they were too large");

    /** The tag that says which limit {@link #METRICS_EVICTED} counted for. */
    public static final String LIMIT_TAG = "limit";
    /** {@link #LIMIT_TAG} value of evictions for the metric count limit. */
    public static final String LIMIT_MAX_METRICS = "max-metrics";
    /** {@link #LIMIT_TAG} value of evictions for the byte limit. */
    public static final String LIMIT_MAX_STATE_BYTES = "max-state-bytes";

    private final String meterName;
    private final String description;

    DeviceStateMeters(String meterName, String description) {
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

    /** The meter's name as registered, for example {@code spectra.devicestate.metrics.evicted}. */
    public String meterName() {
        return meterName;
    }

    /** What the meter counts, as registered with it. */
    public String description() {
        return description;
    }
}
