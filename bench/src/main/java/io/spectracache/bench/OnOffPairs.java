package io.spectracache.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The order of a benchmark's measured rounds with a capability off and on: pairs alternating which goes first
 * (off, on, then on, off, ...), so that whatever drifts along the run (the JIT, the broker's log, the page cache, the
 * heap) weighs on both sides alike. The phases that use it run one unmeasured round with the capability on before the
 * pairs, so that the JIT compiles both paths' common part and the capability there, not in the first measured round.
 */
final class OnOffPairs {
    private OnOffPairs() {
    }

    /** {@code pairs} pairs of rounds, each {@code true} for a round with the capability on. */
    static List<Boolean> order(int pairs) {
        List<Boolean> order = new ArrayList<>(2 * pairs);
        for (int pair = 0; pair < pairs; pair++) {
            boolean onFirst = pair % 2 == 1;
            order.add(onFirst);
            order.add(!onFirst);
        }
        return order;
    }
}
