package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.kafka.streams.query.Query;

/**
 * An Interactive Queries v2 query of the position index ({@code spatial-index}): read these cell ranges and keep the
 * positions a test accepts, answered by {@link IndexSearchStore} in one call per partition over the store's raw
 * bytes (only hits are decoded). The generic path, a {@code RangeQuery} per range, would cost one IQv2 call and a
 * decoded entry per candidate. Honours the request's isolation level and position bound like any range query. Runs
 * in the asking JVM only (it holds a lambda).
 *
 * @param ranges   the cell ranges to read, from a cover of the area
 * @param test     the exact test; NaN: not in the area
 * @param minTs    positions older than this (event time) are left out
 */
public record IndexSearch(List<CellKeys.CellRange> ranges, HitTest test, long minTs)
        implements Query<List<SpatialSearch.Hit>> {
    public IndexSearch {
        ranges = List.copyOf(requireNonNull(ranges, "ranges"));
        requireNonNull(test, "test");
    }
}
