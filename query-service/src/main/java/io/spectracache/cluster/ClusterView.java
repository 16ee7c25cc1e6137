package io.spectracache.cluster;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * The answer of {@code GET /v1/cluster}: every instance of the application with the partitions it holds per store
 * (from Kafka Streams' metadata, which every instance knows) and what it says about itself (lags, restoration), asked
 * over the internal API. An instance that did not answer is still listed, with its assignment and no status; the
 * view is then {@code partial} and names it in {@code failedInstances}.
 *
 * @param asked      the instance that answered this request
 * @param partitions partition count of each store (the source topics' partitions)
 */
public record ClusterView(String asked, List<InstanceView> instances, Map<String, Integer> partitions, boolean partial,
                          List<String> failedInstances) {
    public ClusterView {
        requireNonNull(asked, "asked");
        instances = List.copyOf(instances);
        partitions = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(partitions));
        failedInstances = List.copyOf(failedInstances);
    }

    /**
     * One instance.
     *
     * @param stores store name to the partitions held here
     * @param status what the instance said about itself; null if it did not answer
     */
    public record InstanceView(String instance, boolean self, Map<String, Assignment> stores, LocalStatus status) {
        public InstanceView {
            requireNonNull(instance, "instance");
            stores = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(stores));
        }
    }

    /** The partitions of one store an instance holds: active (answers queries) and standby (warm copies). */
    public record Assignment(List<Integer> active, List<Integer> standby) {
        public Assignment {
            active = List.copyOf(active);
            standby = List.copyOf(standby);
        }
    }
}
