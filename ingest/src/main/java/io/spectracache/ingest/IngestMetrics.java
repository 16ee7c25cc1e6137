package io.spectracache.ingest;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.errors.RejectReason;
import java.util.EnumMap;
import java.util.Map;

/**
 * The counters of {@link IngestMeters}, registered once and kept: the hot path increments a field, it never
 * looks a meter up in the registry. Registering the same meter twice returns the same counter, so the topology
 * and every handler instance may each hold one of these over a shared registry.
 */
final class IngestMetrics {
    private final Counter events;
    private final Counter accepted;
    private final Counter duplicates;
    private final Map<RejectReason, Counter> dlq = new EnumMap<>(RejectReason.class);

    IngestMetrics(MeterRegistry registry) {
        requireNonNull(registry, "registry");
        events = counter(registry, IngestMeters.EVENTS, "Records read from events.raw");
        accepted = counter(registry, IngestMeters.ACCEPTED, "Records that passed validation");
        duplicates = counter(registry, IngestMeters.DUPLICATES, "Valid events dropped as duplicates");
        for (RejectReason reason : RejectReason.values()) {
            dlq.put(reason, Counter.builder(IngestMeters.DLQ.getName())
                    .description("Records sent to the dead-letter topic")
                    .baseUnit(IngestMeters.DLQ.getBaseUnit())
                    .tag(IngestMeters.DlqTags.REASON.asString(), reason.code())
                    .register(registry));
        }
    }

    private static Counter counter(MeterRegistry registry, IngestMeters meter, String description) {
        return Counter.builder(meter.getName()).description(description).baseUnit(meter.getBaseUnit()).register(registry);
    }

    void read() {
        events.increment();
    }

    void accepted() {
        accepted.increment();
    }

    void duplicate() {
        duplicates.increment();
    }

    void deadLettered(RejectReason reason) {
        dlq.get(reason).increment();
    }
}
