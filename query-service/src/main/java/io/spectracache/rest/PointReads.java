package io.spectracache.rest;

import static java.util.Objects.requireNonNull;

import io.javalin.http.Context;
import io.spectracache.consistency.ConsistencyToken;
import io.spectracache.errors.InvalidRequestException;
import io.spectracache.routing.LocalStores;
import io.spectracache.routing.Owner;
import io.spectracache.routing.PeerClient;
import io.spectracache.errors.RetryLaterException;
import io.spectracache.routing.Router;
import io.spectracache.topics.StoreSpec;
import java.util.Optional;

/**
 * Answers a point read wherever it arrives: from the local store when this instance owns the key, else by
 * forwarding the same request once to the owner and passing its answer through.
 */
final class PointReads {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PointReads.class);
    private final Router router;
    private final LocalStores stores;
    private final PeerClient peers;

    PointReads(Router router, LocalStores stores, PeerClient peers) {
        this.router = requireNonNull(router, "router");
        this.stores = requireNonNull(stores, "stores");
        this.peers = requireNonNull(peers, "peers");
    }

    /**
     * The local value of {@code key}, or empty after the request was answered by the owner (the peer's answer is
     * already written to {@code ctx}). A local miss is {@code Optional.of(Optional.empty())}.
     */
    <K, V> Optional<Optional<V>> read(Context ctx, StoreSpec<K, V> store, K key) {
        Optional<ConsistencyToken> after = afterToken(ctx);
        Owner owner = router.ownerOf(store, key);
        if (LOG.isDebugEnabled()) {
            LOG.debug("read {} key {} at partition {} of {} (local: {}, after: {})", store.name(), key, owner.partition(),
                    owner.host(), owner.local(), after.orElse(null));
        }
        if (owner.local()) {
            return Optional.of(stores.get(store, key, owner.partition(), after));
        }
        if (isForwarded(ctx)) {
            // One hop only: the sender's view of ownership is stale; its client retries and rediscovers.
            throw RetryLaterException.ownerUnavailable("this instance does not own the key (ownership is moving); retry");
        }
        PeerClient.PeerResponse answer = peers.get(owner.host(), pathAndQuery(ctx));
        RestErrors.passThrough(ctx, answer.status(), answer.contentType(), answer.body());
        ctx.header("X-Spectra-Served-By", owner.host().host() + ':' + owner.host().port());
        return Optional.empty();
    }

    static boolean isForwarded(Context ctx) {
        return ctx.header(PeerClient.FORWARDED_HEADER) != null;
    }

    static String pathAndQuery(Context ctx) {
        String query = ctx.queryString();
        return query == null || query.isEmpty() ? ctx.path() : ctx.path() + '?' + query;
    }

    /** The {@code after} consistency token of a request, if it has one. */
    static Optional<ConsistencyToken> afterToken(Context ctx) {
        String text = ctx.queryParam("after");
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ConsistencyToken.decode(text));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("after: not a consistency token returned by a write");
        }
    }
}
