package io.spectracache.state;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * Store builders whose stores also answer {@link StoreHandle#query()}: the store a builder of Kafka Streams would
 * build, unchanged (same name, serdes, changelog, caching, metrics; every call passed on as it is), wrapped in one
 * more layer that hands out {@link StoreHandle}s on it and counts its lifecycles.
 *
 * <pre>{@code
 * stores.add(HandleStores.window(Stores.windowStoreBuilder(Stores.persistentWindowStore("raw", retention, span, false),
 *         Serdes.Bytes(), new GorillaCodec()).withCachingDisabled()));
 * }</pre>
 *
 * A handle gives the store below this layer (Kafka Streams' metered store) as a {@link ReadOnlyKeyValueStore} or
 * {@link ReadOnlyWindowStore}: reads through it are what key, range and window queries would read, without the
 * interactive-query request per read.
 */
public final class HandleStores {
    private HandleStores() {
    }

    /** {@code builder}'s key-value stores, answering handle queries with a {@link ReadOnlyKeyValueStore}. */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> keyValue(StoreBuilder<KeyValueStore<K, V>> builder) {
        return new Builder<>(builder, HandleKeyValueStore::new);
    }

    /** {@code builder}'s window stores, answering handle queries with a {@link ReadOnlyWindowStore}. */
    public static <K, V> StoreBuilder<WindowStore<K, V>> window(StoreBuilder<WindowStore<K, V>> builder) {
        return new Builder<>(builder, HandleWindowStore::new);
    }

    private static final class Builder<T extends StateStore> implements StoreBuilder<T> {
        private final StoreBuilder<T> inner;
        private final Function<T, T> wrap;

        Builder(StoreBuilder<T> inner, Function<T, T> wrap) {
            this.inner = requireNonNull(inner, "inner");
            this.wrap = wrap;
        }

        @Override
        public StoreBuilder<T> withCachingEnabled() {
            inner.withCachingEnabled();
            return this;
        }

        @Override
        public StoreBuilder<T> withCachingDisabled() {
            inner.withCachingDisabled();
            return this;
        }

        @Override
        public StoreBuilder<T> withLoggingEnabled(Map<String, String> config) {
            inner.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<T> withLoggingDisabled() {
            inner.withLoggingDisabled();
            return this;
        }

        @Override
        public T build() {
            return wrap.apply(inner.build());
        }

        @Override
        public Map<String, String> logConfig() {
            return inner.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return inner.loggingEnabled();
        }

        @Override
        public String name() {
            return inner.name();
        }
    }

    /**
     * The store under Kafka Streams' metered layer (what its serdes write to: {@code KeyValueStore<Bytes, byte[]>} or
     * {@code WindowStore<Bytes, byte[]>}), or null when {@code store} has none of the same kind.
     */
    static Object belowMetered(StateStore store) {
        if (store instanceof WrappedStateStore<?, ?, ?> wrapper) {
            StateStore below = wrapper.wrapped();
            boolean sameKind = store instanceof KeyValueStore<?, ?> ? below instanceof KeyValueStore<?, ?>
                    : store instanceof WindowStore<?, ?> && below instanceof WindowStore<?, ?>;
            return sameKind ? below : null;
        }
        return null;
    }

    private static Integer partitionOf(StateStoreContext context) {
        return context == null ? null : context.taskId().partition();
    }

    /**
     * The layer both kinds share: it passes every call on to the store it wraps, answers handle queries on it (other
     * queries go on down), and counts the store's lifecycles, so that a handle never reads a closed store.
     */
    abstract static class HandleLayer<S extends StateStore, K, V> extends WrappedStateStore<S, K, V> {
        private final StoreHandle.Lifecycle lifecycle = new StoreHandle.Lifecycle();
        private StateStoreContext context;

        HandleLayer(S inner) {
            super(inner);
        }

        @Override
        public void init(StateStoreContext stateStoreContext, StateStore root) {
            this.context = stateStoreContext;
            super.init(stateStoreContext, root);
            lifecycle.opened();
        }

        @Override
        public void close() {
            lifecycle.closed();
            super.close();
        }

        @Override
        public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
            QueryResult<R> handle = StoreHandle.answer(query, positionBound, config, this, wrapped(),
                    belowMetered(wrapped()), lifecycle, this::getPosition, partitionOf(context));
            return handle != null ? handle : wrapped().query(query, positionBound, config);
        }
    }

    /** A key-value store passed on as it is, that also answers handle queries. */
    static final class HandleKeyValueStore<K, V> extends HandleLayer<KeyValueStore<K, V>, K, V>
            implements KeyValueStore<K, V> {
        HandleKeyValueStore(KeyValueStore<K, V> inner) {
            super(inner);
        }

        @Override
        public void put(K key, V value) {
            wrapped().put(key, value);
        }

        @Override
        public V putIfAbsent(K key, V value) {
            return wrapped().putIfAbsent(key, value);
        }

        @Override
        public void putAll(List<KeyValue<K, V>> entries) {
            wrapped().putAll(entries);
        }

        @Override
        public V delete(K key) {
            return wrapped().delete(key);
        }

        @Override
        public V get(K key) {
            return wrapped().get(key);
        }

        @Override
        public KeyValueIterator<K, V> range(K from, K to) {
            return wrapped().range(from, to);
        }

        @Override
        public KeyValueIterator<K, V> reverseRange(K from, K to) {
            return wrapped().reverseRange(from, to);
        }

        @Override
        public KeyValueIterator<K, V> all() {
            return wrapped().all();
        }

        @Override
        public KeyValueIterator<K, V> reverseAll() {
            return wrapped().reverseAll();
        }

        @Override
        public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, PS prefixKeySerializer) {
            return wrapped().prefixScan(prefix, prefixKeySerializer);
        }

        @Override
        public long approximateNumEntries() {
            return wrapped().approximateNumEntries();
        }

        @Override
        public ReadOnlyKeyValueStore<K, V> readOnly(IsolationLevel isolationLevel) {
            return wrapped().readOnly(isolationLevel);
        }
    }

    /** A window store passed on as it is, that also answers handle queries. */
    static final class HandleWindowStore<K, V> extends HandleLayer<WindowStore<K, V>, K, V>
            implements WindowStore<K, V> {
        HandleWindowStore(WindowStore<K, V> inner) {
            super(inner);
        }

        @Override
        public void put(K key, V value, long windowStartTimestamp) {
            wrapped().put(key, value, windowStartTimestamp);
        }

        @Override
        public V fetch(K key, long time) {
            return wrapped().fetch(key, time);
        }

        @Override
        public WindowStoreIterator<V> fetch(K key, long timeFrom, long timeTo) {
            return wrapped().fetch(key, timeFrom, timeTo);
        }

        @Override
        public WindowStoreIterator<V> backwardFetch(K key, long timeFrom, long timeTo) {
            return wrapped().backwardFetch(key, timeFrom, timeTo);
        }

        @Override
        public KeyValueIterator<Windowed<K>, V> fetch(K keyFrom, K keyTo, long timeFrom, long timeTo) {
            return wrapped().fetch(keyFrom, keyTo, timeFrom, timeTo);
        }

        @Override
        public KeyValueIterator<Windowed<K>, V> backwardFetch(K keyFrom, K keyTo, long timeFrom, long timeTo) {
            return wrapped().backwardFetch(keyFrom, keyTo, timeFrom, timeTo);
        }

        @Override
        public KeyValueIterator<Windowed<K>, V> fetchAll(long timeFrom, long timeTo) {
            return wrapped().fetchAll(timeFrom, timeTo);
        }

        @Override
        public KeyValueIterator<Windowed<K>, V> backwardFetchAll(long timeFrom, long timeTo) {
            return wrapped().backwardFetchAll(timeFrom, timeTo);
        }

        @Override
        public KeyValueIterator<Windowed<K>, V> all() {
            return wrapped().all();
        }

        @Override
        public KeyValueIterator<Windowed<K>, V> backwardAll() {
            return wrapped().backwardAll();
        }

        @Override
        public ReadOnlyWindowStore<K, V> readOnly(IsolationLevel isolationLevel) {
            return wrapped().readOnly(isolationLevel);
        }
    }
}
