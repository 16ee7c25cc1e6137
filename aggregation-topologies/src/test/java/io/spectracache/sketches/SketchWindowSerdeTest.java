package io.spectracache.sketches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spectracache.testing.GoldenFormatContract;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * The stored form of sketch windows. Golden files: our header from {@link SketchWindowSerde}'s Javadoc around
 * DataSketches 7.0.1 images (an empty compact HLL_4 lgK=14 sketch is its 8-byte preamble {@code 02 01 07 0e 03 0c 00
 * 00}; the two-item one lists the coupons of "a" and "b"; the frequent-items images are DataSketches' own).
 */
class SketchWindowSerdeTest implements GoldenFormatContract<SketchWindow> {
    private final SketchWindowSerde serde = new SketchWindowSerde();

    @Override
    public Serde<SketchWindow> serde() {
        return serde;
    }

    @Override
    public Map<String, SketchWindow> goldenFiles() {
        DistinctWindow two = DistinctWindow.empty();
        two.update("a".getBytes(StandardCharsets.UTF_8));
        two.update("b".getBytes(StandardCharsets.UTF_8));
        TopKWindow counted = TopKWindow.empty(8);
        counted.update("truck-1");
        counted.update("truck-1");
        counted.update("truck-2");
        return Map.of("sketch-window-v1-distinct-empty.bin", DistinctWindow.empty(),
                "sketch-window-v1-distinct-two-items.bin", two,
                "sketch-window-v1-top-k-empty.bin", TopKWindow.empty(8),
                "sketch-window-v1-top-k-two-items.bin", counted);
    }

    @Test
    void shouldKeepADenseSketchAndItsEstimateThroughTheStore() {
        DistinctWindow dense = DistinctWindow.empty();
        for (int i = 0; i < 100_000; i++) {
            dense.update(("truck-" + i).getBytes(StandardCharsets.UTF_8));
        }

        byte[] stored = serde.serialize("t", dense);
        DistinctWindow back = (DistinctWindow) serde.deserialize("t", stored);

        assertThat(back).isEqualTo(dense);
        assertThat(back.estimate()).isEqualTo(dense.estimate());
        assertThat(stored.length).as("an HLL_4 lgK=14 window in HLL mode").isBetween(8_000, 8_400);
    }

    @Test
    void shouldKeepCountingAfterARoundTrip() {
        TopKWindow window = TopKWindow.empty(64);
        window.update("truck-1");
        TopKWindow back = (TopKWindow) serde.deserialize("t", serde.serialize("t", window));

        back.update("truck-1");

        assertThat(back.estimate("truck-1")).isEqualTo(2);
        assertThat(back.events()).isEqualTo(2);
    }

    @Test
    void shouldRefuseAnUnknownKindAndBytesAfterTheImage() {
        byte[] golden = golden("sketch-window-v1-distinct-empty.bin");
        byte[] unknownKind = golden.clone();
        unknownKind[1] = 3;
        byte[] trailing = Arrays.copyOf(golden, golden.length + 1);

        assertThatThrownBy(() -> serde.deserialize("t", unknownKind)).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> serde.deserialize("t", trailing)).isInstanceOf(SerializationException.class);
    }

    @Test
    void shouldRefuseAnImageThatIsNotASketch() {
        byte[] garbage = {1, 1, 4, 9, 9, 9, 9};

        assertThatThrownBy(() -> serde.deserialize("t", garbage)).isInstanceOf(SerializationException.class);
    }
}
