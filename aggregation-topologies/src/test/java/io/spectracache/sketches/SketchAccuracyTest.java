package io.spectracache.sketches;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.datasketches.hll.Union;
import org.junit.jupiter.api.Test;

/**
 * Accuracy with fixed seeds, through the types the topology stores (issue 9, "Tests"): distinct counts within the
 * HLL's documented bound, Bloom filters within 1.5× their false-positive bound and never a false negative, top-K
 * finding every true heavy hitter above the error threshold; and merges across windows and partitions equal to the
 * sketch of the union.
 */
class SketchAccuracyTest {
    /** DataSketches' relative standard error for lgK = 14: 1.04 / √16384 = 0.8125%, as Redis's 0.81%. */
    static final double RSE = 1.04 / Math.sqrt(1 << DistinctWindow.LG_K);
    private static final int TRIALS = 20;

    private static byte[] id(Random random) {
        return Long.toHexString(random.nextLong()).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldEstimateDistinctCountsFromAThousandToAMillionWithinTwoStandardErrorsIn95PercentOfTrials() {
        int withinAll = 0;
        int withinBoundsAll = 0;
        int trialsAll = 0;
        StringBuilder table = new StringBuilder();
        for (int n : new int[] {1_000, 10_000, 100_000, 1_000_000}) {
            int within = 0;
            int withinBounds = 0;
            double sumSquares = 0;
            for (int trial = 0; trial < TRIALS; trial++) {
                Random random = new Random(n * 31L + trial);
                DistinctWindow window = DistinctWindow.empty();
                for (int i = 0; i < n; i++) {
                    window.update(id(random));
                }
                SketchMerge.Estimate estimate = SketchMerge.estimate(window.image());
                double error = (estimate.estimate() - n) / n;
                sumSquares += error * error;
                within += Math.abs(error) <= 2 * RSE ? 1 : 0;
                withinBounds += estimate.lower95() <= n && n <= estimate.upper95() ? 1 : 0;
            }
            table.append(String.format(Locale.ROOT, "n=%,d: %d/%d within 2·RSE (%.3f%%), %d/%d within the sketch's "
                    + "95%% bounds, RMS error %.3f%%%n", n, within, TRIALS, 200 * RSE, withinBounds, TRIALS,
                    100 * Math.sqrt(sumSquares / TRIALS)));
            System.out.print(table.substring(table.lastIndexOf("n=")));
            assertThat(within).as("n = %d: trials within 2·RSE", n).isGreaterThanOrEqualTo(TRIALS * 9 / 10);
            withinAll += within;
            withinBoundsAll += withinBounds;
            trialsAll += TRIALS;
        }
        assertThat(withinAll).as("all trials within 2·RSE:%n%s", table).isGreaterThanOrEqualTo(trialsAll * 95 / 100);
        // The sketch's own bounds use the tighter HIP error of a sketch never unioned; measured 76 of 80 here.
        assertThat(withinBoundsAll).as("all trials within the sketch's 95%% bounds:%n%s", table)
                .isGreaterThanOrEqualTo(trialsAll * 9 / 10);
    }

    @Test
    void shouldEstimateTheUnionOfManyWindowsOnTwoPartitionsAsTheSketchOfTheUnion() {
        // 200,000 ids over 2 partitions × 48 windows; each id lands in 1 to 3 random windows of either partition.
        Random random = new Random(42);
        int partitions = 2;
        int windows = 48;
        DistinctWindow[][] stored = new DistinctWindow[partitions][windows];
        for (int p = 0; p < partitions; p++) {
            for (int w = 0; w < windows; w++) {
                stored[p][w] = DistinctWindow.empty();
            }
        }
        DistinctWindow whole = DistinctWindow.empty();
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            byte[] item = id(random);
            whole.update(item);
            int copies = 1 + random.nextInt(3);
            for (int c = 0; c < copies; c++) {
                stored[random.nextInt(partitions)][random.nextInt(windows)].update(item);
            }
        }
        List<byte[]> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            Union union = new Union(DistinctWindow.LG_K);
            for (int w = 0; w < windows; w++) {
                stored[p][w].mergeInto(union);
            }
            parts.add(union.toCompactByteArray());
        }

        SketchMerge.Estimate merged = SketchMerge.estimate(SketchMerge.unionDistinct(parts));
        SketchMerge.Estimate direct = SketchMerge.estimate(whole.image());

