package io.spectracache.cluster;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * What one instance says about itself: its Kafka Streams state, the lag of every store partition it holds (active
 * ones restoring, standby ones following their changelog), the lag of its input partitions, and its live counters.
 * Instances send it to each other at {@code GET /internal/v1/cluster} as JSON.
 *
 * @param instance    {@code host:port}, as Kafka Streams' metadata names it
 * @param state       Kafka Streams' state ({@code RUNNING}, {@code REBALANCING}, ...)
 * @param stores      one entry per store partition held here, in store and partition order; empty while not running
 * @param consumerLag one entry per input partition this instance consumes, in topic and partition order
 * @param live        the counters the live view turns into rates
 */
public record LocalStatus(String instance, String state, List<StoreLag> stores, List<PartitionLag> consumerLag, Live live) {
    public LocalStatus {
        requireNonNull(instance, "instance");
        requireNonNull(state, "state");
        stores = List.copyOf(stores);
        consumerLag = List.copyOf(consumerLag);
        requireNonNull(live, "live");
    }

    /**
     * One store partition held on this instance.
     *
     * @param role            {@code active} or {@code standby}
     * @param position        the changelog offset the local copy has reached
     * @param endOffset       the changelog's end offset
     * @param lag             records behind the changelog's end: for an active partition, what is left to restore;
     *                        for a standby, how far the warm copy trails
     * @param restoring       an active partition that is still restoring (not yet queryable)
     * @param restoreProgress position over end offset, 1.0 when caught up
     */
    public record StoreLag(String store, int partition, String role, long position, long endOffset, long lag,
                           boolean restoring, double restoreProgress) {
        public StoreLag {
            requireNonNull(store, "store");
            requireNonNull(role, "role");
        }
    }

    /** How many records of one input partition this instance's stream threads have yet to read. */
    public record PartitionLag(String topic, int partition, long lag) {
        public PartitionLag {
            requireNonNull(topic, "topic");
        }
    }

    /**
     * Monotonic counters and instantaneous gauges of one instance, sampled at {@code atMillis}.
     *
     * @param events          raw events read by ingest ({@code spectra_ingest_events_total})
     * @param accepted        events that passed validation
     * @param duplicates      valid events dropped as repeats
     * @param dlqByReason     dead-lettered events by reason
     * @param consumerLag     records behind, summed over the input partitions
     * @param freshnessMs     event time to processed, average over the last sample window of the slowest processor
     *                        (Kafka Streams' {@code record-e2e-latency-avg}); NaN when nothing was processed
     * @param freshnessMaxMs  the same, the maximum
     */
    public record Live(String instance, long atMillis, double events, double accepted, double duplicates,
                       Map<String, Double> dlqByReason, long consumerLag, double freshnessMs, double freshnessMaxMs) {
        public Live {
            requireNonNull(instance, "instance");
            // JSON has no NaN: Jackson writes it as a string, which reads back; kept NaN in Java for the arithmetic.
            dlqByReason = Map.copyOf(dlqByReason);
        }
    }
}
