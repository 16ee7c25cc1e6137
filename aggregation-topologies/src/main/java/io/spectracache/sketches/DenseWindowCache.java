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
 * <p><b>Closed windows as one union.</b> {@link #run} also keeps, once asked, the union of a run's windows (the
 * closed ones of a 24-hour count: yesterday's sparse hours, whose coupons a union otherwise inserts one by one) as one
 * heap HLL_8 sketch, with the same byte-for-byte check. It leaves a union with the same registers, and the same
 * estimate for a union still empty or out of order either way: see {@link Run} for when {@link SketchReads} takes it.
 *
 * <p><b>Bounded.</b> At most {@link #maxBytes()} of images, copies and unions (an entry weighs its images plus about
 * 16 KB per copy and per union); the least recently used entries are evicted first; an entry heavier than the whole
 * bound is not kept; 0 bytes turns the cache off (nothing is kept).
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

    /**
     * The images an entry was made from, a heap HLL_8 copy of each dense one (null for a sparse one), how many are
     * dense, and, once asked for ({@link Run#union}), the union of all of them as a heap HLL_8 sketch.
     */
    private static final class Entry {
        final byte[][] images;
        final HllSketch[] copies;
        final int dense;
        long weight;
        /** The union of every window of the entry, once made; {@link #NOT_DENSE} if it is not in HLL mode. */
        HllSketch union;

        Entry(byte[][] images, HllSketch[] copies, long weight) {
            this.images = images;
            this.copies = copies;
            this.weight = weight;
            int count = 0;
            for (HllSketch copy : copies) {
                count += copy == null ? 0 : 1;
            }
            this.dense = count;
        }
    }

    /** Marks an entry whose union was made and is still sparse (a list or set of coupons): merged window by window. */
    private static final HllSketch NOT_DENSE = new HllSketch(DistinctWindow.LG_K, TgtHllType.HLL_8);

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
            anyDense |= windows.get(i).isDense();
        }
        if (!anyDense) {
            return new HllSketch[images.length];
        }
        return entry(key, windows, images).copies;
    }

    /** The entry of {@code key} if its images are {@code images}, else a new one (kept within the bound). */
    private Entry entry(Key key, List<DistinctWindow> windows, byte[][] images) {
        Entry entry = cached(key, images);
        if (entry != null) {
            hits.increment();
            return entry;
        }
        misses.increment();
        HllSketch[] copies = new HllSketch[images.length];
        for (int i = 0; i < images.length; i++) {
            if (windows.get(i).isDense()) {
                copies[i] = HllSketch.wrap(Memory.wrap(images[i])).copyAs(TgtHllType.HLL_8);
            }
        }
        entry = new Entry(images, copies, 0);
        keep(key, entry);
        return entry;
    }

    /**
     * The windows {@code key} names (as just read, in read order), looked up whatever their modes: a {@link Run} hands
     * out each dense window's copy ({@link Run#copy}), says how many are dense, and makes or reuses the union of all of
     * them ({@link Run#union}), which only an out-of-order union may take in their place (see {@link Run#union}).
     * The entry is the cached one when the images are those it was made from, byte for byte and in order.
     */
    public Run run(Key key, List<DistinctWindow> windows) {
        requireNonNull(key, "key");
        byte[][] images = new byte[windows.size()][];
        for (int i = 0; i < images.length; i++) {
            images[i] = windows.get(i).imageShared();
        }
        return new Run(key, entry(key, windows, images), windows);
    }

    /**
     * One lookup's windows: their copies, how many are dense, and their union. Exactness: handing a {@link Union} each
     * window's {@link #copy} or, where null, the window itself, in order, is exactly merging the windows one after the
     * other. Handing it {@link #union} instead leaves it with the same registers but not always the same estimate:
     * DataSketches' union answers with the HIP estimator, which depends on the order coupons arrive, until it has merged
     * two sketches in HLL mode ("out of order"); from then on it answers with the composite estimator, a function of the
     * registers alone. So the caller takes the union in place of the windows only where that is exact: into a union
     * still empty, which takes a first sketch in HLL mode whole (registers, HIP accumulator, register statistics and
     * flags: the state the windows merged one by one into an empty union leave, which is how this union was made), or
     * in an answer that is out of order either way, one that reads at least two dense windows in all ({@link #dense}).
     */
    public final class Run {
        private final Key key;
        private final Entry entry;
        private final List<DistinctWindow> windows;

        private Run(Key key, Entry entry, List<DistinctWindow> windows) {
            this.key = key;
            this.entry = entry;
            this.windows = windows;
        }

        /** How many windows the run has. */
        public int size() {
            return windows.size();
        }

        /** How many of the windows are dense (HLL mode). */
        public int dense() {
            return entry.dense;
        }

        /** Window {@code i}'s heap HLL_8 copy if it is dense, else null (merge the window itself). */
        public HllSketch copy(int i) {
            return entry.copies[i];
        }

        /** Merges window {@code i} into {@code union}: its copy if dense, else as read. */
        public void mergeInto(int i, Union union) {
            if (entry.copies[i] != null) {
                union.update(entry.copies[i]);
            } else {
                windows.get(i).mergeInto(union);
            }
        }

        /**
         * Merges every window into {@code union} as one sketch, their union, made once per entry and kept with it: one
         * pass over the registers instead of inserting each sparse window's coupons one by one. When that union is still
         * sparse, the windows are merged one by one instead. Only for a {@code union} still empty, or one that is out
         * of order once the answer's windows are all merged (see {@link Run}): its estimate is then that of the windows
         * merged one by one.
         */
        public void mergeUnionInto(Union union) {
            HllSketch merged = union();
            if (merged == NOT_DENSE) {
                for (int i = 0; i < windows.size(); i++) {
                    mergeInto(i, union);
                }
            } else {
                union.update(merged);
            }
        }

        private HllSketch union() {
            synchronized (DenseWindowCache.this) {
                if (entry.union != null) {
                    return entry.union;
                }
            }
            Union all = new Union(DistinctWindow.LG_K);
            for (int i = 0; i < windows.size(); i++) {
                mergeInto(i, all);
            }
            byte[] image = all.toCompactByteArray(); // the union's own HLL_8, its estimator state and flags included
            HllSketch made = DistinctWindow.isDense(image) ? HllSketch.heapify(image) : NOT_DENSE;
            synchronized (DenseWindowCache.this) {
                if (entry.union == null) {
                    entry.union = made;
                    grow(key, entry, made == NOT_DENSE ? 0 : made.getUpdatableSerializationBytes());
                }
                return entry.union;
            }
        }
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

    private synchronized Entry cached(Key key, byte[][] images) {
        Entry entry = entries.get(key);
        return entry != null && sameImages(entry.images, images) ? entry : null;
    }

    private synchronized void keep(Key key, Entry entry) {
        Entry replaced = entries.remove(key);
        if (replaced != null) {
            bytes -= replaced.weight;
        }
        long weight = 0;
        for (int i = 0; i < entry.images.length; i++) {
            weight += entry.images[i].length
                    + (entry.copies[i] == null ? 0 : entry.copies[i].getUpdatableSerializationBytes());
        }
        entry.weight = weight;
        if (weight <= maxBytes) {
            entries.put(key, entry);
            bytes += weight;
            evictOver();
        }
    }

    /** Adds {@code more} bytes to a kept entry's weight (its union, once made), evicting down to the bound. */
    private synchronized void grow(Key key, Entry entry, long more) {
        entry.weight += more;
        if (entries.get(key) == entry) {
            bytes += more;
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
            bytes -= eldest.next().weight;
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

    /** Lookups (runs of windows with a dense image, or of closed windows) answered from the cache: same images. */
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
