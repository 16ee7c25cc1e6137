package io.spectracache.query;

import static java.util.Objects.requireNonNull;

import io.spectracache.consistency.ConsistencyToken;
import io.spectracache.routing.LocalStores;
import io.spectracache.routing.ReadOptions;
import io.spectracache.topics.TopicSpec;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A question every instance answers for its own active partitions of {@link #store()}, merged into one answer by
 * the instance asked: scans, counts over the fleet, radius searches. An instance that does not answer makes the
 * result partial ({@link Gathered#partial()}), never a failure.
 *
 * @param <P> the parameters
 * @param <R> one instance's answer, and the merged one
 */
public final class ScatterQuery<P, R> {
    /** One instance's answer and the store partitions it covers. */
    public record Part<R>(R value, Set<Integer> partitions) {
        public Part {
            requireNonNull(value, "value");
            partitions = Set.copyOf(partitions);
        }
    }

    /** Answers from this instance's own active partitions. */
    @FunctionalInterface
    public interface LocalAnswer<P, R> {
        Part<R> answer(P parameters, LocalStores stores, ReadOptions read);
    }

    /** Merges the instances' answers into one (the local one included, in no particular order). */
    @FunctionalInterface
    public interface Merge<P, R> {
        R merge(P parameters, List<R> parts);
    }

    private final String name;
    private final Codec<P> parameters;
    private final String store;
    private final TopicSpec<?, ?> partitionedBy;
    private final Codec<R> answer;
    private final LocalAnswer<P, R> local;
    private final Merge<P, R> merge;

    private ScatterQuery(String name, Codec<P> parameters, String store, TopicSpec<?, ?> partitionedBy, Codec<R> answer,
                         LocalAnswer<P, R> local, Merge<P, R> merge) {
        this.name = QueryNames.check(name);
        this.parameters = requireNonNull(parameters, "parameters");
        this.store = requireNonNull(store, "store");
        this.partitionedBy = requireNonNull(partitionedBy, "partitionedBy");
        this.answer = requireNonNull(answer, "answer");
        this.local = requireNonNull(local, "local");
        this.merge = requireNonNull(merge, "merge");
    }

    /**
     * @param name          stable, unique name: part of the internal query API
     * @param store         the store whose active partitions each instance answers for
     * @param partitionedBy the topic whose partition count the store has: an answer covering fewer is partial
     */
    public static <P, R> ScatterQuery<P, R> of(String name, Codec<P> parameters, String store, TopicSpec<?, ?> partitionedBy,
                                               Codec<R> answer, LocalAnswer<P, R> local, Merge<P, R> merge) {
        return new ScatterQuery<>(name, parameters, store, partitionedBy, answer, local, merge);
    }

    public String name() {
        return name;
    }

    public Codec<P> parameters() {
        return parameters;
    }

    public String store() {
        return store;
    }

    public TopicSpec<?, ?> partitionedBy() {
        return partitionedBy;
    }

    public Codec<R> answer() {
        return answer;
    }

    Part<R> answerLocally(P params, LocalStores stores, ReadOptions read) {
        return local.answer(params, stores, read);
    }

    R merge(P params, List<R> parts) {
        return merge.merge(params, parts);
    }
}
