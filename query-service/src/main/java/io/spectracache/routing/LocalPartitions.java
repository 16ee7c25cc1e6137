package io.spectracache.routing;

import static java.util.Objects.requireNonNull;

import io.spectracache.errors.RetryLaterException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.TopologyDescription;

/**
 * Which partitions of a store this instance holds as ACTIVE tasks right now. Standby and warm-up copies are
 * left out: a scan that included them would count keys twice (once here, once at their active owner).
 */
public final class LocalPartitions {
    private final KafkaStreams streams;
    private final Map<String, Integer> subtopologyOfStore;
    private final Map<String, Set<String>> sourceTopicsOfStore;
    /** Null: every active partition; otherwise exactly these, which must all be active here. */
    private final Set<Integer> only;

    public LocalPartitions(KafkaStreams streams, TopologyDescription topology) {
        this.streams = requireNonNull(streams, "streams");
        Map<String, Integer> stores = new HashMap<>();
        Map<String, Set<String>> sources = new HashMap<>();
        for (TopologyDescription.Subtopology subtopology : topology.subtopologies()) {
            Set<String> topics = new TreeSet<>();
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                    topics.addAll(source.topicSet());
                }
            }
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Processor processor) {
                    processor.stores().forEach(store -> {
                        stores.put(store, subtopology.id());
                        sources.put(store, Set.copyOf(topics));
                    });
                }
            }
        }
        this.subtopologyOfStore = Map.copyOf(stores);
        this.sourceTopicsOfStore = Map.copyOf(sources);
        this.only = null;
    }

    private LocalPartitions(LocalPartitions all, Set<Integer> only) {
        this.streams = all.streams;
        this.subtopologyOfStore = all.subtopologyOfStore;
        this.sourceTopicsOfStore = all.sourceTopicsOfStore;
        this.only = Set.copyOf(only);
    }

    /**
     * A view that answers exactly {@code partitions}, and refuses (retry later) once any of them is no longer
     * active here: a read that was promised those partitions must not silently cover others or fewer.
     */
    public LocalPartitions restrictedTo(Set<Integer> partitions) {
        return new LocalPartitions(this, partitions);
    }

    /**
     * Which instance holds which active partitions of {@code storeName}, as Kafka Streams' metadata says now (the
     * partitions of the store's sub-topology's source topics).
     *
     * @throws RetryLaterException if the streams are not running
     */
    public Map<Instance, Set<Integer>> activeByInstance(String storeName) {
        Set<String> topics = sourceTopicsOfStore.get(storeName);
        if (topics == null) {
            throw new IllegalArgumentException("no store " + storeName + " in this topology");
        }
        Map<Instance, Set<Integer>> owners = new TreeMap<>(Comparator.comparing(Instance::host).thenComparingInt(Instance::port));
        try {
            for (StreamsMetadata metadata : streams.streamsMetadataForStore(storeName)) {
                Set<Integer> partitions = new TreeSet<>();
                for (TopicPartition partition : metadata.topicPartitions()) {
                    if (topics.contains(partition.topic())) {
                        partitions.add(partition.partition());
                    }
                }
                if (!partitions.isEmpty()) {
                    owners.put(Instance.of(metadata.hostInfo()), partitions);
                }
            }
        } catch (IllegalStateException e) {
            throw RetryLaterException.notReady("the streams of this instance are not running yet");
        }
        return owners;
    }

    /**
     * Every store of the topology, each with the source topics of its sub-topology (whose partitions are the store's
     * partitions), in name order.
     */
    public Map<String, Set<String>> storeSourceTopics() {
        return new TreeMap<>(sourceTopicsOfStore);
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
        if (only != null) {
            if (!partitions.containsAll(only)) {
                throw RetryLaterException.ownerUnavailable("partitions " + new TreeSet<>(only) + " of " + storeName
                        + " are no longer all active on this instance (a rebalance moved some); ask again where they are");
            }
            return only;
        }
        return partitions;
    }
}
