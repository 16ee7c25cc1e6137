package io.spectracache.sketches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spectracache.events.DeviceEvent;
import io.spectracache.testing.TopologyHarness;
import io.spectracache.topics.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The distinct-count cache of dense windows ({@link DenseWindowCache}) in the read path ({@link SketchReads#distinctInto}
 * and {@link SketchReads#distinctSeriesInto} with a cache) against the same reads without it, over the stores of a real
 * topology: the same registers and estimates, never a stale window after a late event, never past its bound, and
 * counts of hits, misses and evictions that say what happened.
 */
class DenseWindowCacheTest {
    private static final long HOUR = 3_600_000;
    /** The history runs 30 hours up to {@link #END}, noon: a 24-hour count reads 12 hours and the open day. */
    private static final long T0 = Instant.parse("2026-11-23T06:00:00Z").toEpochMilli();
    private static final long END = T0 + 30 * HOUR;
    private static final DistinctDefinition DEVICES = SketchSettings.defaults().distinct().get(0);
    private static final Object SCOPE = "partition 0";

    private TopologyHarness harness;
    private TestInputTopic<String, DeviceEvent> input;
    private SketchStores stores;

    @BeforeEach
    void feed() {
        // Only the distinct count: the test driver keeps every changelog record it writes in memory.
        harness = TopologyHarness.of(TopologyHarness.validatedEventsFromTopic(), new SketchesTopology(
                        SketchSettings.defaults().withTopK(List.of()).withFilters(List.of())))
                .applicationId("dense-window-cache").startingAt(Instant.ofEpochMilli(T0)).build();
        input = harness.input(Topics.EVENTS);
        SplittableRandom random = new SplittableRandom(7);
        // 18 hours of 60 events (but 2,000 at 14:00, a dense hour), then 12 of 200, over 5,000 devices: most hour
        // windows sparse, the 14:00 hour and both days dense (past DataSketches' sparse modes, about 1,536 devices).
        for (int hour = 0; hour < 30; hour++) {
            int events = hour == 8 ? 2_000 : hour < 18 ? 60 : 200;
            for (int i = 0; i < events; i++) {
                send("device-" + random.nextInt(5_000), random.nextInt(3) == 0 ? "globex" : "acme",
                        T0 + hour * HOUR + i * (HOUR / events));
            }
        }
        stores = SketchStores.of(
                harness.driver().<Bytes, SketchWindow>getKeyValueStore(SketchesTopology.WINDOWS_STORE.name()),
                harness.driver().<Bytes, SeenRange>getKeyValueStore(SketchesTopology.SEEN_STORE.name()),
                harness.driver().<Bytes, BloomBlock>getKeyValueStore(SketchesTopology.FILTERS_STORE.name()));
    }

    @AfterEach
    void close() {
        harness.close();
    }

    private void send(String device, String tenant, long at) {
        input.pipeInput(device, new DeviceEvent(device, Instant.ofEpochMilli(at), null, tenant, Map.of(), null, Map.of()));
    }

    private WindowCover cover(long from, long to) {
        return WindowCover.plan(DEVICES.windows(), from, to, SketchReads.clock(stores));
    }

    /** The union as read without a cache: every stored window merged as read. */
    private HllSketch uncached(String group, WindowCover cover) {
        Union union = new Union(DistinctWindow.LG_K);
        SketchReads.distinctInto(stores, DEVICES, group, cover, union);
        return union.getResult(TgtHllType.HLL_8);
    }

    private HllSketch cached(String group, WindowCover cover, DenseWindowCache cache) {
        Union union = new Union(DistinctWindow.LG_K);
        SketchReads.distinctInto(stores, DEVICES, group, cover, union, cache, SCOPE);
        return union.getResult(TgtHllType.HLL_8);
    }

    private static void assertSameCount(HllSketch actual, HllSketch expected) {
        assertThat(actual.toCompactByteArray()).as("the same registers and estimator state")
                .isEqualTo(expected.toCompactByteArray());
        assertThat(actual.getEstimate()).isEqualTo(expected.getEstimate());
        assertThat(actual.getLowerBound(2)).isEqualTo(expected.getLowerBound(2));
        assertThat(actual.getUpperBound(2)).isEqualTo(expected.getUpperBound(2));
    }

    @Test
    void shouldAnswerExactlyWhatMergingEveryWindowAsReadAnswers() {
        DenseWindowCache cache = new DenseWindowCache(64L << 20);
        List<WindowCover> covers = List.of(cover(END - 24 * HOUR, END), cover(END - HOUR, END),
                cover(END - 24 * HOUR - 17 * 60_000, END - 5 * 60_000), cover(T0 + 8 * HOUR, T0 + 9 * HOUR),
                cover(T0, END));
        assertThat(covers.get(0).windows()).as("a 24-hour count reads hours and a day")
                .extracting(WindowCover.Window::size).contains(HOUR, 24 * HOUR);
        assertThat(uncached(null, covers.get(3)).getEstimate()).as("the 14:00 hour is dense").isGreaterThan(1_536);
        for (String group : new String[] {null, "acme", "globex"}) {
            for (WindowCover cover : covers) {
                HllSketch expected = uncached(group, cover);
                assertSameCount(cached(group, cover, cache), expected);          // copied
                assertSameCount(cached(group, cover, cache), expected);          // from the cache
            }
        }
        assertThat(cache.hits()).isPositive();
    }

    @Test
    void shouldAnswerAStepSeriesExactlyAsWithoutTheCache() {
        DenseWindowCache cache = new DenseWindowCache(64L << 20);
        List<WindowCover> covers = SketchReads.seriesCovers(DEVICES, END - 24 * HOUR, END, HOUR,
                SketchReads.clock(stores));
        for (int round = 0; round < 2; round++) {
            List<Union> expected = covers.stream().map(c -> new Union(DistinctWindow.LG_K)).toList();
            List<Union> actual = covers.stream().map(c -> new Union(DistinctWindow.LG_K)).toList();
            int read = SketchReads.distinctSeriesInto(stores, DEVICES, null, covers, expected);

            assertThat(SketchReads.distinctSeriesInto(stores, DEVICES, null, covers, actual, cache, SCOPE))
                    .isEqualTo(read);
            for (int step = 0; step < covers.size(); step++) {
                assertSameCount(actual.get(step).getResult(TgtHllType.HLL_8),
                        expected.get(step).getResult(TgtHllType.HLL_8));
            }
        }
        assertThat(cache.hits()).as("the 24 hours are one run, with the dense 14:00 hour").isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(1);
    }

    @Test
    void shouldNotAnswerAStaleWindowAfterALateEventChangedIt() {
        DenseWindowCache cache = new DenseWindowCache(64L << 20);
        WindowCover day = cover(END - 24 * HOUR, END);
        HllSketch before = cached(null, day, cache);
        cached(null, day, cache);
        long missesBefore = cache.misses();
        long hitsBefore = cache.hits();

        // Devices never seen, late into the dense, closed and cached 14:00 hour of yesterday.
        for (int late = 0; late < 50; late++) {
            send("late-device-" + late, "acme", T0 + 8 * HOUR + 123 + late);
        }
        HllSketch after = cached(null, day, cache);

        assertSameCount(after, uncached(null, day));
        assertThat(after.getEstimate()).as("the late devices count").isGreaterThan(before.getEstimate());
        assertThat(cache.misses() - missesBefore).as("the changed hours are copied again").isEqualTo(1);
        assertThat(cache.hits() - hitsBefore).as("the unchanged day is not").isEqualTo(1);
    }

    @Test
    void shouldNeverHoldMoreThanItsBound() {
        WindowCover all = cover(T0, END);
        // Room for about two dense windows (image and copy), less than one lane's two entries: every read evicts.
        long bound = 2 * (HllSketch.getMaxUpdatableSerializationBytes(DistinctWindow.LG_K, TgtHllType.HLL_8) + 8_300L);
        DenseWindowCache cache = new DenseWindowCache(bound);
        for (int round = 0; round < 3; round++) {
            for (String group : new String[] {null, "acme"}) {
                assertSameCount(cached(group, all, cache), uncached(group, all));
                assertThat(cache.bytes()).isLessThanOrEqualTo(bound).isPositive();
            }
        }
        assertThat(cache.evictions()).isPositive();

        cache.bound(0);
        assertThat(cache.bytes()).isZero();
        assertThat(cache.size()).isZero();
        assertSameCount(cached(null, all, cache), uncached(null, all));
        assertThat(cache.size()).as("off: nothing kept").isZero();
    }

    @Test
    void shouldCountAHitOrAMissPerRunOfWindowsWithADenseOne() {
        DenseWindowCache cache = new DenseWindowCache(64L << 20);
        WindowCover day = cover(END - 24 * HOUR, END);
        cached(null, day, cache);

        assertThat(cache.misses()).as("yesterday's hours (one dense) and today's day").isEqualTo(2);
        assertThat(cache.hits()).isZero();
        assertThat(cache.size()).isEqualTo(2);

        cached(null, day, cache);
        assertThat(cache.hits()).isEqualTo(2);
        assertThat(cache.misses()).isEqualTo(2);
        assertThat(cache.evictions()).isZero();

        SketchReads.distinctInto(stores, DEVICES, null, day, new Union(DistinctWindow.LG_K), cache, "another scope");
        assertThat(cache.misses()).as("another reader's windows are its own entries").isEqualTo(4);

        cached(null, cover(END - 2 * HOUR, END - HOUR), cache);
        assertThat(cache.hits() + cache.misses()).as("a sparse hour is merged as read, not looked up").isEqualTo(6);
        assertThat(cache.size()).isEqualTo(4);
    }

    /** The union as the query service reads it: closed windows (ended by the partition's clock) first, as one union. */
    private HllSketch cachedClosed(String group, WindowCover cover, DenseWindowCache cache) {
        return cachedClosed(group, cover, cache, SketchReads.clock(stores));
    }

    private HllSketch cachedClosed(String group, WindowCover cover, DenseWindowCache cache, long closedBefore) {
        Union union = new Union(DistinctWindow.LG_K);
        SketchReads.distinctInto(stores, DEVICES, group, cover, union, cache, SCOPE, closedBefore);
        return union.getResult(TgtHllType.HLL_8);
    }

    /** The union as the query service reads it with the cache off: closed windows first, every window as read. */
    private HllSketch uncachedClosed(String group, WindowCover cover, long closedBefore) {
        Union union = new Union(DistinctWindow.LG_K);
        SketchReads.distinctInto(stores, DEVICES, group, cover, union, closedBefore);
        return union.getResult(TgtHllType.HLL_8);
    }

    /**
     * The same answer: the same estimate and bounds, to the last bit, and the same registers, flags and register
     * statistics; only the HIP accumulator (preamble bytes 8–15) may differ, which an out-of-order sketch never reads.
     */
    static void assertSameAnswer(HllSketch actual, HllSketch expected) {
        for (int sd = 1; sd <= 3; sd++) {
            assertThat(actual.getLowerBound(sd)).isEqualTo(expected.getLowerBound(sd));
            assertThat(actual.getUpperBound(sd)).isEqualTo(expected.getUpperBound(sd));
        }
        assertThat(actual.getEstimate()).isEqualTo(expected.getEstimate()).isEqualTo(expected.getCompositeEstimate());
        assertThat(withoutHip(actual.toCompactByteArray())).isEqualTo(withoutHip(expected.toCompactByteArray()));
    }

    static byte[] withoutHip(byte[] image) {
        byte[] copy = image.clone();
        java.util.Arrays.fill(copy, 8, 16, (byte) 0);
        return copy;
    }

    @Test
    void shouldAnswerA24HourCountWithTheClosedHoursAsOneUnionExactlyAsWithout() {
        DenseWindowCache cache = new DenseWindowCache(64L << 20);
        WindowCover day = cover(END - 24 * HOUR, END);
        HllSketch expected = uncached(null, day);
        HllSketch first = cachedClosed(null, day, cache);
        long missesAfterFirst = cache.misses();
        HllSketch second = cachedClosed(null, day, cache);

        // Yesterday's hours (the dense 14:00 among them) and today's open dense day: out of order either way.
        assertThat(expected.getEstimate()).isEqualTo(expected.getCompositeEstimate());
        assertSameAnswer(first, expected);
        assertSameAnswer(second, expected);
        assertThat(cache.misses()).as("the second answer is all hits").isEqualTo(missesAfterFirst);
        assertThat(cache.hits()).isPositive();
    }

    @Test
    void shouldMergeWindowByWindowInReadOrderWhenFewerThanTwoWindowsAreDense() {
        DenseWindowCache cache = new DenseWindowCache(64L << 20);
        // 07:00 to 13:00 of the first day: sparse hours only, then the dense 14:00 hour alone with sparse ones.
        for (WindowCover cover : List.of(cover(T0 + HOUR, T0 + 7 * HOUR), cover(T0 + 4 * HOUR, T0 + 12 * HOUR))) {
            HllSketch expected = uncached(null, cover);
            assertSameCount(cachedClosed(null, cover, cache), expected);   // byte for byte, HIP included
            assertSameCount(cachedClosed(null, cover, cache), expected);
        }
    }

    @Test
    void shouldTakeTheClosedHoursAsOneUnionIntoAnEmptyUnionExactlyAsWithoutTheCache() {
        // A 24-hour count as at 02:00: yesterday's hours (sparse, but the dense 14:00) closed and merged first, into an
        // empty union that takes their union whole, then today's first two hours, open, coupon by coupon.
        long midnight = T0 + 18 * HOUR;
        WindowCover day = cover(midnight - 22 * HOUR, midnight + 2 * HOUR);
        DenseWindowCache cache = new DenseWindowCache(64L << 20);
        HllSketch all = uncachedClosed(null, day, midnight);
        assertThat(all.getEstimate()).as("in order: HIP, which the merge order moves")
                .isNotEqualTo(all.getCompositeEstimate());
        for (String group : new String[] {null, "acme", "globex"}) {
            HllSketch expected = uncachedClosed(group, day, midnight);
            long hits = cache.hits();
            assertSameCount(cachedClosed(group, day, cache, midnight), expected);   // byte for byte, HIP included
            assertSameCount(cachedClosed(group, day, cache, midnight), expected);
            assertThat(cache.hits()).as("the second answer takes the kept union").isGreaterThan(hits);
        }
        assertThat(cache.bytes()).as("the closed hours' union is kept")
                .isGreaterThan(HllSketch.getMaxUpdatableSerializationBytes(DistinctWindow.LG_K, TgtHllType.HLL_8));
        assertThat(uncachedClosed(null, day, Long.MIN_VALUE).toCompactByteArray()).as("no closed window: read order")
                .isEqualTo(uncached(null, day).toCompactByteArray());
    }

    @Test
    void shouldNotTakeTheClosedHoursAsOneUnionAfterASparseDayWhenOnlyOneWindowIsDense() {
        // A sparse day (the 22nd: 300 events), then the 23rd's hours: [22nd, 23rd 10:00) reads the day and sparse
        // hours, [22nd, 23rd 15:00) the dense 14:00 hour too, its only dense window. A union that took the hours as
        // one sketch after the day's coupons would answer another HIP estimate: the merge order must be the read order.
        long day22 = T0 - 30 * HOUR;
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < 300; i++) {
            send("device-" + random.nextInt(5_000), "acme", day22 + i * (HOUR / 20));
        }
        DenseWindowCache cache = new DenseWindowCache(64L << 20);
        WindowCover withDenseHour = cover(day22, T0 + 9 * HOUR);
        assertThat(withDenseHour.windows()).extracting(WindowCover.Window::size).contains(24 * HOUR, HOUR);
        for (WindowCover cover : List.of(cover(day22, T0 + 4 * HOUR), withDenseHour)) {
            HllSketch expected = uncached(null, cover);
            assertSameCount(cachedClosed(null, cover, cache), expected);   // byte for byte, HIP included
            assertSameCount(cachedClosed(null, cover, cache), expected);
        }
        assertThat(uncached(null, withDenseHour).getEstimate()).as("HIP, not composite")
                .isNotEqualTo(uncached(null, withDenseHour).getCompositeEstimate());
    }

    @Test
    void shouldNotAnswerAStaleClosedHourAfterALateEventChangedIt() {
        DenseWindowCache cache = new DenseWindowCache(64L << 20);
        WindowCover day = cover(END - 24 * HOUR, END);
        HllSketch before = cachedClosed(null, day, cache);
        cachedClosed(null, day, cache);

        // Devices never seen, late into a sparse, closed hour whose coupons the cached union holds.
        for (int late = 0; late < 50; late++) {
            send("late-device-" + late, "acme", T0 + 10 * HOUR + 123 + late);
        }
        HllSketch after = cachedClosed(null, day, cache);

        assertSameAnswer(after, uncached(null, day));
        assertThat(after.getEstimate()).as("the late devices count").isGreaterThan(before.getEstimate());
        assertSameAnswer(cachedClosed(null, day, cache), uncached(null, day));
    }

    @Test
    void shouldKeepTheClosedWindowsUnionWithinTheBound() {
        WindowCover day = cover(END - 24 * HOUR, END);
        // Room for the hours' images and union (about 10 KB and 16 KB) but not also the day's: every read evicts.
        long bound = HllSketch.getMaxUpdatableSerializationBytes(DistinctWindow.LG_K, TgtHllType.HLL_8) + 20_000L;
        DenseWindowCache cache = new DenseWindowCache(bound);
        for (int round = 0; round < 3; round++) {
            assertSameAnswer(cachedClosed(null, day, cache), uncached(null, day));
            assertThat(cache.bytes()).isLessThanOrEqualTo(bound);
        }
        assertThat(cache.evictions()).isPositive();
    }

    @Test
    void shouldRefuseANegativeBound() {
        assertThatThrownBy(() -> new DenseWindowCache(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DenseWindowCache(1).bound(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
