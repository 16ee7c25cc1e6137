package io.spectracache.rest;

import io.javalin.http.Context;
import io.spectracache.consistency.ConsistencyToken;
import io.spectracache.errors.InvalidRequestException;
import io.spectracache.query.Outcome;
import io.spectracache.routing.PeerClient;
import java.util.Optional;

/** What every REST adapter of a query needs from a request, and puts on its answer. */
public final class RestQueries {
    /** Names the instance that answered, when it was not the one asked. */
    public static final String SERVED_BY_HEADER = "X-Spectra-Served-By";

    private RestQueries() {
    }

    /**
     * The {@code after} consistency token of a request, if it has one.
     *
     * @throws InvalidRequestException if it is not a token a write returned
     */
    public static Optional<ConsistencyToken> after(Context ctx) {
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

    /** False when the request already made its one hop between instances. */
    public static boolean mayForward(Context ctx) {
        return ctx.header(PeerClient.FORWARDED_HEADER) == null;
    }

    /** Marks the answer with the instance that served it, when that was a peer. */
    public static void servedBy(Context ctx, Outcome<?> outcome) {
        if (outcome instanceof Outcome.Found<?> found && !found.local()) {
            ctx.header(SERVED_BY_HEADER, found.servedBy().toString());
        } else if (outcome instanceof Outcome.Absent<?> absent && !absent.local()) {
            ctx.header(SERVED_BY_HEADER, absent.servedBy().toString());
        }
    }
}
