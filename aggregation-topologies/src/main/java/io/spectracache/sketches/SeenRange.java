package io.spectracache.sketches;

/**
 * When a lane (a sketch and group) was first and last seen on a partition, in event time: the value type of
 * {@code sketches-seen}, which lists the groups of a sketch and tells the processor what may have expired after a
 * restart. Under {@link SketchKeys#CLOCK} it holds the partition's first event and its clock (the newest event time
 * seen, written at least once per finest window).
 *
 * @param first the earliest event time counted, epoch ms
 * @param last  the latest event time counted, epoch ms; at least {@code first}
 */
public record SeenRange(long first, long last) {
    public SeenRange {
        if (last < first) {
            throw new IllegalArgumentException("last " + last + " is before first " + first);
        }
    }

    /** Whether {@code [first, last]} meets {@code [from, to)}. */
    public boolean overlaps(long from, long to) {
        return first < to && last >= from;
    }
}
