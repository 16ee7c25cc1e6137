package io.spectracache.state;

import java.util.Map;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;

/** Whether a store has seen what a read-your-writes bound asks for: the one check every store of ours that answers
 * interactive queries itself makes before it answers. */
public final class PositionBounds {
    private PositionBounds() {
    }

    /**
     * True when {@code seen} reached {@code bound}: the bound is unbounded, or for every topic partition it names,
     * {@code seen} holds an offset at least as high.
     */
    public static boolean reached(Position seen, PositionBound bound) {
        if (bound.isUnbounded()) {
            return true;
        }
        Position required = bound.position();
        for (String topic : required.getTopics()) {
            Map<Integer, Long> have = seen.getPartitionPositions(topic);
            for (Map.Entry<Integer, Long> need : required.getPartitionPositions(topic).entrySet()) {
                Long offset = have.get(need.getKey());
                if (offset == null || offset < need.getValue()) {
                    return false;
                }
            }
        }
        return true;
    }
}
