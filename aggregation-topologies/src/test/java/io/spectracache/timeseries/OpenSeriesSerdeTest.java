package io.spectracache.timeseries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class OpenSeriesSerdeTest {
    private static final long T0 = 1_795_546_800_000L;
    private final OpenSeriesSerde serde = new OpenSeriesSerde("1m", "1h");

    private OpenSeries sample(List<Long> offsets) {
        OpenSeries series = serde.empty();
        for (int i = 0; i < offsets.size(); i++) {
            series.insert(T0 + offsets.get(i), i * 0.5);
            series.seen(T0 + offsets.get(i));
        }
        series.sealedPoint(T0 - 1);
        Rollup minute = Rollup.empty();
        minute.add(T0, 21.5);
        series.openBucket(0, T0, minute);
        series.sealedBucket(1, T0 - 3_600_000);
        return series;
    }

    @Property(tries = 200)
    void shouldReadEverySeriesBack(@ForAll @Size(max = 200) List<@LongRange(min = -100_000, max = 100_000) Long> offsets) {
        OpenSeries series = sample(offsets);

        assertThat(serde.deserialize("t", serde.serialize("t", series))).isEqualTo(series);
    }

    @Test
    void shouldDropATierNoLongerConfiguredAndStartANewOneEmpty() {
        byte[] stored = serde.serialize("t", sample(List.of(0L, 1000L)));

        OpenSeries read = new OpenSeriesSerde("1h", "1d").deserialize("t", stored);

        assertThat(read.openBucket("1m")).isEmpty();
        assertThat(read.newestSealedBucket(0)).isEqualTo(T0 - 3_600_000);
        assertThat(read.newestSealedBucket(1)).isEqualTo(Long.MIN_VALUE);
        assertThat(read.chunk().size()).isEqualTo(2);
    }

    @Test
    void shouldRefuseEveryTruncationAndANewerVersion() {
        byte[] stored = serde.serialize("t", sample(List.of(0L, 1000L, 2500L)));
        for (int cut = 0; cut < stored.length; cut++) {
            byte[] truncated = Arrays.copyOf(stored, cut);
            assertThatThrownBy(() -> serde.deserialize("t", truncated)).as("cut at %d", cut)
                    .isInstanceOf(SerializationException.class);
        }
        stored[0] = 2;
        assertThatThrownBy(() -> serde.deserialize("t", stored)).isInstanceOf(SerializationException.class);
    }

    @Test
    void shouldKeepOnePointPerTimeInTimeOrder() {
        OpenSeries series = serde.empty();
        series.insert(T0 + 2, 2);
        series.insert(T0, 0);
        series.insert(T0 + 1, 1);
        series.insert(T0 + 1, 10);

        assertThat(series.chunk().timestamps()).containsExactly(T0, T0 + 1, T0 + 2);
        assertThat(series.chunk().values()).containsExactly(0, 10, 2);
    }
}
