package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import org.apache.kafka.streams.query.Query;

/**
 * An Interactive Queries v2 query for the fences this instance knows (the catalog of {@code spectra.geofences}), asked
 * of any local partition of {@code spatial-devices}: Kafka Streams does not run IQv2 queries on global stores, so the
 * spatial store answers it from the same {@link FenceIndex} its stream tasks check positions against. Honours a
 * position bound on the fences topic, so a read with the token of a fence write waits until that write is applied.
 *
 * <pre>{@code
 * FenceQuery.Answer one = stores.query(SpatialTopology.DEVICES_STORE.name(), FenceQuery.get("port-hamburg"), partition, read);
 * }</pre>
 */
public final class FenceQuery implements Query<FenceQuery.Answer> {
    private final String fenceId;
    private final String after;
    private final int limit;

    private FenceQuery(String fenceId, String after, int limit) {
        this.fenceId = fenceId;
        this.after = after;
        this.limit = limit;
    }

    /** The fence with this id (an answer with no fence when there is none). */
    public static FenceQuery get(String fenceId) {
        return new FenceQuery(requireNonNull(fenceId, "fenceId"), null, 1);
    }

    /** At most {@code limit} fences in id order, strictly after {@code after} (null: from the first). */
    public static FenceQuery page(String after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        return new FenceQuery(null, after, limit);
    }

    /**
     * What the catalog answered.
     *
     * @param fences the fences, in id order
     * @param more   whether fences follow the last one
     * @param total  how many fences the catalog holds
     */
    public record Answer(List<Geofence> fences, boolean more, int total) {
        public Answer {
            fences = List.copyOf(fences);
        }
    }

    /** Answers from one snapshot of the fences. */
    Answer answer(FenceIndex.Snapshot snapshot) {
        if (fenceId != null) {
            FenceIndex.Entry entry = snapshot.get(fenceId);
            return new Answer(entry == null ? List.of() : List.of(entry.fence()), false, snapshot.size());
        }
        NavigableMap<String, FenceIndex.Entry> from = after == null ? snapshot.byId() : snapshot.byId().tailMap(after, false);
        List<Geofence> page = new ArrayList<>(Math.min(limit, from.size()));
        boolean more = false;
        for (Map.Entry<String, FenceIndex.Entry> entry : from.entrySet()) {
            if (page.size() == limit) {
                more = true;
                break;
            }
            page.add(entry.getValue().fence());
        }
        return new Answer(page, more, snapshot.size());
    }
}
