package io.spectracache.routing;

import static java.util.Objects.requireNonNull;

import io.spectracache.consistency.ConsistencyToken;
import io.spectracache.errors.RetryLaterException;
import io.spectracache.topics.StoreSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Reads this instance's own state stores through Interactive Queries v2, always from active copies.
 *
 * <p>A read may name a {@link ConsistencyToken}: it then waits (up to the configured wait) until the store
 * partition has processed the token's record, so a client reads its own writes even across instances.
 * Failures come back as {@link RetryLaterException}s: never a Streams exception.
 */
public final class LocalStores {
    private static final long POLL_NANOS = Duration.ofMillis(2).toNanos();

    private final KafkaStreams streams;
    private final LocalPartitions partitions;
    private final Duration waitForPosition;
    private final Semaphore waiting;

    /**
     * @param waitForPosition how long a read with a token waits for the state to include the write
     * @param maxWaitingReads how many such reads may wait at once; past it a read answers "retry later" at once, so
     *                        waiting reads never take every request thread
     */
    public LocalStores(KafkaStreams streams, LocalPartitions partitions, Duration waitForPosition, int maxWaitingReads) {
        this.streams = requireNonNull(streams, "streams");
        this.partitions = requireNonNull(partitions, "partitions");
        this.waitForPosition = requireNonNull(waitForPosition, "waitForPosition");
        if (maxWaitingReads < 1) {
            throw new IllegalArgumentException("maxWaitingReads must be positive, was " + maxWaitingReads);
        }
        this.waiting = new Semaphore(maxWaitingReads);
    }

    private LocalStores(LocalStores all, LocalPartitions partitions) {
        this.streams = all.streams;
        this.partitions = partitions;
        this.waitForPosition = all.waitForPosition;
        this.waiting = all.waiting;
    }

    /** These stores, read on exactly {@code partitions} ({@link LocalPartitions#restrictedTo}). */
    public LocalStores restrictedTo(Set<Integer> partitions) {
        return new LocalStores(this, this.partitions.restrictedTo(partitions));
    }

    /** Which instance holds which active partitions of {@code storeName} ({@link LocalPartitions#activeByInstance}). */
    public Map<Instance, Set<Integer>> activeByInstance(String storeName) {
        return partitions.activeByInstance(storeName);
    }

    /**
     * The value of {@code key} in the given partition of a local store, or empty if the key is absent.
     *
     * @throws RetryLaterException if the partition is not active here, not ready, or has not reached
     *                             {@code after} in time
     */
    public <K, V> Optional<V> get(StoreSpec<K, V> store, K key, int partition, ReadOptions read) {
        KeyQuery<K, V> query = KeyQuery.withKey(key);
        StateQueryRequest<V> request = bounded(StateQueryRequest.inStore(store.name())
                .withQuery(query)
                .withPartitions(Set.of(partition)), read);
        QueryResult<V> result = awaitPartition(request, partition, read.after());
        return Optional.ofNullable(result.getResult());
    }

    /**
     * Runs any IQv2 {@code query} on one partition of a local store, with the same waiting, isolation and failure
     * rules as {@link #get}. A result that holds an iterator is the caller's to close.
     *
     * @throws RetryLaterException if the partition is not active here, not ready, or has not reached {@code after}
     */
    public <R> R query(String storeName, Query<R> query, int partition, ReadOptions read) {
        StateQueryRequest<R> request = bounded(StateQueryRequest.inStore(storeName).withQuery(query)
                .withPartitions(Set.of(partition)), read);
        return awaitPartition(request, partition, read.after()).getResult();
    }

