package io.spectracache.routing;

import static java.util.Objects.requireNonNull;

import io.spectracache.consistency.ConsistencyToken;
import java.util.Optional;

/**
 * What a read may see. {@code latest} (the default) answers from the store as it is, including writes of the
 * transaction in flight, which a crash may still take back (they are then re-applied exactly once, so the read
 * value comes back, but a reader may have seen it early); {@code committed} answers only from committed state
 * (Kafka Streams' transactional state stores, KIP-892), so nothing it shows can be rolled back, at the price of
 * lagging up to one commit interval. A consistency token ({@code after}) adds read-your-writes to either.
 *
 * <pre>{@code ReadOptions read = ReadOptions.LATEST.committed(true).after(Optional.of(token));}</pre>
 */
public record ReadOptions(Optional<ConsistencyToken> after, boolean committed) {
    /** Latest state, no token. */
    public static final ReadOptions LATEST = new ReadOptions(Optional.empty(), false);

    public ReadOptions {
        requireNonNull(after, "after");
    }

    /** A copy that waits for the write of {@code token}, if any. */
    public ReadOptions after(Optional<ConsistencyToken> token) {
        return new ReadOptions(token, committed);
    }

    /** A copy that reads committed state only, or the latest. */
    public ReadOptions committed(boolean committedOnly) {
        return new ReadOptions(after, committedOnly);
    }

    /** The wire form of the consistency level: {@code committed} or {@code latest}. */
    public String level() {
        return committed ? "committed" : "latest";
    }
}
