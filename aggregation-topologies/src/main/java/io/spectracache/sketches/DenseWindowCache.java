package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.memory.Memory;
import org.apache.kafka.common.utils.Bytes;

/**
 * A bounded cache, in the query path, from a window's stored dense HLL_4 images to heap HLL_8 copies of them, the form a
 * {@link Union} merges fastest. DataSketches 7.0.1 merges a dense HLL_4 image (as stored, wrapped) by walking its 16,384
 * registers through an iterator ({@code Conversions.convertToHll8} for a union's first dense sketch,
 * {@code mergeHlltoHLLmode} through {@code getSlotValue} after that), and a heap HLL_8 sketch of the same lgK with a
 * plain loop over its register bytes: measured 4 dense days, 370 µs against 21 µs (BENCHMARKS.md, helper runs D1–D3).
 * Windows still in a sparse mode (a list or set of coupons: most hour and minute windows of one partition) are merged
 * as read: their copies would merge no faster.
 *
 * <p><b>Exact by construction.</b> {@link #mergeInto} hands the union the same sketches, in the same order, as merging
 * the windows as read ({@link DistinctWindow#mergeInto}) does; only a dense one is handed as its HLL_8 copy, which has
 * the same registers, estimator state and flags ({@code HllSketch.copyAs}), so the union ends with the same registers
 * and the same estimate. A copy is used only when the window's images just read are those it was made from, byte for
 * byte and in the same order: a window changed by a late event, an expired one or a partition that moved reads other
 * images, so the lookup misses, the window is merged from what was read, and its entry is replaced. Never stale.
 *
 * <p><b>Bounded.</b> At most {@link #maxBytes()} of images and copies (an entry weighs its images plus about 16 KB per
 * copy); the least recently used entries are evicted first; an entry heavier than the whole bound is not kept; 0 bytes
 * turns the cache off (nothing is kept).
 *
 * <pre>{@code
 * DenseWindowCache cache = new DenseWindowCache(64L << 20);
 * cache.mergeInto(new DenseWindowCache.Key(partitions, lane, 86_400_000L, day, day), windowsOfThatDay, union);
 * }</pre>
 *
 * Thread-safe: lookups and replacements are short critical sections; the copies are only read once made (a
 * {@link Union#update} reads its source), so queries share them.
 */
public final class DenseWindowCache {
    /** The mode byte of DataSketches' HLL preamble (byte 7), whose low two bits are the sketch's current mode. */
    private static final int MODE_BYTE = 7;
    /** The current mode "HLL" (dense); 0 and 1 are the sparse list and set of coupons. */
    private static final int MODE_HLL = 2;

    /**
     * Which windows: those of {@code size} from {@code first} to {@code last} (their starts) in {@code lane}, one range
     * read; {@code scope} tells apart readers whose windows differ for the same range (the set of partitions read
     * together), so that they do not evict each other.
     */
    public record Key(Object scope, Bytes lane, long size, long first, long last) {
        public Key {
            requireNonNull(scope, "scope");
            requireNonNull(lane, "lane");
        }
    }

    /** The images an entry was made from, and a heap HLL_8 copy of each dense one (null for a sparse one). */
    private record Entry(byte[][] images, HllSketch[] copies, long weight) {
    }

    private final Map<Key, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long maxBytes;
    private long bytes;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    /**
     * @param maxBytes the bound on what the entries weigh; 0 turns the cache off
     * @throws IllegalArgumentException if {@code maxBytes} is negative
     */
    public DenseWindowCache(long maxBytes) {
        bound(maxBytes);
    }

    /** Whether a stored HLL image is dense (HLL mode), from its preamble. */
    static boolean isDense(byte[] image) {
        return image.length > MODE_BYTE && (image[MODE_BYTE] & 3) == MODE_HLL;
    }

