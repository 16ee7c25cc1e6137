package io.spectracache.devices;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** The value a metric had at a moment: one entry of a device's latest state. */
public record MetricReading(double value, Instant at) {
    public MetricReading {
        requireNonNull(at, "at");
    }
}