        assertThat(merged.lower95()).isLessThanOrEqualTo(n);
        assertThat(merged.upper95()).isGreaterThanOrEqualTo(n);
        assertThat(Math.abs(merged.estimate() - n) / n).isLessThanOrEqualTo(2 * RSE);
        assertThat(Math.abs(merged.estimate() - direct.estimate()) / n)
                .as("the union of the windows is the sketch of the union, up to the estimator").isLessThan(RSE);
    }

    @Test
    void shouldKeepTheFalsePositiveRateWithinOneAndAHalfTimesTheBoundWhileGrowingAndNeverForgetAValue() {
        for (double bound : new double[] {0.01, 0.001}) {
            FilterDefinition definition = new FilterDefinition("seen", SketchField.DEVICE_ID, bound, 10_000);
            ScalableBloom bloom = ScalableBloom.empty(definition);
            int n = 100_000;
            for (int i = 0; i < n; i++) {
                bloom.add(("truck-" + i).getBytes(StandardCharsets.UTF_8));
            }
            for (int i = 0; i < n; i++) {
                assertThat(bloom.mightContain(("truck-" + i).getBytes(StandardCharsets.UTF_8))).as("truck-%d", i).isTrue();
            }
            int maybes = 0;
            int absent = 100_000;
            for (int i = 0; i < absent; i++) {
                maybes += bloom.mightContain(("meter-" + i).getBytes(StandardCharsets.UTF_8)) ? 1 : 0;
            }
            double rate = (double) maybes / absent;
            System.out.printf(Locale.ROOT, "Bloom p=%s: %d values in %d layers, %.2f bits a value, false positives "
                    + "%.4f%% over %,d absent values%n", bound, bloom.count(), bloom.layers(),
                    (double) bloom.bits() / n, 100 * rate, absent);
            assertThat(bloom.layers()).as("grown past its first layer").isGreaterThan(3);
            assertThat(rate).as("false-positive rate at bound %s", bound).isLessThanOrEqualTo(1.5 * bound);
        }
    }

    @Test
    void shouldSplitALargeLayerIntoBlocksThatEachFitOneRecordAndStillFindEveryValue() {
        FilterDefinition definition = new FilterDefinition("seen", SketchField.DEVICE_ID, 0.01, 400_000);
        ScalableBloom bloom = ScalableBloom.empty(definition);
        Map<SketchKeys.BlockKey, BloomBlock> written = new HashMap<>();
        for (int i = 0; i < 500_000; i++) {
            for (ScalableBloom.Change change : bloom.add(("truck-" + i).getBytes(StandardCharsets.UTF_8))) {
                written.put(new SketchKeys.BlockKey("seen", change.layer(), change.block()), change.value());
            }
        }
        BloomBlockSerde serde = new BloomBlockSerde();

        assertThat(ScalableBloom.blocksOf(definition, 0)).as("400,000 values at 0.5%: more bits than one block")
                .isGreaterThan(1);
        assertThat(written.values()).allSatisfy(block ->
                assertThat(serde.serialize("t", block).length).isLessThan(300_000));
        ScalableBloom restored = ScalableBloom.of(definition, written);
        for (int i = 0; i < 500_000; i += 7) {
            assertThat(restored.mightContain(("truck-" + i).getBytes(StandardCharsets.UTF_8))).isTrue();
        }
        assertThat(restored.count()).isEqualTo(bloom.count());
        assertThat(restored.layers()).isEqualTo(2);
    }

    @Test
    void shouldFindEveryTrueHeavyHitterAboveTheErrorThresholdAcrossWindowsAndPartitions() {
        // 1,000,000 events over 50,000 items with Zipf-like frequencies, in 4 partitions × 6 windows of 256 slots.
        Random random = new Random(7);
        int items = 50_000;
        double[] cumulative = new double[items];
        double total = 0;
        for (int i = 0; i < items; i++) {
            total += 1 / Math.pow(i + 1, 1.1);
            cumulative[i] = total;
        }
        TopKWindow[][] windows = new TopKWindow[4][6];
        for (TopKWindow[] partition : windows) {
            for (int w = 0; w < partition.length; w++) {
                partition[w] = TopKWindow.empty(TopKDefinition.DEFAULT_MAX_MAP_SIZE);
            }
        }
        Map<String, Long> truth = new HashMap<>();
        for (int e = 0; e < 1_000_000; e++) {
            int index = java.util.Arrays.binarySearch(cumulative, random.nextDouble() * total);
            String item = "truck-" + (index < 0 ? -index - 1 : index);
            truth.merge(item, 1L, Long::sum);
            windows[random.nextInt(4)][random.nextInt(6)].update(item);
        }
        List<byte[]> parts = new ArrayList<>();
        for (TopKWindow[] partition : windows) {
            List<byte[]> images = new ArrayList<>();
            for (TopKWindow window : partition) {
                images.add(window.image());
            }
            parts.add(SketchMerge.mergeTopK(images, TopKDefinition.DEFAULT_MAX_MAP_SIZE));
        }

        byte[] merged = SketchMerge.mergeTopK(parts, TopKDefinition.DEFAULT_MAX_MAP_SIZE);

        SketchMerge.TopKTotals totals = SketchMerge.totals(merged);
        List<SketchMerge.HeavyHitter> hitters = SketchMerge.heavyHitters(merged, 1_000);
        Set<String> found = new HashSet<>();
        hitters.forEach(hitter -> found.add(hitter.item()));
        List<String> heavy = truth.entrySet().stream().filter(e -> e.getValue() > totals.maximumError())
                .map(Map.Entry::getKey).toList();
        System.out.printf(Locale.ROOT, "top-K: %,d events, maximum error %,d (%.2f%%), %d true heavy hitters above it, "
                + "%d candidates%n", totals.events(), totals.maximumError(), 100.0 * totals.maximumError()
                / totals.events(), heavy.size(), hitters.size());
        assertThat(totals.events()).isEqualTo(1_000_000);
        assertThat(heavy).isNotEmpty();
        assertThat(found).as("every item whose true count exceeds the maximum error").containsAll(heavy);
        for (SketchMerge.HeavyHitter hitter : hitters) {
            long actual = truth.getOrDefault(hitter.item(), 0L);
            assertThat(actual).as(hitter.item()).isBetween(hitter.lowerBound(), hitter.upperBound());
        }
        assertThat(SketchMerge.heavyHitters(merged, 3)).extracting(SketchMerge.HeavyHitter::item)
                .containsExactly("truck-0", "truck-1", "truck-2");
    }
}