    /**
     * The windows {@code key} names (as just read, in read order) as a {@link Union} should take them: for each, a heap
     * HLL_8 copy if its image is dense, else null (merge the window itself, {@link DistinctWindow#mergeInto}). The
     * copies are the cached ones when the images are those the entry was made from, byte for byte and in order; else
     * they are made (and kept, within the bound). When no image is dense, all are null and nothing is looked up.
     * Handing the union each window's copy or, where null, the window, in this order, is exactly merging the windows
     * one after the other.
     */
    public HllSketch[] copies(Key key, List<DistinctWindow> windows) {
        requireNonNull(key, "key");
        byte[][] images = new byte[windows.size()][];
        boolean anyDense = false;
        for (int i = 0; i < images.length; i++) {
            images[i] = windows.get(i).imageShared();
            anyDense |= isDense(images[i]);
        }
        if (!anyDense) {
            return new HllSketch[images.length];
        }
        HllSketch[] copies = cached(key, images);
        if (copies != null) {
            hits.increment();
            return copies;
        }
        misses.increment();
        copies = copiesOf(images);
        keep(key, images, copies);
        return copies;
    }

    /** Merges {@code windows} into {@code union} one after the other, each dense one as its {@link #copies copy}. */
    public void mergeInto(Key key, List<DistinctWindow> windows, Union union) {
        HllSketch[] copies = copies(key, windows);
        for (int i = 0; i < copies.length; i++) {
            if (copies[i] != null) {
                union.update(copies[i]);
            } else {
                windows.get(i).mergeInto(union);
            }
        }
    }

    private synchronized HllSketch[] cached(Key key, byte[][] images) {
        Entry entry = entries.get(key);
        return entry != null && sameImages(entry.images(), images) ? entry.copies() : null;
    }

    private static HllSketch[] copiesOf(byte[][] images) {
        HllSketch[] copies = new HllSketch[images.length];
        for (int i = 0; i < images.length; i++) {
            if (isDense(images[i])) {
                copies[i] = HllSketch.wrap(Memory.wrap(images[i])).copyAs(TgtHllType.HLL_8);
            }
        }
        return copies;
    }

    private synchronized void keep(Key key, byte[][] images, HllSketch[] copies) {
        Entry replaced = entries.remove(key);
        if (replaced != null) {
            bytes -= replaced.weight();
        }
        long weight = 0;
        for (int i = 0; i < images.length; i++) {
            weight += images[i].length + (copies[i] == null ? 0 : copies[i].getUpdatableSerializationBytes());
        }
        if (weight <= maxBytes) {
            entries.put(key, new Entry(images, copies, weight));
            bytes += weight;
            evictOver();
        }
    }

    private static boolean sameImages(byte[][] cached, byte[][] images) {
        if (cached.length != images.length) {
            return false;
        }
        for (int i = 0; i < cached.length; i++) {
            if (!Arrays.equals(cached[i], images[i])) {
                return false;
            }
        }
        return true;
    }

    private void evictOver() {
        Iterator<Entry> eldest = entries.values().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            bytes -= eldest.next().weight();
            eldest.remove();
            evictions.increment();
        }
    }

    /**
     * Sets the bound, evicting the least recently used entries down to it (0 empties the cache and turns it off).
     *
     * @throws IllegalArgumentException if {@code newMaxBytes} is negative
     */
    public synchronized void bound(long newMaxBytes) {
        if (newMaxBytes < 0) {
            throw new IllegalArgumentException("the cache's bound is at least 0 bytes, was " + newMaxBytes);
        }
        maxBytes = newMaxBytes;
        evictOver();
    }

    /** The bound on what the entries weigh, in bytes; 0 when the cache is off. */
    public synchronized long maxBytes() {
        return maxBytes;
    }

    /** What the entries weigh now (images plus copies), never more than {@link #maxBytes()}. */
    public synchronized long bytes() {
        return bytes;
    }

    /** How many entries (runs of windows) are cached now. */
    public synchronized int size() {
        return entries.size();
    }

    /** Lookups (runs of windows with a dense image) answered from the cache: their images were the cached ones. */
    public long hits() {
        return hits.sum();
    }

    /** Lookups whose copies were made: not cached, or a window changed since (a late event, an expiry). */
    public long misses() {
        return misses.sum();
    }

    /** Entries evicted to keep within the bound (a changed window's replaced entry is not counted). */
    public long evictions() {
        return evictions.sum();
    }
}
