package io.spectracache.routing;

import io.spectracache.topics.StoreSpec;
import java.util.List;

/**
 * Who holds what: the owner of a key, the instances that hold a store. {@link Router} answers from Kafka Streams'
 * metadata; tests answer as they need.
 */
public interface Ownership {
    /** This instance. */
    Instance self();

    /**
     * The active owner of {@code key} in {@code store}.
     *
     * @throws io.spectracache.errors.RetryLaterException if ownership is unknown right now (starting, rebalancing)
     */
    <K> Owner ownerOf(StoreSpec<K, ?> store, K key);

    /**
     * Every instance that holds active partitions of {@code storeName}, this one included, in a stable order.
     *
     * @throws io.spectracache.errors.RetryLaterException if this instance cannot tell yet
     */
    List<Instance> instancesOf(String storeName);
}
