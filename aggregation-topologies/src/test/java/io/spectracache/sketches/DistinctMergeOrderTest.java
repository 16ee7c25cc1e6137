package io.spectracache.sketches;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

/**
 * Why {@link DenseWindowCache.Run#mergeUnionInto} may stand in for its windows only into a union still empty or in an
 * answer with two dense windows: DataSketches' HLL union is "out of order" once it merged two sketches in HLL mode, and
 * then answers with the composite estimator, a function of the registers alone, whatever the order the windows came in
 * (partitions, instances, runs). With one dense window it answers with HIP, which depends on the order coupons arrived;
 * but an empty union takes a first sketch in HLL mode whole, HIP accumulator included.
 */
class DistinctMergeOrderTest {
    private static final Bytes LANE = Bytes.wrap("devices".getBytes(StandardCharsets.UTF_8));

    /** {@code items} random devices of a pool of 60,000, as a stored window. */
    private static DistinctWindow window(Random random, int items) {
        DistinctWindow window = DistinctWindow.empty();
        for (int i = 0; i < items; i++) {
            window.update(("device-" + random.nextInt(60_000)).getBytes(StandardCharsets.UTF_8));
        }
        return DistinctWindow.fromImage(window.image());
    }

    private static HllSketch oneByOne(List<DistinctWindow> windows) {
        Union union = new Union(DistinctWindow.LG_K);
        windows.forEach(window -> window.mergeInto(union));
        return union.getResult(TgtHllType.HLL_8);
    }

    /** Four partitions' dense day windows and 28 sparse hours, as a 24-hour count at 07:00 reads them. */
    private static List<DistinctWindow> days(Random random, int dense) {
        List<DistinctWindow> days = new ArrayList<>();
        for (int p = 0; p < dense; p++) {
            days.add(window(random, 10_000));
        }
        return days;
    }

    private static List<DistinctWindow> hours(Random random) {
        List<DistinctWindow> hours = new ArrayList<>();
        for (int h = 0; h < 28; h++) {
            hours.add(window(random, 700));
        }
        return hours;
    }

    @Test
    void shouldAnswerTheSameWithTheClosedHoursAsOneUnionWhateverThePartitionAndWindowOrder() {
        Random random = new Random(11);
        List<DistinctWindow> days = days(random, 4);
        List<DistinctWindow> hours = hours(random);
        assertThat(days).allMatch(DistinctWindow::isDense);
        assertThat(hours).noneMatch(DistinctWindow::isDense);
        List<DistinctWindow> all = new ArrayList<>(days);
        all.addAll(hours);
        HllSketch expected = oneByOne(all);
        DenseWindowCache cache = new DenseWindowCache(64L << 20);

        for (int order = 0; order < 8; order++) {
            List<DistinctWindow> shuffledDays = new ArrayList<>(days);
            List<DistinctWindow> shuffledHours = new ArrayList<>(hours);
            Collections.shuffle(shuffledDays, random);
            Collections.shuffle(shuffledHours, random);
            List<DistinctWindow> shuffled = new ArrayList<>(shuffledHours);
            shuffled.addAll(random.nextInt(shuffled.size()), shuffledDays);
            DenseWindowCacheTest.assertSameAnswer(oneByOne(shuffled), expected);

            // The hours as one union (made on the first order, from the cache after), before, among or after the days.
            Union union = new Union(DistinctWindow.LG_K);
            int at = random.nextInt(shuffledDays.size() + 1);
            shuffledDays.subList(0, at).forEach(day -> day.mergeInto(union));
            cache.run(new DenseWindowCache.Key("partitions 0-3", LANE, 3_600_000, 0, 27), hours).mergeUnionInto(union);
            shuffledDays.subList(at, shuffledDays.size()).forEach(day -> day.mergeInto(union));
            DenseWindowCacheTest.assertSameAnswer(union.getResult(TgtHllType.HLL_8), expected);
        }
        assertThat(cache.hits()).isEqualTo(7);
    }

    @Test
    void shouldAnswerByteForByteWithTheClosedHoursAsOneUnionIntoAnEmptyUnion() {
        Random random = new Random(13);
        List<DistinctWindow> hours = hours(random);
        DistinctWindow sparseDay = window(random, 500);
        assertThat(sparseDay.isDense()).isFalse();
        List<DistinctWindow> all = new ArrayList<>(hours);
        all.add(sparseDay);
        HllSketch expected = oneByOne(all);
        assertThat(expected.getEstimate()).as("in order: HIP").isNotEqualTo(expected.getCompositeEstimate());
        DenseWindowCache cache = new DenseWindowCache(64L << 20);

        for (int round = 0; round < 2; round++) {   // the union made, then from the cache
            Union union = new Union(DistinctWindow.LG_K);
            cache.run(new DenseWindowCache.Key("partitions 0-3", LANE, 3_600_000, 0, 27), hours).mergeUnionInto(union);
            sparseDay.mergeInto(union);
            assertThat(union.getResult(TgtHllType.HLL_8).toCompactByteArray()).as("HIP accumulator included")
                    .isEqualTo(expected.toCompactByteArray());
        }
        assertThat(cache.hits()).isEqualTo(1);
    }

    @Test
    void shouldDependOnTheOrderWithOneDenseWindowWhichIsWhyTheUnionIsNotUsedThen() {
        Random random = new Random(12);
        List<DistinctWindow> all = new ArrayList<>(days(random, 1));
        all.addAll(hours(random));
        Set<Double> estimates = new HashSet<>();
        Set<Double> composite = new HashSet<>();
        for (int order = 0; order < 8; order++) {
            List<DistinctWindow> shuffled = new ArrayList<>(all.subList(1, all.size()));
            Collections.shuffle(shuffled, random);
            shuffled.add(0, all.get(0));   // the dense day first, as the reads merge it
            HllSketch merged = oneByOne(shuffled);
            estimates.add(merged.getEstimate());
            composite.add(merged.getCompositeEstimate());
        }
        assertThat(composite).as("the registers are the same").hasSize(1);
        assertThat(estimates).as("HIP: the estimate moves with the order of the sparse windows").hasSizeGreaterThan(1);
    }
}
