package io.spectracache.routing;

import static java.util.Objects.requireNonNull;

import io.spectracache.errors.RetryLaterException;
import io.spectracache.topics.StoreSpec;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.StreamsException;

/**
 * Answers "which instance owns this key?" and "which instances hold this store?" from Kafka Streams'
 * metadata, which every instance learns from the consumer group. The standard interactive-queries idea,
 * with {@code NOT_AVAILABLE} (rebalancing, not started) turned into a retryable error.
 *
 * <pre>{@code Owner owner = router.ownerOf(DeviceStateTopology.STORE, "truck-0042");}</pre>
 */
public final class Router implements Ownership {
    private final KafkaStreams streams;
    private final Instance self;

    public Router(KafkaStreams streams, Instance self) {
        this.streams = requireNonNull(streams, "streams");
        this.self = requireNonNull(self, "self");
    }

    /** This instance's advertised REST address. */
    @Override
    public Instance self() {
        return self;
    }

    /**
     * The active owner of {@code key} in {@code store}.
     *
     * @throws RetryLaterException if ownership is unknown right now (starting, rebalancing)
     */
    @Override
    public <K> Owner ownerOf(StoreSpec<K, ?> store, K key) {
        KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(store.name(), key, store.keySerde().serializer());
        } catch (IllegalStateException e) {
            throw RetryLaterException.notReady("the streams of this instance are not running yet");
        }
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata) || metadata.partition() < 0) {
            throw RetryLaterException.notReady("the owner of this key is not known yet (starting or rebalancing)");
        }
        Instance active = Instance.of(metadata.activeHost());
        return new Owner(active, metadata.partition(), self.equals(active));
    }

    /**
     * Every instance of this application now, this one included, as Kafka Streams' metadata names them (their
     * {@code application.server}); empty while this instance's streams are not running.
     */
    public List<Instance> members() {
        try {
            return streams.metadataForAllStreamsClients().stream().map(metadata -> Instance.of(metadata.hostInfo()))
                    .distinct().toList();
        } catch (IllegalStateException | StreamsException e) {
            return List.of();
        }
    }

    /**
     * Every instance that holds active partitions of {@code storeName}, this one included, in a stable order.
     *
     * @throws RetryLaterException if the streams are not running
     */
    @Override
    public List<Instance> instancesOf(String storeName) {
        Set<Instance> hosts = new TreeSet<>(Comparator.comparing(Instance::host).thenComparingInt(Instance::port));
        try {
            for (StreamsMetadata metadata : streams.streamsMetadataForStore(storeName)) {
                if (!metadata.topicPartitions().isEmpty()) {
                    hosts.add(Instance.of(metadata.hostInfo()));
                }
            }
        } catch (IllegalStateException e) {
            throw RetryLaterException.notReady("the streams of this instance are not running yet");
        }
        return List.copyOf(hosts);
    }
}
