package io.spectracache.sketches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spectracache.testing.GoldenFormatContract;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/** The stored form of seen ranges; the golden file from {@link SeenRangeSerde}'s Javadoc (zig-zag varlongs). */
class SeenRangeSerdeTest implements GoldenFormatContract<SeenRange> {
    private static final long T0 = 1_795_546_800_000L;
    private final SeenRangeSerde serde = new SeenRangeSerde();

    @Override
    public Serde<SeenRange> serde() {
        return serde;
    }

    @Override
    public Map<String, SeenRange> goldenFiles() {
        return Map.of("seen-range-v1.bin", new SeenRange(T0, T0 + 90_000));
    }

    @Property(tries = 200)
    void shouldReadBackEveryRange(@ForAll long first, @ForAll long length) {
        long last = first + Math.abs(length % (Long.MAX_VALUE / 4));
        if (last < first) {
            return;
        }
        SeenRange range = new SeenRange(first, last);

        assertThat(serde.deserialize("t", serde.serialize("t", range))).isEqualTo(range);
    }

    @Test
    void shouldRefuseARangeThatEndsBeforeItStarts() {
        assertThatThrownBy(() -> new SeenRange(2, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new SeenRange(10, 20).overlaps(20, 30)).isTrue();
        assertThat(new SeenRange(10, 20).overlaps(21, 30)).isFalse();
        assertThat(new SeenRange(10, 20).overlaps(0, 10)).isFalse();
    }
}
