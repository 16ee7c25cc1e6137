package io.spectracache.state;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A key-value store that keeps the values written since the last commit as <em>objects</em>, and writes each key
 * once per commit into the store below it (which serialises it and writes its changelog record). Per event, a
 * capability then does object work only: no serialisation, no record-cache copy, no changelog record; per commit,
 * one serialisation and one changelog record per key written.
 *
 * <p><b>Exactly-once.</b> Kafka Streams flushes a task's stores before it commits the task's transaction
 * ({@code flushCache()} on every {@code CachedStateStore}, as it does for its own record cache): this store writes
 * its pending values there, so the changelog records of a commit are in the same transaction as the input offsets
 * of the events that made them. Nothing pending survives a crash, and nothing needs to: the transaction aborts and
 * the events are processed again. Each pending value keeps the record context of its last write, and is written
 * under it, so the store's position and the changelog record's timestamp are exactly those of a write-through
 * store. Pending values are also written early when more than {@code maxPendingKeys} keys are pending (a long
 * commit interval), inside the open transaction, which is equally safe.
 *
 * <p><b>Reads.</b> The owning processor reads its own writes ({@link #get}). Range reads ({@code range},
 * {@code all}, {@code prefixScan}) first write what is pending, then read the store below. Interactive queries
 * run on other threads: a {@link KeyQuery} at the default isolation ({@code READ_UNCOMMITTED}) for a pending key
 * is answered from the pending value, with this store's position; every other query goes to the store below and
 * sees the state as of the last write-out (at most one commit interval old), exactly as {@code READ_COMMITTED}
 * reads see it anyway. A {@link StoreHandle#query()} is answered with a handle whose key reads are those of a
 * {@link KeyQuery} (pending value first) and whose range reads are the store below's, without an interactive-query
 * request per read; the handle's view is a {@link PendingView}, so a reader that decodes only part of a stored value
 * (from the handle's {@linkplain StoreHandle#serialized() serialized store}) can tell when the key's value is pending
 * instead.
 *
 * <p>Not for values that are mutated after {@code put}: the object written is the object written out later.
 * One per task, written by its stream thread only; {@link #query} may be called from any thread.
 *
 * @param <K> key type
 * @param <V> value type (treated as immutable once put)
 */
public final class WriteBehindKeyValueStore<K, V> extends WrappedStateStore<KeyValueStore<K, V>, K, V>
        implements KeyValueStore<K, V> {

    /**
     * A pending write: the value (null: a delete) and the record context of its last write. The context changes
     * (stream thread only) when the same value object is written again; queries read only the value.
     */
    private static final class Pending<V> {
        private final V value;
        private ProcessorRecordContext context;

        Pending(V value, ProcessorRecordContext context) {
            this.value = value;
            this.context = context;
        }

        V value() {
            return value;
        }

        ProcessorRecordContext context() {
            return context;
        }
    }

    private final int maxPendingKeys;
    private final Map<K, Pending<V>> pending = new ConcurrentHashMap<>();
    private volatile Position position = Position.emptyPosition();
    /** The input record {@link #position} was last advanced to (stream thread only): its later puts leave it alone. */
    private String positionTopic;
    private int positionPartition;
    private long positionOffset = -1;
    private long writeOuts;
    private final StoreHandle.Lifecycle lifecycle = new StoreHandle.Lifecycle();
    /** What a {@link StoreHandle} on this store reads: key reads as {@link #query}'s key queries, ranges below. */
    private final ReadOnlyKeyValueStore<K, V> handleView = new HandleView();
    private StateStoreContext context;
    private InternalProcessorContext<?, ?> internalContext;

    /**
     * @param inner          the store the values are written into once per commit (typed, with its serdes,
     *                       logging and metrics: what {@code Stores.keyValueStoreBuilder(...).build()} returns,
     *                       without caching)
     * @param maxPendingKeys pending keys past which values are written out before the commit; at least 1
     */
    public WriteBehindKeyValueStore(KeyValueStore<K, V> inner, int maxPendingKeys) {
        super(requireNonNull(inner, "inner"));
        if (maxPendingKeys < 1) {
            throw new IllegalArgumentException("maxPendingKeys must be at least 1, was " + maxPendingKeys);
        }
        this.maxPendingKeys = maxPendingKeys;
    }

    @Override
    public void init(StateStoreContext stateStoreContext, StateStore root) {
        this.context = stateStoreContext;
        this.internalContext = stateStoreContext instanceof InternalProcessorContext<?, ?> internal ? internal : null;
        pending.clear();
        position = Position.emptyPosition();
        positionTopic = null;
        super.init(stateStoreContext, root);
        lifecycle.opened();
    }

    @Override
    public void put(K key, V value) {
        requireNonNull(key, "key");
        ProcessorRecordContext context = currentRecordContext();
        Pending<V> current = pending.get(key);
        if (current != null && value != null && current.value() == value) {
            // The same object again (a capability that changes its pending value in place, once per event): only the
            // context it will be written under moves on, without a map write per event.
            current.context = context;
            advancePosition();
            return;
        }
        pending.put(key, new Pending<>(value, context));
        advancePosition();
        if (pending.size() > maxPendingKeys) {
            writeOut();
        }
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V current = get(key);
        if (current == null) {
            put(key, value);
        }
        return current;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        for (KeyValue<K, V> entry : entries) {
            put(entry.key, entry.value);
        }
    }

    @Override
    public V delete(K key) {
        V current = get(key);
        put(key, null);
        return current;
    }

    @Override
    public V get(K key) {
        Pending<V> written = pending.get(key);
        return written != null ? written.value() : wrapped().get(key);
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        writeOut();
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        writeOut();
        return wrapped().reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        writeOut();
        return wrapped().all();
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        writeOut();
        return wrapped().reverseAll();
    }

    @Override
    public <PS extends org.apache.kafka.common.serialization.Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix,
                                                                                                               PS prefixKeySerializer) {
        writeOut();
        return wrapped().prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries() + pending.size();
    }

    /** Called by Kafka Streams before it commits the task: writes every pending value, then flushes below. */
    @Override
    public void flushCache() {
        writeOut();
        super.flushCache();
    }

    @Override
    public void commit(Map<org.apache.kafka.common.TopicPartition, Long> changelogOffsets) {
        // Normally empty here (flushCache ran first); a caller that commits without flushing still loses nothing.
        writeOut();
        super.commit(changelogOffsets);
    }

    @Override
    public void close() {
        lifecycle.closed();
        pending.clear();
        super.close();
    }

    @Override
    public Position getPosition() {
        return position.copy().merge(wrapped().getPosition());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        QueryResult<R> handle = StoreHandle.answer(query, positionBound, config, this, handleView,
                HandleStores.belowMetered(wrapped()), lifecycle, this::getPosition,
                context == null ? null : context.taskId().partition());
        if (handle != null) {
            return handle;
        }
        if (query instanceof KeyQuery<?, ?> keyQuery && config.getIsolationLevel() != IsolationLevel.READ_COMMITTED) {
            Pending<V> written = pending.get((K) keyQuery.getKey());
            Position seen = position.copy();
            if (written != null && PositionBounds.reached(seen, positionBound)) {
                QueryResult<R> result = QueryResult.forResult((R) written.value());
                if (config.isCollectExecutionInfo()) {
                    result.addExecutionInfo("Answered by " + getClass().getSimpleName() + " from a value pending write-out");
                }
                result.setPosition(seen);
                return result;
            }
        }
        return wrapped().query(query, positionBound, config);
    }

    /**
     * The view a {@link StoreHandle} gives (from any thread): {@code get} answers a pending value as a
     * {@link KeyQuery} does, else the store below's; ranges read the store below only (as range queries do) and never
     * write out, which only the stream thread may.
     */
    private final class HandleView implements PendingView<K, V> {
        @Override
        public V get(K key) {
            return WriteBehindKeyValueStore.this.get(key); // pending first, never writes out
        }

        @Override
        public boolean isPending(K key) {
            return pending.containsKey(key);
        }

        @Override
        public KeyValueIterator<K, V> range(K from, K to) {
            return wrapped().range(from, to);
        }

        @Override
        public KeyValueIterator<K, V> all() {
            return wrapped().all();
        }

        @Override
        public long approximateNumEntries() {
            return wrapped().approximateNumEntries();
        }
    }

    /**
     * The view a {@link StoreHandle} on a write-behind store gives: a store's reads, and whether a key's value is
     * pending write-out. When it is not, the store below holds the key's latest value: a reader may read that from the
     * handle's {@linkplain StoreHandle#serialized() serialized store} and decode only the part it needs; when it is,
     * {@code get} answers the pending object. (A write-out between the two calls leaves the store below as new as the
     * pending value was, so either read is current.)
     */
    public interface PendingView<K, V> extends ReadOnlyKeyValueStore<K, V> {
        /** Whether {@code key} has a write (or a delete) waiting for the next write-out. */
        boolean isPending(K key);
    }

    /** The number of keys waiting for the next write-out. */
    public int pendingKeys() {
        return pending.size();
    }

    /**
     * How many times pending values have been written out to the store below (at commits, early, or before a range
     * read) since this store was opened: a writer that sees it unchanged knows that everything it put since it last
     * looked is still pending.
     */
    public long writeOuts() {
        return writeOuts;
    }

    /**
     * Forgets the pending write of {@code key}, as if it had not been made: for a key the caller knows is absent from
     * the store below (first put after the last {@linkplain #writeOuts() write-out}), and that it now wants absent
     * again, this saves writing the value out and then its tombstone. For a key that may be below, write a delete
     * instead ({@code put(key, null)}): discarding its pending write would leave the older value in place.
     */
    public void discard(K key) {
        pending.remove(requireNonNull(key, "key"));
    }

    private void writeOut() {
        if (pending.isEmpty()) {
            return;
        }
        writeOuts++;
        ProcessorRecordContext current = internalContext == null ? null : internalContext.recordContext();
        List<Map.Entry<K, Pending<V>>> entries = new ArrayList<>(pending.entrySet());
        try {
            for (Map.Entry<K, Pending<V>> entry : entries) {
                Pending<V> written = entry.getValue();
                if (internalContext != null && written.context() != null) {
                    internalContext.setRecordContext(written.context());
                }
                if (written.value() == null) {
                    wrapped().delete(entry.getKey());
                } else {
                    wrapped().put(entry.getKey(), written.value());
                }
                // Removed only once below, and only if not replaced meanwhile (a query never writes).
                pending.remove(entry.getKey(), written);
            }
        } finally {
            if (internalContext != null) {
                internalContext.setRecordContext(current);
            }
        }
    }

    private ProcessorRecordContext currentRecordContext() {
        return internalContext == null ? null : internalContext.recordContext();
    }

    /**
     * Advances the position to the record being processed, once per record: a capability puts several keys per event
     * (the sketches nine or ten), and each {@code withComponent} is two concurrent-map writes.
     */
    private void advancePosition() {
        RecordMetadata metadata = context == null ? null : context.recordMetadata().orElse(null);
        if (metadata == null || metadata.topic() == null || metadata.offset() < 0) {
            return;
        }
        if (metadata.offset() == positionOffset && metadata.partition() == positionPartition
                && metadata.topic().equals(positionTopic)) {
            return;
        }
        // In place: Position is backed by concurrent maps, and queries read it from other threads.
        position.withComponent(metadata.topic(), metadata.partition(), metadata.offset());
        positionTopic = metadata.topic();
        positionPartition = metadata.partition();
        positionOffset = metadata.offset();
    }
}
