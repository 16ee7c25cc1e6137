package io.spectracache.flight;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.docs.MeterDocumentation;

/** The Micrometer meters of the Arrow Flight endpoint, declared once; counters, tagged {@link #DATASET_TAG}. */
public enum FlightMeters implements MeterDocumentation {
    /** Streams served ({@code DoGet}), tagged {@link #OUTCOME_TAG}: {@code completed}, {@code failed}, {@code cancelled}. */
    STREAMS("spectra.flight.streams", "Arrow Flight streams served, by dataset and outcome"),
    /** Rows sent in record batches. */
    ROWS("spectra.flight.rows", "rows sent over Arrow Flight, by dataset");

    /** The dataset a ticket named; {@code unknown} for a ticket that named none. */
    public static final String DATASET_TAG = "dataset";
    public static final String OUTCOME_TAG = "outcome";

    private final String meterName;
    private final String description;

    FlightMeters(String meterName, String description) {
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

    public String description() {
        return description;
    }
}
