package io.spectracache.timeseries;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.docs.MeterDocumentation;

/**
 * The Micrometer meters of time series, declared once. All are counters shared by every stream task of the
 * process, registered at zero (for every tier and reason) when a {@link TimeSeriesTopology} is built.
 */
public enum TimeSeriesMeters implements MeterDocumentation {
    /**
     * Readings not kept in one tier, tagged {@link #TIER_TAG} ({@code raw}, a rollup tier's name such as {@code 1m},
     * or {@code all}) and {@link #REASON_TAG}: {@code not-finite} (NaN or ±Infinity, tier {@code all}: no series
     * keeps them), {@code beyond-grace} (raw only: later than the grace behind its series' newest point),
     * {@code beyond-retention} (older than that tier keeps). A reading skipped by one tier still reaches the others.
     */
    POINTS_SKIPPED("spectra.timeseries.points.skipped", "readings not kept in a tier, by tier and reason"),
    /**
     * Readings merged into a chunk or bucket already sealed (decoded, changed, written again), tagged
     * {@link #TIER_TAG}: the cost of late and out-of-order data.
     */
    POINTS_MERGED_LATE("spectra.timeseries.points.merged.late",
            "late readings merged into an already sealed chunk or bucket, by tier"),
    /** Raw chunks sealed (compressed and written to {@code timeseries-raw}), late rewrites not included. */
    CHUNKS_SEALED("spectra.timeseries.chunks.sealed", "raw chunks sealed");

    /** Which tier a meter counted for: {@code raw}, a rollup tier's name, or {@code all}. */
    public static final String TIER_TAG = "tier";
    /** Why {@link #POINTS_SKIPPED} skipped a reading. */
    public static final String REASON_TAG = "reason";
    /** {@link #TIER_TAG} of the raw chunks. */
    public static final String TIER_RAW = "raw";
    /** {@link #TIER_TAG} of readings skipped everywhere. */
    public static final String TIER_ALL = "all";
    /** {@link #REASON_TAG}: NaN or ±Infinity. */
    public static final String REASON_NOT_FINITE = "not-finite";
    /** {@link #REASON_TAG}: later than the grace behind its series' newest point (raw only). */
    public static final String REASON_BEYOND_GRACE = "beyond-grace";
    /** {@link #REASON_TAG}: older than the tier keeps. */
    public static final String REASON_BEYOND_RETENTION = "beyond-retention";

    private final String meterName;
    private final String description;

    TimeSeriesMeters(String meterName, String description) {
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

    /** The meter's name as registered, for example {@code spectra.timeseries.points.skipped}. */
    public String meterName() {
        return meterName;
    }

    /** What the meter counts, as registered with it. */
    public String description() {
        return description;
    }
}
