package io.spectracache.routing;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.TopologyDescription;

/**
 * Which partitions of a store this instance holds as ACTIVE tasks right now. Standby and warm-up copies are
 * left out: a scan that included them would count keys twice (once here, once at their active owner).
 */
public final class LocalPartitions {
    private final KafkaStreams streams;
    private final Map<String, Integer> subtopologyOfStore;

    public LocalPartitions(KafkaStreams streams, TopologyDescription topology) {
        this.streams = requireNonNull(streams, "streams");
        Map<String, Integer> stores = new HashMap<>();
        for (TopologyDescription.Subtopology subtopology : topology.subtopologies()) {
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Processor processor) {
                    processor.stores().forEach(store -> stores.put(store, subtopology.id()));
                }
            }
        }
        this.subtopologyOfStore = Map.copyOf(stores);
    }

    /**
     * The active partitions of {@code storeName} on this instance; empty while it has none.
     *
     * @throws IllegalArgumentException if no processor of the topology uses that store
     */
    public Set<Integer> activeOf(String storeName) {
        Integer subtopology = subtopologyOfStore.get(storeName);
        if (subtopology == null) {
            throw new IllegalArgumentException("no store " + storeName + " in this topology");
        }
        Set<Integer> partitions = new TreeSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                if (task.taskId().subtopology() == subtopology) {
                    partitions.add(task.taskId().partition());
                }
            }
        }
        return partitions;
    }
}
