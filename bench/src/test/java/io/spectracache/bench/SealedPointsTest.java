package io.spectracache.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SealedPointsTest {

    @Test
    void shouldSealAChunkEveryMaxPointsAndKeepTheRestOpen() {
        SealedPoints sealed = new SealedPoints(120, 7_200_000);
        for (int i = 0; i < 1_000; i++) {
            sealed.add("d\u0000temp", 1_000L * i);
        }

        assertThat(sealed.sealedChunks()).isEqualTo(8);
        assertThat(sealed.sealedPoints()).isEqualTo(960);
        assertThat(sealed.openPoints()).isEqualTo(40);
        assertThat(sealed.points()).isEqualTo(1_000);
    }

    @Test
    void shouldSealBeforeAPointThatLiesAChunkSpanAfterTheChunksFirst() {
        SealedPoints sealed = new SealedPoints(120, 60_000);
        sealed.add("s", 0);
        sealed.add("s", 30_000);
        sealed.add("s", 59_999);   // still inside the span
        sealed.add("s", 60_000);   // a span after the first: the three before are sealed, this one opens a chunk

        assertThat(sealed.sealedChunks()).isEqualTo(1);
        assertThat(sealed.sealedPoints()).isEqualTo(3);
        assertThat(sealed.openPoints()).isEqualTo(1);
    }

    @Test
    void shouldMeasureTheSpanFromTheFirstPointOfTheChunkAfterAFullOne() {
        // Regression: after a chunk sealed full, the next chunk's span must start at its own first point, not at the
        // sealed chunk's first, or every point after a full chunk would seal a chunk of one.
        SealedPoints sealed = new SealedPoints(2, 100);
        sealed.add("s", 0);
        sealed.add("s", 10);       // full: sealed
        sealed.add("s", 150);      // first of the next chunk (150 is > 100 after 0, but the chunk is new)
        sealed.add("s", 160);      // full again

        assertThat(sealed.sealedChunks()).isEqualTo(2);
        assertThat(sealed.sealedPoints()).isEqualTo(4);
    }

    @Test
    void shouldKeepSeriesApart() {
        SealedPoints sealed = new SealedPoints(2, 1_000);
        sealed.add("a", 1);
        sealed.add("b", 1);
        sealed.add("a", 2);

        assertThat(sealed.series()).isEqualTo(2);
        assertThat(sealed.sealedPoints()).isEqualTo(2);
        assertThat(sealed.openPoints()).isEqualTo(1);
    }

    @Test
    void shouldRejectPointsOutOfOrderBecauseLateMergesAreNotModelled() {
        SealedPoints sealed = new SealedPoints(120, 1_000);
        sealed.add("s", 10);

        assertThatThrownBy(() -> sealed.add("s", 10)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in-order");
        assertThatThrownBy(() -> sealed.add("s", 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SealedPoints(1, 1_000)).isInstanceOf(IllegalArgumentException.class);
    }
}
