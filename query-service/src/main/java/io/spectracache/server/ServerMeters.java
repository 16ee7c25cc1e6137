package io.spectracache.server;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.docs.MeterDocumentation;

/** The meters of the server itself (not of a capability), declared once. */
public enum ServerMeters implements MeterDocumentation {
    /** Stream threads that failed and were replaced by a fresh one (which resumes from the last commit). */
    STREAM_THREADS_REPLACED {
        @Override
        public String getName() {
            return "spectra.streams.threads.replaced";
        }

        @Override
        public Meter.Type getType() {
            return Meter.Type.COUNTER;
        }
    }
}
