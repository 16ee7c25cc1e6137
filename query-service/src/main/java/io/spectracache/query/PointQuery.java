package io.spectracache.query;

import static java.util.Objects.requireNonNull;

import io.spectracache.consistency.ConsistencyToken;
import io.spectracache.routing.LocalStores;
import io.spectracache.routing.ReadOptions;
import io.spectracache.topics.StoreSpec;
import java.util.Optional;
import java.util.function.Function;

/**
 * A question about one key, answered by the instance that owns the key's partition of {@link #store()}: any instance
 * asked finds the owner and answers locally or asks the owner once, over the internal query API.
 *
 * <pre>{@code
 * static final PointQuery<String, String, DeviceState> GET = PointQuery.of("device-state.get", Codec.json(String.class),
 *         DeviceStateTopology.STORE, id -> id, Codec.serde(DeviceStateTopology.STORE.valueSerde()),
 *         (id, partition, stores, read) -> stores.get(DeviceStateTopology.STORE, id, partition, read));
 * }</pre>
 *
 * @param <P> the parameters
 * @param <K> the store key the parameters name
 * @param <V> the answer
 */
public final class PointQuery<P, K, V> {
    /** Reads the answer from this instance's own active copy of the key's partition. */
    @FunctionalInterface
    public interface LocalRead<P, V> {
        /**
         * @return the answer, or empty when there is none
         * @throws io.spectracache.errors.RetryLaterException if the partition is not (or no longer) active here or
         *                                                     has not reached {@code read.after()} in time
         */
        Optional<V> read(P parameters, int partition, LocalStores stores, ReadOptions read);
    }

    private final String name;
    private final Codec<P> parameters;
    private final StoreSpec<K, ?> store;
    private final Function<P, K> keyOf;
    private final Codec<V> answer;
    private final LocalRead<P, V> read;

    private PointQuery(String name, Codec<P> parameters, StoreSpec<K, ?> store, Function<P, K> keyOf, Codec<V> answer,
                       LocalRead<P, V> read) {
        this.name = QueryNames.check(name);
        this.parameters = requireNonNull(parameters, "parameters");
        this.store = requireNonNull(store, "store");
        this.keyOf = requireNonNull(keyOf, "keyOf");
        this.answer = requireNonNull(answer, "answer");
        this.read = requireNonNull(read, "read");
    }

    /**
     * @param name       stable, unique name (lower-case words and dots): part of the internal query API
     * @param parameters how the parameters travel to the owner
     * @param store      the store whose partitioning decides the owner
     * @param keyOf      the store key the parameters name
     * @param answer     how the answer travels back
     * @param read       the local read at the owner
     */
    public static <P, K, V> PointQuery<P, K, V> of(String name, Codec<P> parameters, StoreSpec<K, ?> store,
                                                   Function<P, K> keyOf, Codec<V> answer, LocalRead<P, V> read) {
        return new PointQuery<>(name, parameters, store, keyOf, answer, read);
    }

    public String name() {
        return name;
    }

    public Codec<P> parameters() {
        return parameters;
    }

    public StoreSpec<K, ?> store() {
        return store;
    }

    public K keyOf(P params) {
        return keyOf.apply(params);
    }

    public Codec<V> answer() {
        return answer;
    }

    Optional<V> readLocally(P params, int partition, LocalStores stores, ReadOptions options) {
        return read.read(params, partition, stores, options);
    }
}
