package io.spectracache.sketches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spectracache.query.Codec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.hll.HllSketch;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

/** The merges the instance asked applies to the parts every instance answers, and the parts' travel as JSON. */
class SketchQueriesTest {
    private static final DistinctDefinition DEVICES = new DistinctDefinition("devices", SketchField.DEVICE_ID,
            Optional.of(SketchField.TENANT), WindowSpec.parseList(SketchSettings.DEFAULT_WINDOWS));

    private static byte[] hll(int from, int to) {
        HllSketch sketch = new HllSketch(DistinctWindow.LG_K, DistinctWindow.TYPE);
        for (int i = from; i < to; i++) {
            sketch.update(("device-" + i).getBytes(StandardCharsets.UTF_8));
        }
        return sketch.toCompactByteArray();
    }

    private static SketchQueries.DistinctPart part(int from, int to, int read, int planned, long coveredFrom, long coveredTo) {
        return new SketchQueries.DistinctPart(hll(from, to), read, planned, coveredFrom, coveredTo);
    }

    @Test
    void shouldEstimateTheUnionOfTwoInstancesPartsWithinItsBoundsAndCountOverlapOnce() {
        // Two instances: 0..60,000 and 40,000..100,000 (an overlap as a device moving between partitions would make).
        SketchQueries.DistinctPart merged = SketchQueries.mergeDistinct(List.of(
                part(0, 60_000, 5, 3, 1_000, 5_000), part(40_000, 100_000, 7, 4, 2_000, 9_000)));

        SketchMerge.Estimate estimate = SketchMerge.estimate(merged.sketch());
        assertThat(estimate.lower95()).isLessThanOrEqualTo(100_000);
        assertThat(estimate.upper95()).isGreaterThanOrEqualTo(100_000);
        assertThat(Math.abs(estimate.estimate() - 100_000) / 100_000).isLessThan(0.03);
        assertThat(merged.windowsRead()).isEqualTo(12);
        assertThat(merged.windowsPlanned()).isEqualTo(4);
        assertThat(merged.coveredFrom()).isEqualTo(1_000);
        assertThat(merged.coveredTo()).isEqualTo(9_000);
    }

    @Test
    void shouldAnswerZeroWithNothingCoveredWhenNoInstanceHasAWindowInTheRange() {
        SketchQueries.DistinctPart empty = new SketchQueries.DistinctPart(hll(0, 0), 0, 0, Long.MAX_VALUE, Long.MIN_VALUE);

        SketchQueries.DistinctPart merged = SketchQueries.mergeDistinct(List.of(empty, empty));

        assertThat(SketchMerge.estimate(merged.sketch()).estimate()).isZero();
        assertThat(SketchCatalog.instant(merged.coveredFrom())).isNull();
        assertThat(SketchCatalog.instant(merged.coveredTo())).isNull();
    }

    @Test
    void shouldShipPartsToAnotherInstanceAsHll4AtHalfTheBytesWithTheSameEstimate() {
        SketchQueries.DistinctPart merged = SketchQueries.mergeDistinct(List.of(part(0, 200_000, 1, 1, 0, 1),
                part(100_000, 300_000, 1, 1, 0, 1)));

        SketchQueries.DistinctPart shipped = SketchQueries.DISTINCT_ANSWER.decode(
                SketchQueries.DISTINCT_ANSWER.encode(merged));

        assertThat(HllSketch.heapify(shipped.sketch()).getTgtHllType()).isEqualTo(DistinctWindow.TYPE);
        assertThat(shipped.sketch().length).isLessThan(merged.sketch().length * 6 / 10);
        assertThat(SketchAnswers.estimate(shipped.sketch()).estimate())
                .isEqualTo(SketchAnswers.estimate(merged.sketch()).estimate());
        SketchQueries.SeriesPart series = new SketchQueries.SeriesPart(List.of(merged.sketch(), hll(0, 3)));
        SketchQueries.SeriesPart shippedSeries = SketchQueries.SERIES_ANSWER.decode(
                SketchQueries.SERIES_ANSWER.encode(series));
        assertThat(shippedSeries.sketches()).hasSize(2);
        assertThat(Math.round(SketchAnswers.estimate(shippedSeries.sketches().get(1)).estimate())).isEqualTo(3);
    }

