package io.spectracache.state;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builders of {@link WriteBehindKeyValueStore}s: the store a capability uses for state it updates per event.
 *
 * <pre>{@code
 * StoreBuilder<KeyValueStore<String, DeviceState>> store = WriteBehindStores.keyValueStoreBuilder(
 *         Stores.persistentKeyValueStore("device-state"), Serdes.String(), new DeviceStateSerde());
 * }</pre>
 *
 * The store below is Kafka Streams' own (metered, changelogged, RocksDB), without its record cache: the pending
 * values are the cache, as objects. Logging is on by default and can be configured or turned off as with
 * {@link Stores#keyValueStoreBuilder}; caching cannot be turned on.
 */
public final class WriteBehindStores {
    /** Pending keys past which values are written out before the commit, unless a builder says otherwise. */
    public static final int DEFAULT_MAX_PENDING_KEYS = 100_000;

    private WriteBehindStores() {
    }

    /** A builder with {@link #DEFAULT_MAX_PENDING_KEYS}. */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> keyValueStoreBuilder(KeyValueBytesStoreSupplier supplier,
                                                                              Serde<K> keySerde, Serde<V> valueSerde) {
        return keyValueStoreBuilder(supplier, keySerde, valueSerde, DEFAULT_MAX_PENDING_KEYS);
    }

    /** A builder whose stores write values out early once more than {@code maxPendingKeys} keys are pending. */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> keyValueStoreBuilder(KeyValueBytesStoreSupplier supplier,
                                                                              Serde<K> keySerde, Serde<V> valueSerde,
                                                                              int maxPendingKeys) {
        return keyValueStoreBuilder(supplier, keySerde, valueSerde, store -> store, maxPendingKeys);
    }

    /**
     * A builder with one more layer between the write-behind store and Kafka Streams' own: {@code layer} wraps the
     * store of {@code S} values (as {@code storedSerde} writes them) into the store of {@code V} values the pending
     * objects are written out to (for example one that keeps a value as several records).
     */
    public static <K, S, V> StoreBuilder<KeyValueStore<K, V>> keyValueStoreBuilder(
            KeyValueBytesStoreSupplier supplier, Serde<K> keySerde, Serde<S> storedSerde,
            Function<KeyValueStore<K, S>, KeyValueStore<K, V>> layer, int maxPendingKeys) {
        return new Builder<>(supplier, keySerde, storedSerde, layer, maxPendingKeys);
    }

    private static final class Builder<K, S, V> implements StoreBuilder<KeyValueStore<K, V>> {
        private final KeyValueBytesStoreSupplier supplier;
        private final Serde<K> keySerde;
        private final Serde<S> valueSerde;
        private final Function<KeyValueStore<K, S>, KeyValueStore<K, V>> layer;
        private final int maxPendingKeys;
        private boolean logging = true;
        private Map<String, String> logConfig = new HashMap<>();

        Builder(KeyValueBytesStoreSupplier supplier, Serde<K> keySerde, Serde<S> valueSerde,
                Function<KeyValueStore<K, S>, KeyValueStore<K, V>> layer, int maxPendingKeys) {
            this.supplier = requireNonNull(supplier, "supplier");
            this.keySerde = keySerde;
            this.valueSerde = valueSerde;
            this.layer = requireNonNull(layer, "layer");
            if (maxPendingKeys < 1) {
                throw new IllegalArgumentException("maxPendingKeys must be at least 1, was " + maxPendingKeys);
            }
            this.maxPendingKeys = maxPendingKeys;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
            throw new UnsupportedOperationException("a write-behind store is its own cache; Kafka Streams' record cache "
                    + "below it would only copy every value once more");
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
            this.logging = true;
            this.logConfig = new HashMap<>(requireNonNull(config, "config"));
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
            this.logging = false;
            this.logConfig = new HashMap<>();
            return this;
        }

        @Override
        public KeyValueStore<K, V> build() {
            StoreBuilder<KeyValueStore<K, S>> inner = Stores.keyValueStoreBuilder(supplier, keySerde, valueSerde)
                    .withCachingDisabled();
            inner = logging ? inner.withLoggingEnabled(logConfig) : inner.withLoggingDisabled();
            return new WriteBehindKeyValueStore<>(layer.apply(inner.build()), maxPendingKeys);
        }

        @Override
        public Map<String, String> logConfig() {
            return logConfig;
        }

        @Override
        public boolean loggingEnabled() {
            return logging;
        }

        @Override
        public String name() {
            return supplier.name();
        }
    }
}
