package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;

/**
 * Merges the parts {@link SketchReads} answers per partition into one answer: the union of HLL images, the merge of
 * frequent-items images, and what a merged sketch estimates (membership parts merge by OR: "maybe" anywhere is
 * "maybe"). Pure functions over bytes, so the query service can merge parts from any instance.
 *
 * <pre>{@code
 * SketchMerge.Estimate devices = SketchMerge.estimate(SketchMerge.unionDistinct(List.of(partA, partB)));
 * List<SketchMerge.HeavyHitter> top = SketchMerge.heavyHitters(SketchMerge.mergeTopK(List.of(a, b), 256), 10);
 * }</pre>
 */
public final class SketchMerge {
    /** Standard deviations of the bounds: 2 gives about 95.4% confidence, the bounds the API answers. */
    public static final int BOUND_STANDARD_DEVIATIONS = 2;

    private SketchMerge() {
    }

    /** An estimated distinct count with its 95% bounds. */
    public record Estimate(double estimate, double lower95, double upper95) {
    }

    /** One heavy hitter: its estimated count and the bounds of the true count (within the sketch's error). */
    public record HeavyHitter(String item, long estimate, long lowerBound, long upperBound) {
        public HeavyHitter {
            requireNonNull(item, "item");
        }
    }

    /** The union of HLL images (any lgK; the result has lgK {@value DistinctWindow#LG_K}). */
    public static byte[] unionDistinct(List<byte[]> images) {
        Union union = new Union(DistinctWindow.LG_K);
        for (byte[] image : images) {
            union.update(HllSketch.heapify(image));
        }
        return union.toCompactByteArray();
    }

    /** What an HLL image estimates, with bounds of {@value #BOUND_STANDARD_DEVIATIONS} standard deviations. */
    public static Estimate estimate(byte[] image) {
        HllSketch sketch = HllSketch.heapify(image);
        return new Estimate(sketch.getEstimate(), sketch.getLowerBound(BOUND_STANDARD_DEVIATIONS),
                sketch.getUpperBound(BOUND_STANDARD_DEVIATIONS));
    }

    /** The merge of frequent-items images into a sketch of {@code maxMapSize} (a power of two), as an image. */
    public static byte[] mergeTopK(List<byte[]> images, int maxMapSize) {
        ItemsSketch<String> merged = new ItemsSketch<>(maxMapSize);
        for (byte[] image : images) {
            merged.merge(TopKWindow.sketchOf(image));
        }
        return merged.toByteArray(TopKWindow.ITEMS);
    }

    /**
     * The {@code k} items of a frequent-items image with the highest estimated counts, highest first (ties by item).
     * Only items whose upper bound exceeds the sketch's maximum error are candidates (DataSketches'
     * {@code NO_FALSE_NEGATIVES}): every item whose true count is above that error is among them.
     */
    public static List<HeavyHitter> heavyHitters(byte[] image, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k is at least 1, was " + k);
        }
        ItemsSketch<String> sketch = TopKWindow.sketchOf(image);
        List<HeavyHitter> hitters = new ArrayList<>();
        for (ItemsSketch.Row<String> row : sketch.getFrequentItems(ErrorType.NO_FALSE_NEGATIVES)) {
            hitters.add(new HeavyHitter(row.getItem(), row.getEstimate(), row.getLowerBound(), row.getUpperBound()));
        }
        hitters.sort(Comparator.comparingLong(HeavyHitter::estimate).reversed().thenComparing(HeavyHitter::item));
        return List.copyOf(hitters.subList(0, Math.min(k, hitters.size())));
    }

    /** What a frequent-items image counted: events in all, and the most any estimate may be off by. */
    public record TopKTotals(long events, long maximumError) {
    }

    /** The totals of a frequent-items image. */
    public static TopKTotals totals(byte[] image) {
        ItemsSketch<String> sketch = TopKWindow.sketchOf(image);
        return new TopKTotals(sketch.getStreamLength(), sketch.getMaximumError());
    }
}
