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
                byte[] compact = sketch.toCompactByteArray();
                assertThat(DistinctWindow.isOwnDenseImage(compact)).as(items + " items, " + type + ", compact")
                        .isEqualTo(type == DistinctWindow.TYPE && mode(compact).contains(": HLL"));
                assertThat(DistinctWindow.isOwnDenseImage(sketch.toUpdatableByteArray())).as("updatable").isFalse();
                if (type == DistinctWindow.TYPE) {
                    assertThat(DistinctWindow.fromImage(sketch.toCompactByteArray()).isDense())
                            .isEqualTo(DistinctWindow.isDense(sketch.toCompactByteArray()));
                }
            }
        }
        assertThat(checked).as("dense ones among them").isPositive();
    }

    @Test
    void shouldReadADenseWindowInPlaceExactlyAsDataSketchesWrapsIt() {
        for (int items : new int[] {3_000, 12_000, 50_000, 1_000_000}) {
            HllSketch sketch = new HllSketch(DistinctWindow.LG_K, DistinctWindow.TYPE);
            for (int i = 0; i < items; i++) {
                sketch.update("device-" + i);
            }
            byte[] image = sketch.toCompactByteArray();
            assertThat(DistinctWindow.isOwnDenseImage(image)).as(items + " items").isTrue();
            DistinctWindow window = DistinctWindow.fromImage(image);
            assertThat(window.imageShared()).as("kept as read, not copied").isSameAs(image);
            assertThat(window.estimate()).isEqualTo(sketch.getEstimate());
            // Cut short or grown by a byte, the length no longer matches the preamble: not taken in place.
            assertThat(DistinctWindow.isOwnDenseImage(java.util.Arrays.copyOf(image, image.length - 1))).isFalse();
            assertThat(DistinctWindow.isOwnDenseImage(java.util.Arrays.copyOf(image, image.length + 1))).isFalse();
        }
    }
}
