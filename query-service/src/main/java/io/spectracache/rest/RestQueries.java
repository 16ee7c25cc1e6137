package io.spectracache.rest;

import io.javalin.http.Context;
import io.spectracache.consistency.ConsistencyToken;
import io.spectracache.errors.InvalidRequestException;
import io.spectracache.query.Outcome;
import io.spectracache.routing.PeerClient;
import io.spectracache.routing.ReadOptions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

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
    private static Optional<ConsistencyToken> after(Context ctx) {
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

    /**
     * What a read request may see: its {@code after} token and its {@code consistency} ({@code latest}, the default,
     * or {@code committed}; see {@link ReadOptions}).
     *
     * @throws InvalidRequestException if either is malformed
     */
    public static ReadOptions read(Context ctx) {
        String level = ctx.queryParam("consistency");
        boolean committed;
        if (level == null || level.isEmpty() || level.equals("latest")) {
            committed = false;
        } else if (level.equals("committed")) {
            committed = true;
        } else {
            throw new InvalidRequestException("consistency: 'latest' (the default: the newest state, which a crash may "
                    + "still roll back and re-apply) or 'committed' (only what is committed), was " + RestErrors.shown(level));
        }
        return ReadOptions.LATEST.after(after(ctx)).committed(committed);
    }

    /**
     * Refuses a query parameter this route does not take (a typo would otherwise be ignored and the request answered
     * as if it were not there) and a parameter given more than once (only one of them would count).
     *
     * @param names every parameter the route takes
     * @throws InvalidRequestException naming the parameter and what the route takes
     */
    public static void onlyParameters(Context ctx, String... names) {
        Set<String> allowed = Set.of(names);
        for (Map.Entry<String, List<String>> parameter : ctx.queryParamMap().entrySet()) {
            if (!allowed.contains(parameter.getKey())) {
                throw new InvalidRequestException("unknown query parameter " + RestErrors.shown(parameter.getKey()) + ": "
                        + ctx.method() + " " + ctx.endpoint().path + (names.length == 0 ? " takes none"
                        : " takes " + String.join(", ", names)));
            }
            if (parameter.getValue().size() > 1) {
                throw new InvalidRequestException(parameter.getKey() + ": given " + parameter.getValue().size()
                        + " times; give it once");
            }
        }
    }

    /**
     * A whole-number query parameter within bounds, if the request has it.
     *
     * @param unit what the number counts, for the message ("seconds", "items")
     * @throws InvalidRequestException {@code ttl: must be a whole number of seconds from 1 to 315360000, was 'abc'}
     */
    public static OptionalLong wholeNumber(Context ctx, String name, long min, long max, String unit) {
        String text = ctx.queryParam(name);
        if (text == null) {
            return OptionalLong.empty();
        }
        long value;
        try {
            value = Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw outOfRange(name, min, max, unit, text);
        }
        if (value < min || value > max) {
            throw outOfRange(name, min, max, unit, text);
        }
        return OptionalLong.of(value);
    }

    private static InvalidRequestException outOfRange(String name, long min, long max, String unit, String text) {
        return new InvalidRequestException(name + ": must be a whole number of " + unit + " from " + min + " to " + max
                + ", was " + RestErrors.shown(text));
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
