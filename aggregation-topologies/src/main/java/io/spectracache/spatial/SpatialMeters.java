package io.spectracache.spatial;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.docs.MeterDocumentation;

/**
 * The Micrometer meters of the spatial capability, declared once. Counters are shared by every stream task of the
 * process and registered at zero (for every tag value) when a {@link SpatialTopology} is built.
 */
public enum SpatialMeters implements MeterDocumentation {
    /** Positions applied to the index (an event with a {@code location} at least as new as its device's position). */
    POSITIONS_UPDATED("spectra.spatial.positions.updated", Meter.Type.COUNTER,
            "positions applied to the position index"),
    /**
     * Positions not applied because their device already has a newer one (by event time): a late event never moves a
     * device back, and never causes a geofence transition.
     */
    POSITIONS_LATE("spectra.spatial.positions.late", Meter.Type.COUNTER,
            "positions older than their device's newest, not applied"),
    /**
     * Transitions written to {@code spectra.geofence.transitions}, tagged {@link #TRANSITION_TAG} ({@code enter},
     * {@code exit}) and {@link #CAUSE_TAG} ({@code position}, {@code fence-deleted}, {@code fence-changed}).
     */
    TRANSITIONS("spectra.spatial.geofence.transitions", Meter.Type.COUNTER,
            "geofence enter and exit transitions written, by transition and cause"),
    /** Records on {@code spectra.geofences} that are not a valid fence: ignored (the previous definition stays). */
    FENCES_INVALID("spectra.spatial.geofences.invalid", Meter.Type.COUNTER,
            "records on the geofences topic that are not a valid fence, ignored"),
    /** The geofences this instance knows. */
    FENCES("spectra.spatial.geofences", Meter.Type.GAUGE, "geofences known");

    /** {@code enter} or {@code exit}. */
    public static final String TRANSITION_TAG = "transition";
    /** What caused a transition. */
    public static final String CAUSE_TAG = "cause";

    private final String meterName;
    private final Meter.Type type;
    private final String description;

    SpatialMeters(String meterName, Meter.Type type, String description) {
        this.meterName = meterName;
        this.type = type;
        this.description = description;
    }

    @Override
    public String getName() {
        return meterName;
    }

    @Override
    public Meter.Type getType() {
        return type;
    }

    /** The meter's name as registered, for example {@code spectra.spatial.positions.updated}. */
    public String meterName() {
        return meterName;
    }

    /** What the meter counts, as registered with it. */
    public String description() {
        return description;
    }
}
