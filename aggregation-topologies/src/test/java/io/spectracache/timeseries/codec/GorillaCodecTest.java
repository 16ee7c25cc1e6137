package io.spectracache.timeseries.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spectracache.testing.GoldenFormatContract;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * The Gorilla chunk format. The golden files were written bit by bit from {@link GorillaCodec}'s format description
 * (see the comments below), not by the encoder; properties hold the codec to exact round trips for any input.
 */
class GorillaCodecTest implements GoldenFormatContract<Chunk> {
    /**
     * 1.0 at 1000, 1.0 at 2000, 2.0 at 3000, 2.0 at 3001: v0 in 64 bits; D=1000 → '1110'+12 bits; same value '0';
     * D=0 '0'; 2.0 XOR 1.0 = 0x7FF0… → '11' + leading 1 + width 11 + 11 ones; D=-999 → '1110'+12 bits; '0'.
     */
    static final Chunk FOUR_POINTS = Chunk.of(new long[] {1000, 2000, 3000, 3001}, new double[] {1.0, 1.0, 2.0, 2.0});
    static final Chunk EMPTY = Chunk.of(new long[0], new double[0]);

    private final GorillaCodec codec = new GorillaCodec();

    @Override
    public Serde<Chunk> serde() {
        return codec;
    }

    @Override
    public Map<String, Chunk> goldenFiles() {
        return Map.of("series-chunk-v1-four-points.bin", FOUR_POINTS, "series-chunk-v1-empty.bin", EMPTY);
    }

    @Property(tries = 500)
    void shouldRoundTripAnySeriesBitForBit(@ForAll("series") Chunk chunk) {
        assertThat(GorillaCodec.decode(GorillaCodec.encode(chunk))).isEqualTo(chunk);
    }

    @Property(tries = 200)
    void shouldRefuseEveryStrictPrefixOfAChunk(@ForAll("series") Chunk chunk, @ForAll Random random) {
        byte[] bytes = GorillaCodec.encode(chunk);
        byte[] cut = Arrays.copyOf(bytes, random.nextInt(bytes.length));

        assertThatThrownBy(() -> GorillaCodec.decode(cut)).isInstanceOf(SerializationException.class);
    }

    @Test
    void shouldKeepEverySpecialDoubleExactly() {
        double[] values = {Double.NaN, Double.longBitsToDouble(0x7ff8_0000_0000_0001L), -0.0, 0.0, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MIN_NORMAL};
        long[] timestamps = new long[values.length];
        for (int i = 0; i < timestamps.length; i++) {
            timestamps[i] = Long.MIN_VALUE / 2 + (long) i * Long.MAX_VALUE / 4;
        }
        Chunk chunk = Chunk.of(timestamps, values);

        assertThat(GorillaCodec.decode(GorillaCodec.encode(chunk))).isEqualTo(chunk);
    }

    @Test
    void shouldCompressADriftingSensorSeriesToLessThanAThirdOfItsRawSize() {
        // One reading every 10 s for a day, with a few ms of jitter, a temperature drifting by tenths of a degree.
        Random random = new Random(42);
        int n = 8_640;
        long[] timestamps = new long[n];
        double[] values = new double[n];
        long t = 1_795_546_800_000L;
        double temperature = 21.5;
        for (int i = 0; i < n; i++) {
            t += 10_000 + (random.nextInt(10) == 0 ? random.nextInt(7) - 3 : 0);
            temperature = Math.round((temperature + (random.nextInt(3) - 1) * 0.1) * 10) / 10.0;
            timestamps[i] = t;
            values[i] = temperature;
        }
        byte[] bytes = GorillaCodec.encode(Chunk.of(timestamps, values));

        double perPoint = bytes.length / (double) n;
        assertThat(perPoint).as("bytes per point (raw: 16; measured 4.7)").isLessThan(16.0 / 3);
        assertThat(GorillaCodec.decode(bytes)).isEqualTo(Chunk.of(timestamps, values));
    }

    @Test
    void shouldStoreAConstantRegularSeriesInAboutTwoBitsAPoint() {
        int n = 1_000;
        long[] timestamps = new long[n];
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            timestamps[i] = 1_000L * i;
            values[i] = 42.0;
        }
        assertThat(GorillaCodec.encode(Chunk.of(timestamps, values)).length).isLessThan(n * 2 / 8 + 32);
    }

    @Test
    void shouldRefuseAChunkThatClaimsMorePointsThanItsBytesCanHold() {
        assertThatThrownBy(() -> GorillaCodec.decode(new byte[] {1, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("claims");
    }

    @Provide
    Arbitrary<Chunk> series() {
        Arbitrary<Long> start = Arbitraries.longs();
        Arbitrary<List<Long>> steps = Arbitraries.oneOf(
                Arbitraries.longs().between(-5_000, 5_000),
                Arbitraries.longs(),
                Arbitraries.of(1_000L, 1_001L, 999L, 0L, 60_000L)).list().ofMaxSize(300);
        Arbitrary<List<Double>> values = Arbitraries.oneOf(
                Arbitraries.doubles(),
                Arbitraries.doubles().between(20, 22).ofScale(1),
                Arbitraries.longs().map(Double::longBitsToDouble),
                Arbitraries.of(0.0, -0.0, Double.NaN, 1.0)).list().ofMaxSize(301);
        return Combinators.combine(start, steps, values).as((first, deltas, vs) -> {
            int n = Math.min(deltas.size() + 1, vs.size());
            long[] timestamps = new long[n];
            double[] doubles = new double[n];
            long t = first;
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    t += deltas.get(i - 1);
                }
                timestamps[i] = t;
                doubles[i] = vs.get(i);
            }
            return Chunk.of(timestamps, doubles);
        });
    }
}
