package io.spectracache.sketches;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.testing.GoldenFormatContract;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * The stored form of Bloom blocks. The golden file: our header from {@link BloomBlockSerde}'s Javadoc around the image
 * of an empty DataSketches 7.0.1 filter of 9,600 bits and 7 hashes with our seed (its 24-byte preamble: 3 preamble
 * longs, serial version 1, family 21, flags 4 = empty, 7 hashes, the seed, 150 longs of bits).
 */
class BloomBlockSerdeTest implements GoldenFormatContract<BloomBlock> {
    private final BloomBlockSerde serde = new BloomBlockSerde();

    @Override
    public Serde<BloomBlock> serde() {
        return serde;
    }

    @Override
    public Map<String, BloomBlock> goldenFiles() {
        return Map.of("bloom-block-v1-empty.bin", BloomBlock.empty(1, 1000, 0.01));
    }

    @Test
    void shouldKeepWhatWasAddedAndHowManyThroughTheStore() {
        BloomBlock block = BloomBlock.empty(3, 10_000, 0.001);
        for (int i = 0; i < 5_000; i++) {
            block.add(("truck-" + i).getBytes(StandardCharsets.UTF_8));
        }

        BloomBlock back = serde.deserialize("t", serde.serialize("t", block));

        assertThat(back).isEqualTo(block);
        assertThat(back.count()).isEqualTo(5_000);
        assertThat(back.blocks()).isEqualTo(3);
        for (int i = 0; i < 5_000; i++) {
            assertThat(back.mightContain(("truck-" + i).getBytes(StandardCharsets.UTF_8))).isTrue();
        }
    }
}
