package io.spectracache.rest;

/** Meter names of the REST layer, declared once. */
enum RestMeters {
    REQUESTS("spectra.http.requests", "Latency of REST requests by route template, method and status");

    private final String meterName;
    private final String description;

    RestMeters(String meterName, String description) {
        this.meterName = meterName;
        this.description = description;
    }

    String meterName() {
        return meterName;
    }

    String description() {
        return description;
    }
}
