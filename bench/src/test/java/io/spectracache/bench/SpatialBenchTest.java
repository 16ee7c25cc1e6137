package io.spectracache.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpatialBenchTest {

    @Test
    void shouldAlternateWhichSideGoesFirstSoThatDriftWeighsOnBothAlike() {
        assertThat(OnOffPairs.order(3)).containsExactly(false, true, true, false, false, true);
    }

    @Test
    void shouldRunNoIngestRoundWithoutPairs() {
        assertThat(OnOffPairs.order(0)).isEmpty();
    }

    @Test
    void shouldCountAFullCollectionAsAPause() {
        long[] before = SpatialBench.gcPauses();
        System.gc(); // a full, stop-the-world collection under G1 (not a concurrent cycle)
        long[] after = SpatialBench.gcPauses();
        assertThat(after[0]).isGreaterThan(before[0]);
        assertThat(after[1]).isGreaterThanOrEqualTo(before[1]);
    }
}
