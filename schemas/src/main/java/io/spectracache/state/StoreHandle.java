package io.spectracache.state;

import static java.util.Objects.requireNonNull;

import io.spectracache.errors.RetryLaterException;
import java.util.function.Supplier;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * A handle on one local store, for a reader that makes many reads in a row (a page of a bulk scan): taken with ONE
 * Interactive Queries v2 request ({@link #query()}, so the request's checks apply once: the partition is active here,
 * the read-your-writes position bound is reached), then read directly, without a {@code KafkaStreams.query} (its task
 * walk, request objects and position copies) per read.
 *
 * <pre>{@code
 * StoreHandle<ReadOnlyKeyValueStore<Bytes, OpenSeries>> open =
 *         localStores.query("timeseries-open", StoreHandle.query(), partition, read);
 * OpenSeries base = open.read(() -> open.store().get(key));   // RetryLaterException if the store closed meanwhile
 * }</pre>
 *
 * <p><b>Contract.</b> Stores built by {@link HandleStores} (and {@link WriteBehindKeyValueStore}) answer the query;
 * other stores answer {@code UNKNOWN_QUERY_TYPE}. A store counts its lifecycles (every {@code init} and every
 * {@code close} is a new one). {@link #read}, {@link #check} and the iterators of {@link #checked} throw
 * {@link RetryLaterException} once the store was closed or opened again after the handle was taken (its task moved to
 * another instance, or was closed and revived): a read that raced a close or a restore is discarded, never answered,
 * and the caller retries (rediscovering the owner). Kafka Streams' own errors of a read on a closing store are turned
 * into the same retry. The handle reads the store as it is, uncommitted writes included: a request at
 * {@code READ_COMMITTED} isolation is refused ({@code STORE_EXCEPTION}). Holders keep a handle for one page of reads,
 * not longer. Thread-safe as the store's own interactive-query reads are.
 *
 * @param <S> the read-only view of the store the handle gives
 */
public final class StoreHandle<S> {
    private static final HandleQuery<?> QUERY = new HandleQuery<>();

    private final String storeName;
    private final S store;
    private final Object serialized;
    private final Lifecycle lifecycle;
    private final long generation;

    private StoreHandle(String storeName, S store, Object serialized, Lifecycle lifecycle) {
        this.storeName = storeName;
        this.store = store;
        this.serialized = serialized;
        this.lifecycle = lifecycle;
        this.generation = lifecycle.generation;
    }

    /** The IQv2 query whose result is a handle on the store asked (one partition's). */
    @SuppressWarnings("unchecked")
    public static <S> Query<StoreHandle<S>> query() {
        return (Query<StoreHandle<S>>) (Query<?>) QUERY;
    }

    /** The query type of {@link #query()}. */
    public static final class HandleQuery<S> implements Query<StoreHandle<S>> {
        private HandleQuery() {
        }
    }

    /** The store's read-only view. Reads through it are checked by {@link #read} or {@link #check}. */
    public S store() {
        return store;
    }

    /**
     * The store below Kafka Streams' metered layer, as the same kind of read-only store of serialised keys and values
     * ({@code ReadOnlyKeyValueStore<Bytes, byte[]>} under a key-value store, {@code ReadOnlyWindowStore<Bytes, byte[]>}
     * under a window store): what a reader that decodes only some values reads (a key of a {@code Serdes.Bytes()} store
     * is its own bytes). Reads through it are checked as {@link #store()}'s. Empty when the store has no such layer;
     * a write-behind store's pending values are not in it (read those through {@link #store()}).
     */
    @SuppressWarnings("unchecked")
    public <B> java.util.Optional<B> serialized() {
        return java.util.Optional.ofNullable((B) serialized);
    }

    /** The name of the store. */
    public String storeName() {
        return storeName;
    }

    /**
     * Throws unless the store is still the one the handle was taken on: open, and neither closed nor opened since.
     *
     * @throws RetryLaterException if it was
     */
    public void check() {
        if (!lifecycle.open || lifecycle.generation != generation) {
            throw RetryLaterException.notReady("store " + storeName + " was closed or reopened during the read (its "
                    + "partition is moving or restarting); retry");
        }
    }

    /**
     * Runs one read of the store and {@linkplain #check() checks} the handle after it, so that its answer is from the
     * store as the handle was taken.
     *
     * @throws RetryLaterException if the store closed or reopened before the read ended
     */
    public <T> T read(Supplier<T> read) {
        T answer;
        try {
            answer = read.get();
        } catch (InvalidStateStoreException e) {
            throw closing(e);
        } catch (NullPointerException e) {
            throw closingOr(e);
        }
        check();
        return answer;
    }

    /** {@code iterator}, each step of it {@linkplain #read checked}; closing it closes {@code iterator}. */
    public <K, V> KeyValueIterator<K, V> checked(KeyValueIterator<K, V> iterator) {
        requireNonNull(iterator, "iterator");
        return new KeyValueIterator<>() {
            @Override
            public boolean hasNext() {
                return read(iterator::hasNext);
            }

            @Override
            public KeyValue<K, V> next() {
                return read(iterator::next);
            }

            @Override
            public K peekNextKey() {
                return read(iterator::peekNextKey);
            }

            @Override
            public void close() {
                iterator.close();
            }
        };
    }

    /** {@code iterator}, each step of it {@linkplain #read checked}; closing it closes {@code iterator}. */
    public <V> WindowStoreIterator<V> checked(WindowStoreIterator<V> iterator) {
        requireNonNull(iterator, "iterator");
        return new WindowStoreIterator<>() {
            @Override
            public boolean hasNext() {
                return read(iterator::hasNext);
            }

            @Override
            public KeyValue<Long, V> next() {
                return read(iterator::next);
            }

            @Override
            public Long peekNextKey() {
                return read(iterator::peekNextKey);
            }

            @Override
            public void close() {
                iterator.close();
            }
        };
    }

    private RetryLaterException closing(RuntimeException cause) {
        RetryLaterException retry = RetryLaterException.notReady("store " + storeName + " is closing (its partition is "
                + "moving or restarting); retry");
        retry.initCause(cause);
        return retry;
    }

    /** As {@code LocalStores}: an NPE thrown inside Kafka Streams' stores is a read racing a close; others are bugs. */
    private RuntimeException closingOr(NullPointerException e) {
        StackTraceElement[] trace = e.getStackTrace();
        if (trace.length > 0 && trace[0].getClassName().startsWith("org.apache.kafka.streams.state.internals.")) {
            return closing(e);
        }
        return e;
    }

    /**
     * The lifecycles of one store object, as a store that answers {@link #query()} counts them: {@link #opened()} in
     * its {@code init}, {@link #closed()} in its {@code close}.
     */
    static final class Lifecycle {
        private volatile long generation;
        private volatile boolean open;

        void opened() {
            generation++;
            open = true;
        }

        void closed() {
            open = false;
            generation++;
        }
    }

    /**
     * What a store answers to {@code query} if it is a handle query: a handle on {@code view} (and {@code serialized},
     * the store below the metered layer, or null), unless the store has not
     * reached {@code bound} (its position, read only for a handle query) or the request asks for committed reads;
     * null for any other query (the store answers it as before).
     */
    @SuppressWarnings("unchecked")
    static <R> QueryResult<R> answer(Query<R> query, PositionBound bound, QueryConfig config, StateStore store,
                                     Object view, Object serialized, Lifecycle lifecycle,
                                     Supplier<Position> positionOf, Integer partition) {
        if (!(query instanceof HandleQuery<?>)) {
            return null; // before anything else: every other query of the store costs what it cost without handles
        }
        Position position = positionOf.get();
        if (config.getIsolationLevel() == IsolationLevel.READ_COMMITTED) {
            return QueryResult.forFailure(FailureReason.STORE_EXCEPTION, "a store handle reads uncommitted writes; "
                    + "read " + store.name() + " with key and range queries at READ_COMMITTED");
        }
        if (!PositionBounds.reached(position, bound)) {
            return QueryResult.notUpToBound(position, bound, partition);
        }
        QueryResult<R> result = QueryResult.forResult((R) new StoreHandle<>(store.name(), view, serialized, lifecycle));
        result.setPosition(position);
        return result;
    }
}
