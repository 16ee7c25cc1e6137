package io.spectracache.query;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;

/**
 * The merged answer of a {@link ScatterQuery}. Partial when an instance did not answer or the answers cover fewer
 * partitions than the store has; never an exception for that.
 *
 * @param failedInstances {@code host:port} of the instances that did not answer
 * @param partitions      the store partitions the answer covers
 */
public record Gathered<R>(R value, boolean partial, List<String> failedInstances, Set<Integer> partitions) {
    public Gathered {
        requireNonNull(value, "value");
        failedInstances = List.copyOf(failedInstances);
        partitions = Set.copyOf(partitions);
    }
}
