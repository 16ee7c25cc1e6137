package io.spectracache.storage;

import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A byte store layer that forwards every read and write to the store it wraps, so a subclass overrides only what it
 * adds (typically {@code query}, to answer a custom IQv2 query type as KIP-796 lets a store do). Kafka Streams puts
 * its metering, caching and change-logging layers above it; the wrapped store is usually RocksDB.
 * <pre>{@code
 * final class MyStore extends ForwardingKeyValueStore {
 *     MyStore(KeyValueStore<Bytes, byte[]> inner) { super(inner); }
 *     // override query(...)
 * }
 * Stores.keyValueStoreBuilder(ForwardingKeyValueStore.supplier(Stores.persistentKeyValueStore("s"), MyStore::new), ...)
 * }</pre>
 */
public abstract class ForwardingKeyValueStore extends WrappedStateStore<KeyValueStore<Bytes, byte[]>, Bytes, byte[]>
        implements KeyValueStore<Bytes, byte[]> {

    /** @param inner the store every call is forwarded to; never null */
    protected ForwardingKeyValueStore(KeyValueStore<Bytes, byte[]> inner) {
        super(inner);
    }

    /**
     * A supplier with the name and metrics scope of {@code inner} whose stores are {@code inner}'s each wrapped by
     * {@code layer}.
     */
    public static KeyValueBytesStoreSupplier supplier(KeyValueBytesStoreSupplier inner,
                                                      UnaryOperator<KeyValueStore<Bytes, byte[]>> layer) {
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return inner.name();
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return layer.apply(inner.get());
            }

            @Override
            public String metricsScope() {
                return inner.metricsScope();
            }
        };
    }

    @Override
    public void put(Bytes key, byte[] value) {
        wrapped().put(key, value);
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        return wrapped().putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        wrapped().putAll(entries);
    }

    @Override
    public byte[] delete(Bytes key) {
        return wrapped().delete(key);
    }

    @Override
    public byte[] get(Bytes key) {
        return wrapped().get(key);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return wrapped().reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return wrapped().all();
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        return wrapped().reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
        return wrapped().prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries();
    }
}
