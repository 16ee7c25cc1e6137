package io.spectracache.sketches;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.junit.jupiter.api.Test;

/**
 * {@link DistinctWindow#isDense} reads DataSketches' preamble (7.0.1 has no public accessor of the mode): it must agree
 * with what DataSketches itself prints for lists, sets and dense sketches, compact and updatable, of every type.
 */
class DistinctWindowModeTest {
    private static String mode(byte[] image) {
        return HllSketch.toString(image).lines().filter(line -> line.contains("Mode")).findFirst().orElseThrow();
    }

    @Test
    void shouldTellADenseImageAsDataSketchesPrintsItsMode() {
        int checked = 0;
        for (TgtHllType type : TgtHllType.values()) {
            for (int items : new int[] {1, 5, 7, 100, 1_000, 1_536, 1_700, 3_000, 50_000}) {
                HllSketch sketch = new HllSketch(DistinctWindow.LG_K, type);
                for (int i = 0; i < items; i++) {
                    sketch.update("device-" + i);
                }
                for (byte[] image : new byte[][] {sketch.toCompactByteArray(), sketch.toUpdatableByteArray()}) {
                    boolean printedDense = mode(image).contains(": HLL");
                    assertThat(DistinctWindow.isDense(image)).as(items + " items, " + type + ": " + mode(image))
                            .isEqualTo(printedDense);
                    checked += printedDense ? 1 : 0;
                }
                if (type == DistinctWindow.TYPE) {
                    assertThat(DistinctWindow.fromImage(sketch.toCompactByteArray()).isDense())
                            .isEqualTo(DistinctWindow.isDense(sketch.toCompactByteArray()));
                }
            }
        }
        assertThat(checked).as("dense ones among them").isPositive();
    }
}