    /**
     * Runs one IQv2 {@code query} on several partitions of a local store in ONE request, with the same waiting,
     * isolation and failure rules as {@link #query}: each {@code KafkaStreams.query} takes the state updater's lock and
     * walks every task, so a scatter part that asks each local partition in turn pays that once per partition. Results
     * that hold iterators are the caller's to close (all of them; on a failure none is left open).
     *
     * @return each asked partition's result, in partition order; empty when {@code partitions} is
     * @throws RetryLaterException if one of the partitions is not active here, not ready, or has not reached
     *                             {@code after} in time
     */
    public <R> Map<Integer, R> queryAll(String storeName, Query<R> query, Set<Integer> partitions, ReadOptions read) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        StateQueryRequest<R> request = bounded(StateQueryRequest.inStore(storeName).withQuery(query)
                .withPartitions(Set.copyOf(partitions)), read);
        Map<Integer, QueryResult<R>> results = awaitAll(request, read.after());
        Map<Integer, R> answers = new TreeMap<>();
        results.forEach((partition, result) -> answers.put(partition, result.getResult()));
        for (int partition : partitions) {
            if (!answers.containsKey(partition)) {
                answers.values().stream().filter(AutoCloseable.class::isInstance).forEach(LocalStores::closeQuietly);
                throw RetryLaterException.ownerUnavailable("partition " + partition + " of " + storeName
                        + " is not active on this instance");
            }
        }
        return answers;
    }

    /** The active partitions of {@code storeName} on this instance (empty when none). */
    public Set<Integer> activePartitions(String storeName) {
        return partitions.activeOf(storeName);
    }

    /** One page of a local ordered scan over every active partition of a store on this instance. */
    public record LocalPage<K, V>(List<KeyValue<K, V>> items, boolean hasMore, Set<Integer> partitions) {
    }

    /**
     * Scans every local active partition of {@code store} in key order (UTF-8 byte order, as RocksDB keeps
     * it), keeping keys that pass {@code keep} and values that pass {@code visible}, and returns at most
     * {@code limit} of them starting strictly after {@code exclusiveStart} (or at {@code from} inclusive).
     * The scan stops at the first key past {@code stopWhen}.
     */
    public <V> LocalPage<String, V> scan(StoreSpec<String, V> store, ScanBounds bounds, Predicate<V> visible,
                                         int limit, ReadOptions read) {
        return scan(store, bounds, visible, PageBound.items(limit), read);
    }

    /**
     * How large one page may be: at most {@code items} entries and, past the first entry, at most {@code bytes} as
     * {@code sizeOf} counts them, so that a page of large values stays bounded in memory and on the wire.
     */
    public record PageBound<V>(int items, long bytes, java.util.function.ToLongFunction<V> sizeOf) {
        public PageBound {
            if (items < 1 || bytes < 1) {
                throw new IllegalArgumentException("a page holds at least one item and one byte");
            }
            requireNonNull(sizeOf, "sizeOf");
        }

        /** Bounded by count only. */
        public static <V> PageBound<V> items(int items) {
            return new PageBound<>(items, Long.MAX_VALUE, value -> 0);
        }
    }

    /** As {@link #scan(StoreSpec, ScanBounds, Predicate, int, Optional)}, bounded by {@code bound}. */
    public <V> LocalPage<String, V> scan(StoreSpec<String, V> store, ScanBounds bounds, Predicate<V> visible,
                                         PageBound<V> bound, ReadOptions read) {
        RangeQuery<String, V> query = bounds.lowerInclusive() == null
                ? RangeQuery.withNoBounds()
                : RangeQuery.withLowerBound(bounds.lowerInclusive());
        Set<Integer> active = partitions.activeOf(store.name());
        if (active.isEmpty()) {
            return new LocalPage<>(List.of(), false, Set.of());
        }
        StateQueryRequest<KeyValueIterator<String, V>> request =
                bounded(StateQueryRequest.inStore(store.name()).withQuery(query).withPartitions(active), read);
        Map<Integer, QueryResult<KeyValueIterator<String, V>>> results = awaitAll(request, read.after());
        List<KeyValueIterator<String, V>> iterators = new ArrayList<>();
        try {
            for (QueryResult<KeyValueIterator<String, V>> result : results.values()) {
                iterators.add(result.getResult());
            }
            return mergePage(iterators, bounds, visible, bound, new TreeSet<>(results.keySet()));
        } finally {
            iterators.forEach(KeyValueIterator::close);
        }
    }

    private static <V> LocalPage<String, V> mergePage(List<KeyValueIterator<String, V>> iterators, ScanBounds bounds,
                                                      Predicate<V> visible, PageBound<V> bound, Set<Integer> partitions) {
        int limit = bound.items();
        long bytes = 0;
        record Head<V>(KeyValue<String, V> entry, KeyValueIterator<String, V> source) {
        }
        Comparator<String> order = KeyOrder.UTF8;
        PriorityQueue<Head<V>> heads = new PriorityQueue<>((a, b) -> order.compare(a.entry().key, b.entry().key));
        for (KeyValueIterator<String, V> iterator : iterators) {
            if (iterator.hasNext()) {
                heads.add(new Head<>(iterator.next(), iterator));
            }
        }
        List<KeyValue<String, V>> page = new ArrayList<>(Math.min(limit, 1024));
        while (!heads.isEmpty()) {
            Head<V> head = heads.poll();
            KeyValue<String, V> entry = head.entry();
            if (bounds.isPastEnd(entry.key)) {
                break; // every source is ordered, so nothing after this head can be in range either
            }
            if (bounds.admits(entry.key) && entry.value != null && visible.test(entry.value)) {
                long size = bound.sizeOf().applyAsLong(entry.value);
                if (page.size() == limit || (!page.isEmpty() && bytes + size > bound.bytes())) {
                    return new LocalPage<>(page, true, partitions);
                }
                page.add(entry);
                bytes += size;
            }
            if (head.source().hasNext()) {
                heads.add(new Head<>(head.source().next(), head.source()));
            }
        }
        return new LocalPage<>(page, false, partitions);
    }

    private <R> QueryResult<R> awaitPartition(StateQueryRequest<R> request, int partition, Optional<ConsistencyToken> after) {
        long deadline = System.nanoTime() + waitForPosition.toNanos();
        boolean holdsPermit = false;
        try {
            while (true) {
                QueryResult<R> result = run(request).getPartitionResults().get(partition);
                if (result == null) {
                    throw RetryLaterException.ownerUnavailable("partition " + partition + " of " + request.getStoreName()
                            + " is not active on this instance");
                }
                if (result.isSuccess()) {
                    return result;
                }
                failUnlessBehind(result, request.getStoreName());
                if (System.nanoTime() > deadline) {
                    throw behind(after);
                }
                holdsPermit = holdsPermit || startWaiting();
                LockSupport.parkNanos(POLL_NANOS);
            }
        } finally {
            if (holdsPermit) {
                waiting.release();
            }
        }
    }

    private <R> Map<Integer, QueryResult<R>> awaitAll(StateQueryRequest<R> request, Optional<ConsistencyToken> after) {
        long deadline = System.nanoTime() + waitForPosition.toNanos();
        boolean holdsPermit = false;
        try {
            while (true) {
                StateQueryResult<R> results = run(request);
                boolean behind = false;
                try {
                    for (QueryResult<R> result : results.getPartitionResults().values()) {
                        if (result.isFailure()) {
                            failUnlessBehind(result, request.getStoreName());
                            behind = true;
                        }
                    }
                } finally {
                    if (results.getPartitionResults().values().stream().anyMatch(QueryResult::isFailure)) {
                        // Iterators of the partitions that did answer are open: close them before asking again or
                        // failing.
                        closeAnswered(results);
                    }
                }
                if (!behind) {
                    return results.getPartitionResults();
                }
                if (System.nanoTime() > deadline) {
                    throw behind(after);
                }
                holdsPermit = holdsPermit || startWaiting();
                LockSupport.parkNanos(POLL_NANOS);
            }
        } finally {
            if (holdsPermit) {
                waiting.release();
            }
        }
    }

    private static void closeAnswered(StateQueryResult<?> results) {
        results.getPartitionResults().values().stream()
                .filter(QueryResult::isSuccess)
                .map(QueryResult::getResult)
                .filter(AutoCloseable.class::isInstance)
                .forEach(LocalStores::closeQuietly);
    }

    /** Takes a waiting place, or answers "retry later" when every place is taken. */
    private boolean startWaiting() {
        if (!waiting.tryAcquire()) {
            throw RetryLaterException.notReady("too many reads are waiting for their writes to be applied; retry");
        }
        return true;
    }

    private <R> StateQueryResult<R> run(StateQueryRequest<R> request) {
        try {
            return streams.query(request);
        } catch (StreamsException | IllegalStateException e) {
            throw RetryLaterException.notReady("store " + request.getStoreName() + " is not ready: " + e.getClass().getSimpleName());
        } catch (NullPointerException e) {
            throw closingOr(e, request.getStoreName());
        }
    }

    /**
     * What a read answers when Kafka Streams throws a {@link NullPointerException}: a query that races with its store
     * being closed (the task moving to another instance, or revived after an aborted transaction) reaches
     * {@code RocksDBStore.query} after the store dropped its database handle ({@code dbAccessor} is null). That is a
     * "retry" for the client, not a failure; an NPE thrown anywhere else is a bug and is rethrown as it is.
     */
    static RuntimeException closingOr(NullPointerException e, String store) {
        StackTraceElement[] trace = e.getStackTrace();
        if (trace.length > 0 && trace[0].getClassName().startsWith("org.apache.kafka.streams.state.internals.")) {
            return RetryLaterException.notReady("store " + store + " is closing (its partition is moving or restarting); "
                    + "retry");
        }
        return e;
    }

    private static void failUnlessBehind(QueryResult<?> result, String store) {
        FailureReason reason = result.getFailureReason();
        if (reason == FailureReason.NOT_UP_TO_BOUND) {
            return;
        }
        if (reason == FailureReason.NOT_ACTIVE || reason == FailureReason.NOT_PRESENT) {
            throw RetryLaterException.ownerUnavailable("store " + store + " moved to another instance; retry");
        }
        throw new IllegalStateException("query on store " + store + " failed: " + reason + " " + result.getFailureMessage());
    }

    private static RetryLaterException behind(Optional<ConsistencyToken> after) {
        return RetryLaterException.notReady("the state has not caught up with the write of token "
                + after.map(ConsistencyToken::encode).orElse("?") + " yet; retry");
    }

    /**
     * Kafka Streams ignores the position bound of a request that requires an active store (active stores are
     * taken as current), so a read that must include a write is bounded and not restricted to active copies;
     * the caller already routed it to the partition's active owner, and a standby here may answer only once it
     * has reached the bound. Reads without a token require the active copy.
     */
    private static <R> StateQueryRequest<R> bounded(StateQueryRequest<R> request, ReadOptions read) {
        StateQueryRequest<R> bounded = read.after().isPresent()
                ? request.withPositionBound(boundOf(read.after())) : request.requireActive();
        // Committed-only reads see the store as of the last commit (transactional state stores, KIP-892).
        return read.committed() ? bounded.withIsolationLevel(IsolationLevel.READ_COMMITTED) : bounded;
    }

    private static PositionBound boundOf(Optional<ConsistencyToken> after) {
        return after.map(token -> PositionBound.at(Position.emptyPosition()
                        .withComponent(token.topic(), token.partition(), token.offset())))
                .orElse(PositionBound.unbounded());
    }

    private static void closeQuietly(Object closeable) {
        try {
            ((AutoCloseable) closeable).close();
        } catch (Exception e) {
            // Closing a RocksDB iterator does not fail in practice; nothing a caller could do about it.
        }
    }
}
