package io.spectracache.sketches;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.docs.MeterDocumentation;

/**
 * The Micrometer meters of the sketches capability, declared once. All are counters shared by every stream task of
 * the process, registered at zero (for every sketch and reason) when a {@link SketchesTopology} is built.
 */
public enum SketchMeters implements MeterDocumentation {
    /**
     * Events a sketch did not count, tagged {@link #SKETCH_TAG} and {@link #REASON_TAG}: {@code no-value} (the
     * event has no value for the sketch's field: a typo in a field name shows here), {@code group-too-long} or
     * {@code item-too-long} (a group value or top-K item over {@value SketchProcessor#MAX_TEXT_BYTES} UTF-8 bytes,
     * which would make keys and images unbounded), {@code beyond-retention} (the event's window of one size has
     * expired already; counted per size).
     */
    UPDATES_SKIPPED("spectra.sketches.updates.skipped", "events a sketch did not count, by sketch and reason"),
    /** Windows dropped because their retention passed, tagged {@link #SKETCH_TAG}. */
    WINDOWS_EXPIRED("spectra.sketches.windows.expired", "sketch windows dropped at the end of their retention"),
    /** Layers a membership filter opened as it grew, tagged {@link #SKETCH_TAG} (the filter's name). */
    FILTER_LAYERS_OPENED("spectra.sketches.filter.layers.opened", "layers membership filters opened as they grew"),
    /** Events copied to the watch-matches topic, tagged {@link #SKETCH_TAG} (the watch list's name). */
    WATCH_MATCHES("spectra.sketches.watch.matches", "events copied because a watch list holds their value");

    /** The sketch, filter or watch list a meter counts for. */
    public static final String SKETCH_TAG = "sketch";
    /** Why {@link #UPDATES_SKIPPED} skipped an event. */
    public static final String REASON_TAG = "reason";
    /** {@link #REASON_TAG}: the event has no value for the field. */
    public static final String REASON_NO_VALUE = "no-value";
    /** {@link #REASON_TAG}: the group value is too long. */
    public static final String REASON_GROUP_TOO_LONG = "group-too-long";
    /** {@link #REASON_TAG}: the top-K item is too long. */
    public static final String REASON_ITEM_TOO_LONG = "item-too-long";
    /** {@link #REASON_TAG}: the window has expired. */
    public static final String REASON_BEYOND_RETENTION = "beyond-retention";

    private final String meterName;
    private final String description;

    SketchMeters(String meterName, String description) {
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

    /** The meter's name as registered. */
    public String meterName() {
        return meterName;
    }

    /** What the meter counts, as registered with it. */
    public String description() {
        return description;
    }

    /** This counter for {@code sketch} (and {@code reason}, for {@link #UPDATES_SKIPPED}; null otherwise). */
    Counter counter(MeterRegistry registry, String sketch, String reason) {
        Counter.Builder builder = Counter.builder(meterName).description(description).tag(SKETCH_TAG, sketch);
        if (reason != null) {
            builder = builder.tag(REASON_TAG, reason);
        }
        return builder.register(registry);
    }
}
