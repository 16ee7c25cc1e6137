package io.spectracache.ingest;

import io.micrometer.common.docs.KeyName;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.docs.MeterDocumentation;

/**
 * Every meter ingest registers, declared once. The counters are registered (at zero) as soon as an
 * {@link IngestTopology} or a configured {@link DeadLetterExceptionHandler} exists, so dashboards and alerts see
 * them before the first event.
 *
 * <p>Invariant: {@code events = accepted + dlq{reason ∈ validation reasons}}; the events written to
 * {@code spectra.events} are {@code accepted - duplicates}. {@code dlq} also counts what the exception handlers
 * dead-letter ({@code deserialization-error}, {@code processing-error}), which may happen in any topology.
 *
 * <pre>{@code
 * double dropped = registry.get(IngestMeters.DUPLICATES.getName()).counter().count();
 * }</pre>
 */
public enum IngestMeters implements MeterDocumentation {
    /** Every record read from {@code events.raw}, whatever becomes of it. */
    EVENTS {
        @Override
        public String getName() {
            return "spectra.ingest.events";
        }
    },
    /** Records that passed validation (before de-duplication). */
    ACCEPTED {
        @Override
        public String getName() {
            return "spectra.ingest.accepted";
        }
    },
    /** Records sent to {@code events.dlq}, tagged with the {@link DlqTags#REASON reason} code. */
    DLQ {
        @Override
        public String getName() {
            return "spectra.ingest.dlq";
        }

        @Override
        public KeyName[] getKeyNames() {
            return DlqTags.values();
        }
    },
    /** Valid events dropped because the same device sent the same event id within the de-duplication window. */
    DUPLICATES {
        @Override
        public String getName() {
            return "spectra.ingest.duplicates";
        }
    };

    @Override
    public Meter.Type getType() {
        return Meter.Type.COUNTER;
    }

    @Override
    public String getBaseUnit() {
        return "events";
    }

    /** The tags of {@link #DLQ}. */
    public enum DlqTags implements KeyName {
        /** The {@code RejectReason} code, e.g. {@code missing-field}. */
        REASON {
            @Override
            public String asString() {
                return "reason";
            }
        }
    }
}
