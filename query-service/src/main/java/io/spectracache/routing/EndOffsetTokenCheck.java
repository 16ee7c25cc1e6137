package io.spectracache.routing;

import static java.util.Objects.requireNonNull;

import io.spectracache.consistency.ConsistencyToken;
import io.spectracache.errors.InvalidRequestException;
import io.spectracache.query.TokenCheck;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks tokens against the topics of this deployment and the partitions' end offsets. End offsets are cached and
 * refreshed only when a token names an offset at or past the cached end; concurrent refreshes of one partition are
 * shared, so a flood of forged tokens costs one broker round trip at a time, not one each. When the broker cannot
 * be asked, the token is let through: the bounded wait of the read still applies.
 *
 * <pre>{@code TokenCheck check = new EndOffsetTokenCheck(admin, Map.of("spectra.kv.writes", 4), Duration.ofSeconds(2));}</pre>
 */
public final class EndOffsetTokenCheck implements TokenCheck {
    private static final Logger LOG = LoggerFactory.getLogger(EndOffsetTokenCheck.class);

    private record Refresh(long startedNanos, CompletableFuture<Long> end) {
    }

    private final Admin admin;
    private final Map<String, Integer> partitions;
    private final Duration timeout;
    private final ConcurrentMap<TopicPartition, Long> knownEnds = new ConcurrentHashMap<>();
    private final ConcurrentMap<TopicPartition, Refresh> refreshing = new ConcurrentHashMap<>();

    /**
     * @param admin      asked for end offsets; the caller owns it
     * @param partitions every topic a token may name, with its partition count
     */
    public EndOffsetTokenCheck(Admin admin, Map<String, Integer> partitions, Duration timeout) {
        this.admin = requireNonNull(admin, "admin");
        this.partitions = Map.copyOf(partitions);
        this.timeout = requireNonNull(timeout, "timeout");
    }

    @Override
    public void check(ConsistencyToken token) {
        Integer count = partitions.get(token.topic());
        if (count == null) {
            throw new InvalidRequestException("after: the token names topic " + token.topic()
                    + ", which this deployment does not use; pass a token a write returned");
        }
        if (token.partition() >= count) {
            throw new InvalidRequestException("after: the token names partition " + token.partition() + " of "
                    + token.topic() + ", which has " + count + "; pass a token a write returned");
        }
        TopicPartition partition = new TopicPartition(token.topic(), token.partition());
        if (token.offset() < knownEnds.getOrDefault(partition, 0L)) {
            return;
        }
        long arrived = System.nanoTime();
        Long end = refresh(partition, arrived);
        if (end != null && token.offset() >= end) {
            throw new InvalidRequestException("after: the token names offset " + token.offset() + " of " + partition
                    + ", whose log ends at " + end + "; no write has returned that token");
        }
    }

    /** The end offset as of a refresh that started no earlier than {@code notBefore}, or null if unknown. */
    private Long refresh(TopicPartition partition, long notBefore) {
        for (int attempt = 0; attempt < 2; attempt++) {
            Refresh current = refreshing.compute(partition, (key, running) ->
                    running != null && !running.end().isDone() ? running : new Refresh(System.nanoTime(), start(key)));
            Long end;
            try {
                end = current.end().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (Exception e) {
                LOG.debug("end offset of {} unknown: {}", partition, e.toString());
                return null;
            }
            knownEnds.merge(partition, end, Math::max);
            // A refresh that began before this token arrived may predate the write that returned it: ask once more.
            if (current.startedNanos() >= notBefore) {
                return end;
            }
        }
        return knownEnds.get(partition);
    }

    private CompletableFuture<Long> start(TopicPartition partition) {
        CompletableFuture<Long> end = new CompletableFuture<>();
        ListOffsetsResult result = admin.listOffsets(Map.of(partition, OffsetSpec.latest()));
        result.partitionResult(partition).whenComplete((info, error) -> {
            if (error != null) {
                end.completeExceptionally(error);
            } else {
                end.complete(info.offset());
            }
        });
        return end;
    }
}
