package io.spectracache.query;

import static java.util.Objects.requireNonNull;

import io.spectracache.errors.RetryLaterException;
import io.spectracache.errors.SpectraException;
import io.spectracache.routing.Instance;
import java.util.function.Supplier;

/**
 * What became of a point query, as data: found (here or at a peer), absent, or retry later with the reason.
 * Transports map it; none of them sees a Kafka Streams exception.
 *
 * <pre>{@code DeviceState state = queries.point(DeviceQueries.GET, id, after).orElseThrow(() -> new NotFoundException("no device " + id));}</pre>
 */
public sealed interface Outcome<V> {
    /** The answer, from {@code servedBy} (this instance or the owner it asked). */
    record Found<V>(V value, Instance servedBy, boolean local) implements Outcome<V> {
        public Found {
            requireNonNull(value, "value");
            requireNonNull(servedBy, "servedBy");
        }
    }

    /** The owner has no answer (an unknown device, an absent or expired key). */
    record Absent<V>(Instance servedBy, boolean local) implements Outcome<V> {
        public Absent {
            requireNonNull(servedBy, "servedBy");
        }
    }

    /** No answer now; a retry after {@code reason.retryAfter()} can succeed. */
    record RetryLater<V>(RetryLaterException reason) implements Outcome<V> {
        public RetryLater {
            requireNonNull(reason, "reason");
        }
    }

    /**
     * The value if found.
     *
     * @throws SpectraException the one {@code absent} supplies when absent, or the {@link RetryLaterException}
     */
    default V orElseThrow(Supplier<? extends SpectraException> absent) {
        if (this instanceof Found<V> found) {
            return found.value();
        }
        if (this instanceof RetryLater<V> retry) {
            throw retry.reason();
        }
        throw absent.get();
    }
}