    @Test
    void shouldMergeASeriesBucketByBucket() {
        SketchQueries.SeriesRequest request = new SketchQueries.SeriesRequest(SketchQueries.DistinctSpec.of(DEVICES),
                null, 0, 3 * 3_600_000L, 3_600_000L);
        SketchQueries.SeriesPart a = new SketchQueries.SeriesPart(List.of(hll(0, 100), hll(0, 0), hll(0, 10)));
        SketchQueries.SeriesPart b = new SketchQueries.SeriesPart(List.of(hll(50, 150), hll(0, 20), hll(0, 10)));

        List<SketchAnswers.Bucket> buckets = SketchAnswers.buckets(request, SketchQueries.mergeSeries(request, List.of(a, b)));

        assertThat(buckets).extracting(SketchAnswers.Bucket::start).containsExactly(0L, 3_600_000L, 7_200_000L);
        // Below the HLL's list/set sizes the estimate is exact.
        assertThat(buckets).extracting(bucket -> Math.round(bucket.estimate())).containsExactly(150L, 20L, 10L);
    }

    @Test
    void shouldRefuseToMergeAPartWithAnotherNumberOfBuckets() {
        SketchQueries.SeriesRequest request = new SketchQueries.SeriesRequest(SketchQueries.DistinctSpec.of(DEVICES),
                null, 0, 2 * 60_000L, 60_000L);

        assertThatThrownBy(() -> SketchQueries.mergeSeries(request, List.of(new SketchQueries.SeriesPart(List.of(hll(0, 1))))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 buckets, not 2");
    }

    @Test
    void shouldFindEveryTrueHeavyHitterAfterMergingTopKPartsOfTwoInstances() {
        Random random = new Random(42);
        List<ItemsSketch<String>> instances = List.of(new ItemsSketch<>(256), new ItemsSketch<>(256));
        long[] heavy = new long[5];
        for (int i = 0; i < 200_000; i++) {
            boolean isHeavy = random.nextInt(10) == 0;
            int device = isHeavy ? random.nextInt(heavy.length) : 100 + random.nextInt(20_000);
            if (isHeavy) {
                heavy[device]++;
            }
            // Devices live on one partition, so on one instance.
            instances.get(device % 2).update("device-" + device);
        }
        SketchQueries.TopKRequest request = new SketchQueries.TopKRequest(new SketchQueries.TopKSpec("noisiest-devices",
                "deviceId", SketchSettings.DEFAULT_WINDOWS, 256), 0, 1);
        List<SketchQueries.TopKPart> parts = new ArrayList<>();
        instances.forEach(sketch -> parts.add(new SketchQueries.TopKPart(sketch.toByteArray(TopKWindow.ITEMS), 1, 1, 0, 1)));

        SketchQueries.TopKPart merged = SketchQueries.mergeTopK(request, parts);
        List<SketchMerge.HeavyHitter> top = SketchMerge.heavyHitters(merged.sketch(), heavy.length);

        assertThat(top).extracting(SketchMerge.HeavyHitter::item)
                .containsExactlyInAnyOrder("device-0", "device-1", "device-2", "device-3", "device-4");
        for (SketchMerge.HeavyHitter hitter : top) {
            long truth = heavy[Integer.parseInt(hitter.item().substring("device-".length()))];
            assertThat(truth).isBetween(hitter.lowerBound(), hitter.upperBound());
        }
        assertThat(SketchMerge.totals(merged.sketch()).events()).isEqualTo(200_000);
    }

    @Test
    void shouldAnswerMaybeForAnItemWhenAnyInstanceSaysMaybe() {
        SketchQueries.MembershipRequest request = new SketchQueries.MembershipRequest(
                new SketchQueries.FilterSpec("seen-devices", "deviceId", 0.01, 100_000), List.of("a", "b", "c"), 4);

        SketchQueries.MembershipPart merged = SketchQueries.mergeMembership(request, List.of(
                new SketchQueries.MembershipPart(new boolean[] {true, false, false}),
                new SketchQueries.MembershipPart(new boolean[] {false, false, true})));

        assertThat(merged.maybe()).containsExactly(true, false, true);
    }

    @Test
    void shouldLookADeviceUpOnThePartitionKafkasDefaultPartitionerGivesIt() {
        for (String device : List.of("truck-0001", "van-0042", "meter-17", "ü-device")) {
            assertThat(SketchQueries.partitionOf(device, 4)).as(device).isEqualTo(
                    BuiltInPartitioner.partitionForKey(device.getBytes(StandardCharsets.UTF_8), 4));
        }
    }

    @Test
    void shouldCarryEveryRequestAndPartThroughItsCodecUnchanged() {
        SketchQueries.DistinctRequest distinct = new SketchQueries.DistinctRequest(SketchQueries.DistinctSpec.of(DEVICES),
                "acme", 10, 20);
        Codec<SketchQueries.DistinctRequest> parameters = new SketchQueries(0).distinct().parameters();
        assertThat(parameters.decode(parameters.encode(distinct)))
                .isEqualTo(distinct);
        assertThat(SketchQueries.DistinctSpec.of(DEVICES).definition()).isEqualTo(DEVICES);

        SketchQueries.DistinctPart part = part(0, 1_000, 2, 3, 4, 5);
        SketchQueries.DistinctPart back = SketchQueries.DISTINCT_ANSWER.decode(SketchQueries.DISTINCT_ANSWER.encode(part));
        assertThat(back.sketch()).isEqualTo(part.sketch());
        assertThat(back.coveredTo()).isEqualTo(5);

        SketchQueries.MembershipPart maybe = new SketchQueries.MembershipPart(new boolean[] {true, false});
        assertThat(SketchQueries.MEMBERSHIP.answer().decode(SketchQueries.MEMBERSHIP.answer().encode(maybe)).maybe())
                .containsExactly(true, false);

        TopKDefinition topK = new TopKDefinition("noisiest-devices", SketchField.parse("attributes.mac"),
                WindowSpec.parseList("1m:1d,1h:7d"), 512);
        assertThat(SketchQueries.TopKSpec.of(topK).definition()).isEqualTo(topK);
        FilterDefinition filter = new FilterDefinition("seen-macs", SketchField.parse("attributes.mac"), 0.001, 5_000);
        assertThat(SketchQueries.FilterSpec.of(filter).definition()).isEqualTo(filter);
    }

    @Test
    void shouldGiveEachInstanceItsOwnMergeCacheWithItsOwnBoundEmptiedWhenItCloses() {
        SketchesCapability first = new SketchesCapability();
        SketchesCapability second = new SketchesCapability();
        assertThat(first.queries().get(0)).as("each instance's distinct query, with its own cache")
                .isNotSameAs(second.queries().get(0));

        SketchQueries a = new SketchQueries(64L << 20);
        SketchQueries b = new SketchQueries(64L << 20);
        a.boundMergeCache(1L << 20);
        assertThat(a.mergeCache()).isNotSameAs(b.mergeCache());
        assertThat(a.mergeCache().maxBytes()).isEqualTo(1L << 20);
        assertThat(b.mergeCache().maxBytes()).as("another instance's bound is its own").isEqualTo(64L << 20);

        a.close();
        assertThat(a.mergeCache().maxBytes()).isZero();
        assertThat(a.mergeCache().size()).isZero();
        assertThat(b.mergeCache().maxBytes()).isEqualTo(64L << 20);
    }
}
