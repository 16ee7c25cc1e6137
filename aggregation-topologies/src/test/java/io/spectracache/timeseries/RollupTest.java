package io.spectracache.timeseries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.spectracache.testing.GoldenFormatContract;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/** Rollup buckets: exact merges, quantiles within KLL's bound, and their stored form (golden files from the Javadoc). */
class RollupTest implements GoldenFormatContract<Rollup> {
    private static final long TS = 1_795_546_800_000L;

    private final RollupSerde serde = new RollupSerde();

    @Override
    public Serde<Rollup> serde() {
        return serde;
    }

    @Override
    public Map<String, Rollup> goldenFiles() {
        Rollup one = Rollup.empty();
        one.add(TS, 21.5);
        return Map.of("rollup-v2-one-point.bin", one, "rollup-v2-empty.bin", Rollup.empty());
    }

    @Test
    void shouldReadVersionOneBucketsAsTheSameBucketsSoRollupsStoredBeforePackedSketchesStillAnswer() {
        for (String name : List.of("one-point", "empty")) {
            Rollup expected = goldenFiles().get("rollup-v2-" + name + ".bin");

            Rollup read = serde.deserialize("t", golden("rollup-v1-" + name + ".bin"));

            assertThat(read).as(name).isEqualTo(expected);
            assertThat(serde.serialize("t", read)).as(name).isEqualTo(golden("rollup-v2-" + name + ".bin"));
        }
    }

    @Property(tries = 200)
    void shouldReadEveryBucketBackWithTheSameSketchBytesAndWriteItAgainUnchanged(
            @ForAll @IntRange(min = 0, max = 5_000) int points, @ForAll @IntRange(min = 0, max = 4) int decimals,
            @ForAll long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        double scale = Math.pow(10, decimals);
        Rollup bucket = Rollup.empty();
        for (int i = 0; i < points; i++) {
            bucket.add(TS + i, Math.round(random.nextDouble(-1e4, 1e4) * scale) / scale);
        }

        byte[] stored = serde.serialize("t", bucket);
        Rollup read = serde.deserialize("t", stored);

        assertThat(serde.serialize("t", read)).as("written again before its sketch is needed").isEqualTo(stored);
        assertThat(read).isEqualTo(bucket);
        assertThat(serde.serialize("t", read)).as("written again after").isEqualTo(stored);
        assertThat(Double.valueOf(read.quantile(0.5))).isEqualTo(Double.valueOf(bucket.quantile(0.5)));
    }

