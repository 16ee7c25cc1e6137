package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * A small memory of items a sketch already holds, for sketches where counting an item again changes nothing: an HLL
 * window (a duplicate coupon leaves its list, set, registers and HIP estimate as they were) and a Bloom filter (an item
 * that may be present is not added). A device sends many events per window, so most updates of a distinct count or a
 * membership filter are such repeats; one lookup here replaces the sketches' hashing and probing (three HLL windows per
 * lane, eight Bloom probes).
 *
 * <p>Direct-mapped and fixed in size: each slot holds the last item that mapped to it, with the owner it was counted
 * in (a lane, a filter) and a tag (the lane's finest window start). A slot another item took is a miss, never a wrong
 * answer, so memory stays at {@link #SLOTS} slots however many items a partition sees; a fleet larger than that
 * recurs too rarely to hit, and then costs one lookup per event. The owner is compared by identity: a lane rebuilt
 * from the store (evicted, a task reopened) starts with no memory.
 *
 * <pre>{@code
 * if (!counted.contains(item, lane, windowStart)) {
 *     ... update every window of the lane ...
 *     counted.add(item, lane, windowStart);
 * }
 * }</pre>
 *
 * Not thread-safe: one per processor (task), stream thread only.
 */
final class CountedItems {
    /** Slots (a power of two): 4,096 items, about 100 KB with the arrays' references and tags. */
    static final int SLOTS = 4_096;

    private final String[] items = new String[SLOTS];
    private final Object[] owners = new Object[SLOTS];
    private final long[] tags = new long[SLOTS];

    /** Whether {@code item} was {@linkplain #add added} with this owner (by identity) and tag, and not displaced. */
    boolean contains(String item, Object owner, long tag) {
        int slot = slot(item, owner);
        return owners[slot] == owner && tags[slot] == tag && item.equals(items[slot]);
    }

    /** Remembers that {@code owner}'s sketch holds {@code item} under {@code tag}. */
    void add(String item, Object owner, long tag) {
        int slot = slot(item, requireNonNull(owner, "owner"));
        items[slot] = item;
        owners[slot] = owner;
        tags[slot] = tag;
    }

    /** Forgets everything: for a processor that reads its sketches back from the stores. */
    void clear() {
        Arrays.fill(items, null);
        Arrays.fill(owners, null);
    }

    private static int slot(String item, Object owner) {
        int h = item.hashCode() * 0x9E3779B9 + System.identityHashCode(owner);
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }
}
