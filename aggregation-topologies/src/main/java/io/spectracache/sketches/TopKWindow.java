package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.memory.Memory;

/**
 * One window of a top-K: an Apache DataSketches frequent-items sketch of strings ({@code ItemsSketch<String>}),
 * counting one per event. Synchronized (see {@link SketchWindow}).
 *
 * <pre>{@code
 * TopKWindow window = TopKWindow.empty(256);
 * window.update("truck-0042");
 * ItemsSketch<String> copy = TopKWindow.sketchOf(window.image());
 * }</pre>
 */
public final class TopKWindow implements SketchWindow {
    /** The serialiser of items inside an image: UTF-8 with a length each. */
    public static final ArrayOfStringsSerDe ITEMS = new ArrayOfStringsSerDe();

    private final ItemsSketch<String> sketch;

    private TopKWindow(ItemsSketch<String> sketch) {
        this.sketch = sketch;
    }

    /** An empty window tracking up to 0.75 · {@code maxMapSize} items (a power of two). */
    public static TopKWindow empty(int maxMapSize) {
        return new TopKWindow(new ItemsSketch<>(maxMapSize));
    }

    /**
     * A window from an image.
     *
     * @throws org.apache.datasketches.common.SketchesArgumentException if the bytes are not a frequent-items image
     */
    public static TopKWindow fromImage(byte[] image) {
        return new TopKWindow(sketchOf(image));
    }

    /** The sketch an image holds, to merge or read (a new object). */
    public static ItemsSketch<String> sketchOf(byte[] image) {
        return ItemsSketch.getInstance(Memory.wrap(requireNonNull(image, "image")), ITEMS);
    }

    /** Counts one event of {@code item}. */
    public synchronized void update(String item) {
        sketch.update(item);
    }

    /** Adds this window's counts to {@code target} (no copy of the image). */
    public synchronized void mergeInto(ItemsSketch<String> target) {
        target.merge(sketch);
    }

    /** How many events the window counted. */
    public synchronized long events() {
        return sketch.getStreamLength();
    }

    /** The estimated count of {@code item}. */
    public synchronized long estimate(String item) {
        return sketch.getEstimate(item);
    }

    /** The image, as {@link ItemsSketch#toByteArray} with {@link #ITEMS}. */
    @Override
    public synchronized byte[] image() {
        return sketch.toByteArray(ITEMS);
    }

    /** Equal when the images are. */
    @Override
    public boolean equals(Object other) {
        return other instanceof TopKWindow window && Arrays.equals(image(), window.image());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(image());
    }

    @Override
    public String toString() {
        return "TopKWindow[events=" + events() + "]";
    }
}
