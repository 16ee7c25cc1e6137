package io.spectracache.timeseries.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ChunksTest {

    @Property
    void shouldKeepPointsInTimeOrderWithTheLastWriteOfATimestampWinning(
            @ForAll @Size(max = 200) List<@IntRange(min = -50, max = 50) Integer> times, @ForAll long seed) {
        Chunk chunk = Chunk.of(new long[0], new double[0]);
        TreeMap<Long, Double> reference = new TreeMap<>();
        double value = seed;
        for (int time : times) {
            value += 1;
            chunk = Chunks.with(chunk, time, value);
            reference.put((long) time, value);
        }

        assertThat(chunk).isEqualTo(chunkOf(reference));
        assertThat(GorillaCodec.decode(GorillaCodec.encode(chunk))).isEqualTo(chunk);
    }

    @Property
    void shouldSelectTheHalfOpenRange(@ForAll @Size(max = 100) List<@IntRange(min = -50, max = 50) Integer> times,
                                      @ForAll @IntRange(min = -60, max = 60) int from, @ForAll @IntRange(min = -60, max = 60) int to) {
        Chunk chunk = Chunk.of(new long[0], new double[0]);
        TreeMap<Long, Double> reference = new TreeMap<>();
        for (int time : times) {
            chunk = Chunks.with(chunk, time, time * 0.5);
            reference.put((long) time, time * 0.5);
        }

        Map<Long, Double> expected = from < to ? reference.subMap((long) from, true, (long) to, false) : Map.of();
        assertThat(Chunks.between(chunk, from, to)).isEqualTo(chunkOf(expected));
    }

    private static Chunk chunkOf(Map<Long, Double> points) {
        long[] timestamps = points.keySet().stream().mapToLong(Long::longValue).toArray();
        double[] values = points.values().stream().mapToDouble(Double::doubleValue).toArray();
        return Chunk.of(timestamps, values);
    }

    @net.jqwik.api.Example
    void shouldCopyOnlyTheAskedPointsWithoutLettingTheCallerChangeTheChunk() {
        Chunk chunk = Chunk.of(new long[] {1, 2, 3, 4}, new double[] {-0.0, Double.NaN, 3.5, 4.5});
        long[] timestamps = new long[4];
        double[] values = new double[4];

        chunk.copyTo(1, 2, timestamps, values, 2);
        timestamps[2] = 99;

        assertThat(timestamps).containsExactly(0, 0, 99, 3);
        assertThat(Double.doubleToRawLongBits(values[2])).isEqualTo(Double.doubleToRawLongBits(Double.NaN));
        assertThat(values[3]).isEqualTo(3.5);
        assertThat(chunk).isEqualTo(Chunk.of(new long[] {1, 2, 3, 4}, new double[] {-0.0, Double.NaN, 3.5, 4.5}));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> chunk.copyTo(3, 2, timestamps, values, 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
