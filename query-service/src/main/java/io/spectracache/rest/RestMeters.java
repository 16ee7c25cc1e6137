package io.spectracache.rest;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.docs.MeterDocumentation;

/** Meter names of the REST layer, declared once. */
enum RestMeters implements MeterDocumentation {
    REQUESTS("spectra.http.requests", "Latency of REST requests by route template, method and status");

    private final String meterName;
    private final String description;

    RestMeters(String meterName, String description) {
        this.meterName = meterName;
        this.description = description;
    }

    @Override
    public String getName() {
        return meterName;
    }

    @Override
    public Meter.Type getType() {
        return Meter.Type.TIMER;
    }

    String meterName() {
        return meterName;
    }

    String description() {
        return description;
    }
}
