package io.spectracache.query;

import static java.util.Objects.requireNonNull;

import io.spectracache.consistency.ConsistencyToken;
import io.spectracache.errors.ErrorBody;
import io.spectracache.errors.ErrorCode;
import io.spectracache.errors.InvalidRequestException;
import io.spectracache.errors.NotFoundException;
import io.spectracache.errors.RetryLaterException;
import io.spectracache.routing.Instance;
import io.spectracache.routing.LocalStores;
import io.spectracache.routing.Owner;
import io.spectracache.routing.Ownership;
import io.spectracache.routing.PeerClient;
import io.spectracache.routing.ReadOptions;
import io.spectracache.serialization.Json;
import io.spectracache.topics.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers every query wherever it arrives, transport-neutral: REST, Arrow Flight and the dashboard are thin adapters
 * over it. A point query is answered from the local store when this instance owns the key, else by asking the owner
 * once; a scatter query asks every instance that holds active partitions of its store, in parallel, and merges.
 * Peers are asked through the internal query API ({@link PeerClient}), and answer through
 * {@link #answerForPeer}.
 *
 * <pre>{@code
 * Outcome<DeviceState> state = queries.point(DeviceQueries.GET, "truck-0042", ReadOptions.LATEST);
 * Gathered<KvScanPart> page = queries.scatter(KeyValueQueries.SCAN, request, ReadOptions.LATEST);
 * }</pre>
 */
public final class QueryService {
    private static final Logger LOG = LoggerFactory.getLogger(QueryService.class);

    private final Ownership router;
    private final LocalStores stores;
    private final PeerClient peers;
    private final ExecutorService scatterPool;
    private final ToIntFunction<TopicSpec<?, ?>> partitionsOf;
    private final TokenCheck tokens;
    private final Map<String, PointQuery<?, ?, ?>> pointQueries = new LinkedHashMap<>();
    private final Map<String, ScatterQuery<?, ?>> scatterQueries = new LinkedHashMap<>();

    /**
     * @param queries      every query the capabilities declare ({@link PointQuery} or {@link ScatterQuery}); names
     *                     must be unique
     * @param scatterPool  runs the calls to other instances; the caller owns it
     * @param partitionsOf partition counts of the contract topics, to tell a complete scatter answer from a partial one
     * @param tokens       refuses, before any wait, a consistency token no write can have returned
     */
    public QueryService(Ownership router, LocalStores stores, PeerClient peers, ExecutorService scatterPool,
                        ToIntFunction<TopicSpec<?, ?>> partitionsOf, TokenCheck tokens, Collection<?> queries) {
        this.router = requireNonNull(router, "router");
        this.stores = requireNonNull(stores, "stores");
        this.peers = requireNonNull(peers, "peers");
        this.scatterPool = requireNonNull(scatterPool, "scatterPool");
        this.partitionsOf = requireNonNull(partitionsOf, "partitionsOf");
        this.tokens = requireNonNull(tokens, "tokens");
        for (Object query : queries) {
            String name = query instanceof PointQuery<?, ?, ?> point ? point.name()
                    : query instanceof ScatterQuery<?, ?> scatter ? scatter.name() : null;
            if (name == null) {
                throw new IllegalArgumentException("not a query: " + query);
            }
            if (pointQueries.containsKey(name) || scatterQueries.containsKey(name)) {
                throw new IllegalArgumentException("two queries are named " + name);
            }
            if (query instanceof PointQuery<?, ?, ?> point) {
                pointQueries.put(name, point);
            } else {
                scatterQueries.put(name, (ScatterQuery<?, ?>) query);
            }
        }
    }

    /** This instance. */
    public Instance self() {
        return router.self();
    }

    /**
     * Answers a point query from the owner of its key.
     *
     * @throws InvalidRequestException if {@code read.after()} cannot be a token a write returned
     * @param mayForward false when the request already made its one hop (it carried the forwarded header): then a
     *                   non-owner answers "retry later" instead of asking again
     */
    public <P, K, V> Outcome<V> point(PointQuery<P, K, V> query, P params, ReadOptions read, boolean mayForward) {
        read.after().ifPresent(tokens::check);
        try {
            Owner owner = router.ownerOf(query.store(), query.keyOf(params));
            if (owner.local()) {
                return query.readLocally(params, owner.partition(), stores, read)
                        .<Outcome<V>>map(value -> new Outcome.Found<>(value, owner.host(), true))
                        .orElseGet(() -> new Outcome.Absent<>(owner.host(), true));
            }
            if (!mayForward) {
                throw RetryLaterException.ownerUnavailable("this instance does not own the key (ownership is moving); retry");
            }
            return askOwner(query, params, read, owner.host());
        } catch (RetryLaterException e) {
            return new Outcome.RetryLater<>(e);
        }
    }

    /** As {@link #point(PointQuery, Object, Optional, boolean)}, free to ask the owner. */
    public <P, K, V> Outcome<V> point(PointQuery<P, K, V> query, P params, ReadOptions read) {
        return point(query, params, read, true);
    }

    private <P, K, V> Outcome<V> askOwner(PointQuery<P, K, V> query, P params, ReadOptions read, Instance owner) {
        PeerClient.PeerAnswer answer = peers.ask(owner, query.name(), query.parameters().encode(params), read);
        switch (answer.status()) {
            case 200:
                try {
                    return new Outcome.Found<>(query.answer().decode(answer.body()), owner, false);
                } catch (IllegalArgumentException e) {
                    throw RetryLaterException.ownerUnavailable("instance " + owner + " answered something unreadable");
                }
            case 204:
                return new Outcome.Absent<>(owner, false);
            case 503:
                throw retryReportedBy(owner, answer.body());
            default:
                throw RetryLaterException.ownerUnavailable("instance " + owner + " answered " + answer.status());
        }
    }

    /**
     * Gathers a scatter query from every instance that holds active partitions of its store. Never fails for an
     * instance that does not answer: the result is then partial and names it.
     *
     * @throws RetryLaterException if this instance cannot tell who holds the store (starting, rebalancing)
     */
    public <P, R> Gathered<R> scatter(ScatterQuery<P, R> query, P params, ReadOptions read) {
        read.after().ifPresent(tokens::check);
        List<Instance> instances = router.instancesOf(query.store());
        List<Instance> others = instances.stream().filter(instance -> !instance.equals(router.self())).toList();
        // Encoded only when another instance is asked: a single instance answers without it.
        byte[] encoded = others.isEmpty() ? null : query.parameters().encode(params);
        Map<Instance, CompletableFuture<ScatterQuery.Part<R>>> calls = new LinkedHashMap<>();
        for (Instance instance : others) {
            calls.put(instance, CompletableFuture.supplyAsync(() -> askPart(query, instance, encoded, read), scatterPool));
        }
        List<R> parts = new ArrayList<>();
        Set<Integer> covered = new TreeSet<>();
        List<String> failed = new ArrayList<>();
        if (instances.contains(router.self())) {
            ScatterQuery.Part<R> local = query.answerLocally(params, stores, read);
            parts.add(local.value());
            covered.addAll(local.partitions());
        }
        calls.forEach((instance, call) -> {
            try {
                ScatterQuery.Part<R> part = call.join();
                parts.add(part.value());
                covered.addAll(part.partitions());
            } catch (CompletionException e) {
                LOG.debug("instance {} did not answer {}: {}", instance, query.name(), e.getCause().getMessage());
                failed.add(instance.toString());
            }
        });
        boolean partial = !failed.isEmpty() || covered.size() < partitionsOf.applyAsInt(query.partitionedBy());
        return new Gathered<>(query.merge(params, parts), partial, failed, covered);
    }

    /**
     * This instance's part of a scatter query, on exactly {@code partitions} (a bulk read split by owner).
     *
     * @throws RetryLaterException if any of them is no longer active here, or the part cannot be read now
     */
    public <P, R> R localPart(ScatterQuery<P, R> query, P params, ReadOptions read, Set<Integer> partitions) {
        read.after().ifPresent(tokens::check);
        return query.answerLocally(params, stores.restrictedTo(partitions), read).value();
    }

    /**
     * Which instance holds which active partitions of the store a scatter query reads; empty while unknown. A map
     * that does not cover every partition means some are between owners right now.
     */
    public <P, R> Map<Instance, Set<Integer>> partsOf(ScatterQuery<P, R> query) {
        return stores.activeByInstance(query.store());
    }

    /** How many partitions the store a scatter query reads has. */
    public int partitionCount(ScatterQuery<?, ?> query) {
        return partitionsOf.applyAsInt(query.partitionedBy());
    }

    private <P, R> ScatterQuery.Part<R> askPart(ScatterQuery<P, R> query, Instance instance, byte[] params,
                                                ReadOptions read) {
        PeerClient.PeerAnswer answer = peers.ask(instance, query.name(), params, read);
        if (answer.status() != 200) {
            throw RetryLaterException.ownerUnavailable("instance " + instance + " answered " + answer.status());
        }
        try {
            return new ScatterQuery.Part<>(query.answer().decode(answer.body()), partitionsOf(answer.partitions()));
        } catch (IllegalArgumentException e) {
            throw RetryLaterException.ownerUnavailable("instance " + instance + " answered something unreadable");
        }
    }

    /** This instance's answer to a peer's question, ready to send back. */
    public record PeerReply(int status, byte[] body, Set<Integer> partitions) {
    }

    /**
     * Answers a query a peer asked, from this instance's own state only (never asking further).
     *
     * @throws NotFoundException        if no query has that name
     * @throws InvalidRequestException  if the parameters are not the query's
     * @throws RetryLaterException      if this instance cannot answer now
     */
    public PeerReply answerForPeer(String name, byte[] params, ReadOptions read) {
        PointQuery<?, ?, ?> point = pointQueries.get(name);
        if (point != null) {
            return answerPoint(point, params, read);
        }
        ScatterQuery<?, ?> scatter = scatterQueries.get(name);
        if (scatter != null) {
            return answerPart(scatter, params, read);
        }
        throw new NotFoundException("no query " + name + " (instances of different versions?)");
    }

    private <P, K, V> PeerReply answerPoint(PointQuery<P, K, V> query, byte[] params, ReadOptions read) {
        P decoded = decodeParameters(query.parameters(), params, query.name());
        Outcome<V> outcome = point(query, decoded, read, false);
        if (outcome instanceof Outcome.Found<V> found) {
            return new PeerReply(200, query.answer().encode(found.value()), Set.of());
        }
        if (outcome instanceof Outcome.RetryLater<V> retry) {
            throw retry.reason();
        }
        return new PeerReply(204, new byte[0], Set.of());
    }

    private <P, R> PeerReply answerPart(ScatterQuery<P, R> query, byte[] params, ReadOptions read) {
        P decoded = decodeParameters(query.parameters(), params, query.name());
        ScatterQuery.Part<R> part = query.answerLocally(decoded, stores, read);
        return new PeerReply(200, query.answer().encode(part.value()), part.partitions());
    }

    private static <P> P decodeParameters(Codec<P> codec, byte[] params, String name) {
        try {
            return codec.decode(params);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("the parameters are not those of query " + name + ": " + e.getMessage());
        }
    }

    private static RetryLaterException retryReportedBy(Instance owner, byte[] body) {
        try {
            ErrorBody error = Json.mapper().readValue(body, ErrorBody.class);
            for (ErrorCode code : ErrorCode.values()) {
                if (code.wireName().equals(error.error()) && code.httpStatus() == 503) {
                    Duration retryAfter = Duration.ofSeconds(error.retryAfterSeconds() == null ? 1 : error.retryAfterSeconds());
                    return RetryLaterException.reportedBy(code, error.message(), retryAfter);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // fall through: an unreadable 503 is still a 503
        }
        return RetryLaterException.ownerUnavailable("instance " + owner + " cannot answer now");
    }

    private static Set<Integer> partitionsOf(Optional<String> header) {
        if (header.isEmpty() || header.get().isBlank()) {
            return Set.of();
        }
        try {
            return java.util.Arrays.stream(header.get().split(",")).map(String::trim).map(Integer::valueOf)
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad partitions header " + header.get(), e);
        }
    }
}
