package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import io.spectracache.query.Codec;
import io.spectracache.query.Gathered;
import io.spectracache.query.ScatterQuery;
import io.spectracache.routing.LocalStores;
import io.spectracache.routing.ReadOptions;
import io.spectracache.topics.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The groups of a grouped distinct count that had events in a range ({@code GET /v1/distinct/{name}/groups}), so a
 * client (the dashboard's group selector) can list the values {@code group=} takes without knowing them. Gathered
 * from every instance: each reads its partitions' lanes ({@link SketchReads#groups}) and the union is kept in string
 * order, cut at the request's {@code limit} ({@code truncated} then says so).
 *
 * <pre>{@code
 * Gathered<DistinctGroups.Part> tenants = queries.scatter(DistinctGroups.GROUPS,
 *         new DistinctGroups.Request(SketchQueries.DistinctSpec.of(devices), from, to, 100), read);
 * }</pre>
 */
public final class DistinctGroups {
    /** Most groups one answer lists. */
    static final int MAX_LIMIT = 1_000;
    /** Groups listed when {@code limit=} is not given. */
    static final int DEFAULT_LIMIT = 100;

    /** The groups with events in {@code [from, to)}, the first {@code limit} in string order. */
    public static final ScatterQuery<Request, Part> GROUPS = ScatterQuery.of("sketches.distinct.groups",
            Codec.json(Request.class), SketchQueries.WINDOWS, Topics.EVENTS_RAW, Codec.json(Part.class),
            DistinctGroups::local, (request, parts) -> merge(request.limit(), parts));

    private DistinctGroups() {
    }

    /** The question: a grouped distinct count's definition, a range and how many groups at most. */
    public record Request(SketchQueries.DistinctSpec sketch, long from, long to, int limit) {
        public Request {
            requireNonNull(sketch, "sketch");
            if (from >= to || limit < 1) {
                throw new IllegalArgumentException("from before to and a positive limit: " + from + ", " + to + ", "
                        + limit);
            }
        }
    }

    /** Groups in string order; {@code truncated} when more had events than the limit. */
    public record Part(List<String> groups, boolean truncated) {
        public Part {
            groups = List.copyOf(groups);
        }
    }

    /**
     * The answer of {@code GET /v1/distinct/{name}/groups}.
     *
     * @param groupBy   the field the count is grouped by
     * @param groups    the groups with events in the range, in string order
     * @param truncated more groups had events than {@code groups} lists
     */
    record Answer(String name, String groupBy, String from, String to, List<String> groups, boolean truncated,
                  boolean partial, List<String> failedInstances, Set<Integer> partitions) {
    }

    static Answer answer(DistinctDefinition sketch, SketchCatalog.Range range, Gathered<Part> gathered) {
        return new Answer(sketch.name(), sketch.groupBy().map(SketchField::toString).orElse(null),
                Instant.ofEpochMilli(range.from()).toString(), Instant.ofEpochMilli(range.to()).toString(),
                gathered.value().groups(), gathered.value().truncated(), gathered.partial(), gathered.failedInstances(),
                gathered.partitions());
    }

    static Part merge(int limit, List<Part> parts) {
        TreeSet<String> all = new TreeSet<>();
        boolean truncated = false;
        for (Part part : parts) {
            all.addAll(part.groups());
            truncated |= part.truncated();
        }
        return cut(all, limit, truncated);
    }

    private static Part cut(TreeSet<String> groups, int limit, boolean truncated) {
        List<String> first = groups.stream().limit(limit).toList();
        return new Part(first, truncated || groups.size() > limit);
    }

    private static ScatterQuery.Part<Part> local(Request request, LocalStores stores, ReadOptions read) {
        Set<Integer> active = new TreeSet<>(stores.activePartitions(SketchQueries.WINDOWS));
        DistinctDefinition definition = request.sketch().definition();
        TreeSet<String> groups = new TreeSet<>();
        for (int partition : active) {
            groups.addAll(SketchReads.groups(new LocalSketchStores(stores, partition, read), definition,
                    request.from(), request.to()));
        }
        return new ScatterQuery.Part<>(cut(groups, request.limit(), false), active);
    }
}