    @Test
    void shouldRefuseAPackedBucketWhoseSketchItemsAreCutShortWhereItIsRead() {
        Rollup bucket = Rollup.empty();
        for (int i = 0; i < 300; i++) {
            bucket.add(TS + i, i * 0.25);
        }
        byte[] stored = serde.serialize("t", bucket);
        byte[] extended = Arrays.copyOf(stored, stored.length + 1);

        assertThatThrownBy(() -> serde.deserialize("t", Arrays.copyOf(stored, stored.length - 1)))
                .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class);
        assertThatThrownBy(() -> serde.deserialize("t", extended))
                .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class);
    }

    record Point(long at, double value) {
    }

    @Property(tries = 300)
    void shouldMergeBucketsIntoExactlyTheBucketOfAllTheirPoints(
            @ForAll @Size(min = 1, max = 400) List<@LongRange(min = 0, max = 1_000) Long> times,
            @ForAll @DoubleRange(min = -1e6, max = 1e6) double base, @ForAll @IntRange(min = 1, max = 7) int parts) {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < times.size(); i++) {
            points.add(new Point(times.get(i), base + i * 0.25 - (i % 7)));
        }
        Rollup whole = Rollup.empty();
        points.forEach(point -> whole.add(point.at(), point.value()));
        Rollup merged = Rollup.empty();
        for (int part = 0; part < parts; part++) {
            Rollup piece = Rollup.empty();
            for (int i = part; i < points.size(); i += parts) {
                piece.add(points.get(i).at(), points.get(i).value());
            }
            merged.merge(serde.deserialize("t", serde.serialize("t", piece)));
        }

        assertThat(merged.count()).isEqualTo(whole.count());
        assertThat(merged.min()).isEqualTo(whole.min());
        assertThat(merged.max()).isEqualTo(whole.max());
        assertThat(merged.sum()).isCloseTo(whole.sum(), within(1e-6 * Math.max(1, Math.abs(whole.sum()))));
        assertThat(merged.firstAt()).isEqualTo(whole.firstAt());
        assertThat(merged.lastAt()).isEqualTo(whole.lastAt());
        assertThat(merged.first()).isEqualTo(whole.first())
                .isEqualTo(points.stream().filter(p -> p.at() == whole.firstAt()).mapToDouble(Point::value).min().orElseThrow());
        assertThat(merged.last()).isEqualTo(whole.last())
                .isEqualTo(points.stream().filter(p -> p.at() == whole.lastAt()).mapToDouble(Point::value).max().orElseThrow());
    }

    @Property(tries = 200)
    void shouldAnswerTheSameQuantilesAndBytesWhetherStoredBucketsAreMergedBeforeOrAfterDecoding(
            @ForAll @Size(min = 1, max = 6) List<@Size(min = 0, max = 33) List<@DoubleRange(min = -1e3, max = 1e3) Double>> parts,
            @ForAll boolean decodeFirst) {
        // Buckets read back from the store keep their sketches encoded until a quantile needs them; merging them in
        // that form must give exactly what merging decoded buckets gives. (At most 198 points: below K, so no KLL
        // compaction, whose coin flips would make two equal merges differ within the rank error.)
        Rollup eager = Rollup.empty();
        Rollup lazy = Rollup.empty();
        long at = TS;
        for (List<Double> values : parts) {
            Rollup piece = Rollup.empty();
            for (double value : values) {
                piece.add(at++, value);
            }
            byte[] stored = serde.serialize("t", piece);
            Rollup decoded = serde.deserialize("t", stored);
            decoded.sketch();
            eager.merge(decoded);
            Rollup readBack = serde.deserialize("t", stored);
            if (decodeFirst) {
                lazy.quantile(0.5);
            }
            lazy.merge(readBack);
            assertThat(serde.serialize("t", readBack)).as("a bucket read and written unchanged").isEqualTo(stored);
        }
        if (!decodeFirst) {
            assertThat(serde.serialize("t", lazy)).isEqualTo(serde.serialize("t", eager));
        }
        // (A quantile sorts a decoded sketch's newest level in place, so after one the bytes may differ in item
        // order only: the answers may not.)
        for (int percent = 0; percent <= 100; percent++) {
            double rank = percent / 100.0;
            assertThat(Double.valueOf(lazy.quantile(rank))).as("rank %s", rank)
                    .isEqualTo(Double.valueOf(eager.quantile(rank)));
        }
        assertThat(lazy.count()).isEqualTo(eager.count());
    }

    @Test
    void shouldEstimateQuantilesWithinKllsRankError() {
        Rollup rollup = Rollup.empty();
        double[] values = new double[100_000];
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian() * 10 + 50;
            rollup.add(i, values[i]);
        }
        Arrays.sort(values);
        for (double rank : new double[] {0.5, 0.95, 0.99}) {
            double estimate = rollup.quantile(rank);
            int position = Arrays.binarySearch(values, estimate);
            double estimatedRank = (position >= 0 ? position : -position - 1) / (double) values.length;
            assertThat(estimatedRank).as("rank of the p%s estimate", rank * 100).isCloseTo(rank, within(0.0165 * 2));
        }
    }

    @Test
    void shouldAnswerNaNForEveryAggregateOfAnEmptyBucketAndRefuseNonFiniteReadings() {
        Rollup empty = Rollup.empty();
        assertThat(List.of(empty.avg(), empty.min(), empty.max(), empty.first(), empty.last(), empty.quantile(0.5)))
                .allMatch(value -> Double.isNaN(value));
        assertThatThrownBy(() -> empty.add(1, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> empty.add(1, Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldBreakTimestampTiesByValueWhateverTheArrivalOrder() {
        Rollup rollup = Rollup.empty();
        rollup.add(10, 2.0);
        rollup.add(10, 1.0);
        rollup.add(5, 3.0);
        rollup.add(5, 4.0);
        assertThat(rollup.last()).isEqualTo(2.0);
        assertThat(rollup.first()).isEqualTo(3.0);
    }
}
