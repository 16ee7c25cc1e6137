package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Reads the sketches of one partition through {@link SketchStores}, answering in mergeable form: the query service
 * asks every partition (scatter-gather) and merges the parts across partitions and instances with {@link SketchMerge}
 * (an HLL union, a frequent-items merge, the OR of "maybe").
 *
 * <pre>{@code
 * SketchReads.DistinctPart part = SketchReads.distinct(stores, devices, "acme", from, to);   // null group: all
 * List<SketchReads.DistinctBucket> hourly = SketchReads.distinctSeries(stores, devices, null, from, to, 3_600_000);
 * SketchReads.TopKPart noisiest = SketchReads.topK(stores, noisiestDevices, from, to);
 * boolean maybe = SketchReads.mightContain(stores, seenDevices, "truck-0042");
 * List<String> tenants = SketchReads.groups(stores, devices, from, to);
 * }</pre>
 *
 * Windows are chosen by {@link WindowCover#plan} with the partition's {@link #clock}; each read has an overload that
 * takes the cover instead, so the caller can plan once for every partition.
 */
public final class SketchReads {
    /** Steps a series may have at most. */
    public static final int MAX_BUCKETS = 10_000;

    private SketchReads() {
    }

    /**
     * A distinct count's part from one partition.
     *
     * @param sketch  the union of the windows read: an HLL image ({@code HllSketch.heapify} reads it; lgK
     *                {@value DistinctWindow#LG_K}), of an empty sketch when no window was read
     * @param windows how many stored windows were read (planned windows with no events are not stored)
     * @param cover   the planned windows and the range they cover
     */
    public record DistinctPart(byte[] sketch, int windows, WindowCover cover) {
        public DistinctPart {
            requireNonNull(sketch, "sketch");
            requireNonNull(cover, "cover");
        }

        /** This part's own estimate (of one partition). */
        public double estimate() {
            return HllSketch.heapify(sketch).getEstimate();
        }
    }

    /** One step of a distinct-count series: {@code [start, end)} as asked, and its part. */
    public record DistinctBucket(long start, long end, DistinctPart part) {
        public DistinctBucket {
            requireNonNull(part, "part");
        }
    }

    /**
     * A top-K's part from one partition.
     *
     * @param sketch  the merge of the windows read: a frequent-items image of strings
     *                ({@code TopKWindow.sketchOf} reads it), of an empty sketch when no window was read
     * @param windows how many stored windows were read
     * @param cover   the planned windows and the range they cover
     */
    public record TopKPart(byte[] sketch, int windows, WindowCover cover) {
        public TopKPart {
            requireNonNull(sketch, "sketch");
            requireNonNull(cover, "cover");
        }
    }

    /** The partition's clock (its newest event time, as last written), or {@link Long#MIN_VALUE} if it has none. */
    public static long clock(SketchStores stores) {
        SeenRange clock = stores.seen(SketchKeys.CLOCK);
        return clock == null ? Long.MIN_VALUE : clock.last();
    }

    /**
     * The distinct count of {@code group} (null: all groups) over {@code [from, to)} on this partition.
     *
     * @throws IllegalArgumentException if {@code from >= to}
     */
    public static DistinctPart distinct(SketchStores stores, DistinctDefinition sketch, String group, long from, long to) {
        return distinct(stores, sketch, group, WindowCover.plan(sketch.windows(), from, to, clock(stores)));
    }

    /** As {@link #distinct(SketchStores, DistinctDefinition, String, long, long)}, over a cover planned by the caller. */
    public static DistinctPart distinct(SketchStores stores, DistinctDefinition sketch, String group, WindowCover cover) {
        Map<WindowCover.Window, SketchWindow> found = fetch(stores, SketchKeys.lane(sketch.name(), group),
                cover.windows());
        return distinctOf(cover, found);
    }

    /**
     * The distinct count of {@code group} (null: all groups) per step of {@code step} ms from {@code from}: one bucket
     * per {@code [from + i·step, min(to, from + (i+1)·step))}, each with its own cover. The stored windows are read
     * once, in as many range reads as there are runs of consecutive windows.
     *
     * @throws IllegalArgumentException if {@code from >= to}, {@code step <= 0} or there would be more than
     *                                  {@value #MAX_BUCKETS} buckets
     */
    public static List<DistinctBucket> distinctSeries(SketchStores stores, DistinctDefinition sketch, String group,
                                                      long from, long to, long step) {
        if (from >= to || step <= 0) {
            throw new IllegalArgumentException("a series needs from < to and a positive step; was " + from + ", " + to
                    + ", " + step);
        }
        long span = to - from;
        long buckets = span / step + (span % step == 0 ? 0 : 1);
        if (span < 0 || buckets > MAX_BUCKETS) {
            throw new IllegalArgumentException("a series has at most " + MAX_BUCKETS + " steps; " + (to - from) + " ms "
                    + "in steps of " + step + " ms is more");
        }
        long clock = clock(stores);
        List<WindowCover> covers = new ArrayList<>();
        List<WindowCover.Window> all = new ArrayList<>();
        for (long start = from; start < to; start += step) {
            WindowCover cover = WindowCover.plan(sketch.windows(), start, Math.min(to, start + step), clock);
            covers.add(cover);
            all.addAll(cover.windows());
        }
        Map<WindowCover.Window, SketchWindow> found = fetch(stores, SketchKeys.lane(sketch.name(), group), all);
        List<DistinctBucket> series = new ArrayList<>(covers.size());
        long start = from;
        for (WindowCover cover : covers) {
            series.add(new DistinctBucket(start, Math.min(to, start + step), distinctOf(cover, found)));
            start += step;
        }
        return series;
    }

    /**
     * Merges the distinct count of {@code group} (null: all groups) over {@code cover} into {@code union}, the caller's,
     * so that many partitions merge into one union without an image per partition (each image costs a pass over the
     * registers to write and another to merge it again). {@code stores} may read several partitions at once (each
     * range answering every partition's windows): every stored window read is merged as it is read, never held.
     *
     * <p>The coarsest windows are read and merged first: the first dense sketch a union takes is copied in one step,
     * while merging it after finer ones costs a pass over its registers against the union's.
     *
     * @return how many stored windows were read
     */
    public static int distinctInto(SketchStores stores, DistinctDefinition sketch, String group, WindowCover cover,
                                   Union union) {
        Bytes lane = SketchKeys.lane(sketch.name(), group);
        return forEachStored(stores, lane, cover, DistinctWindow.class, distinct -> distinct.mergeInto(union));
    }

    /**
     * As {@link #distinctInto(SketchStores, DistinctDefinition, String, WindowCover, Union)}, with each dense window
     * handed to the union as its HLL_8 copy from {@code cache} ({@link DenseWindowCache#copies}): the union takes the
     * same windows in the same order, so it ends with the same registers and the same estimate; a window changed since
     * it was cached (a late event, an expiry) reads other bytes and is merged as read, never answered stale.
     *
     * @param scope what tells this reader's windows from another's in {@code cache}: the partitions {@code stores}
     *              reads, for one instance's stores
     * @return how many stored windows were read
     */
    public static int distinctInto(SketchStores stores, DistinctDefinition sketch, String group, WindowCover cover,
                                   Union union, DenseWindowCache cache, Object scope) {
        return distinctInto(stores, sketch, group, cover, union, cache, scope, Long.MIN_VALUE);
    }

    /**
     * As {@link #distinctInto(SketchStores, DistinctDefinition, String, WindowCover, Union)}, in the order a read with a
     * cache merges ({@link #distinctInto(SketchStores, DistinctDefinition, String, WindowCover, Union, DenseWindowCache,
     * Object, long)}): the windows that ended by {@code closedBefore} first, coarsest first and in read order, then the
     * others in read order: the estimate and bounds a read with the cache answers, to the last bit, whatever the cache
     * holds.
     *
     * @param closedBefore windows that end at or before it are merged first; {@link Long#MIN_VALUE}: none (read order)
     * @return how many stored windows were read
     */
    public static int distinctInto(SketchStores stores, DistinctDefinition sketch, String group, WindowCover cover,
                                   Union union, long closedBefore) {
        Bytes lane = SketchKeys.lane(sketch.name(), group);
        List<DistinctWindow> open = new ArrayList<>();
        int read = 0;
        for (Map.Entry<Long, List<List<WindowCover.Window>>> bySize : runs(cover.windows()).descendingMap().entrySet()) {
            for (List<WindowCover.Window> run : bySize.getValue()) {
                for (KeyValue<Bytes, DistinctWindow> window : distinctWindows(stores, lane, run)) {
                    if (isClosed(window.key, bySize.getKey(), closedBefore)) {
                        window.value.mergeInto(union);
                    } else {
                        open.add(window.value);
                    }
                    read++;
                }
            }
        }
        open.forEach(window -> window.mergeInto(union));
        return read;
    }

    /**
     * As {@link #distinctInto(SketchStores, DistinctDefinition, String, WindowCover, Union, long)}, the closed windows
     * first, with each dense window handed to the union as its HLL_8 copy from {@code cache}, and a run's closed
     * windows (yesterday's hours in a 24-hour count: sparse sets whose coupons would be inserted one by one) merged as
     * one sketch, their union, kept in {@code cache} with the images it was made from, wherever that is exact:
     * <ul>
     *   <li>into a union still empty: DataSketches' union takes a first sketch in HLL mode whole, registers, HIP
     *       accumulator, register statistics and flags, so it is then in the state merging the windows one by one
     *       would have left (an empty union merging them is how the run's union was made);</li>
     *   <li>in an answer out of order whatever the merge order (it reads at least two dense windows: see
     *       {@link DenseWindowCache.Run}), whose estimate and bounds read the registers only.</li>
     * </ul>
     * Elsewhere the run's closed windows are merged one by one. In the 24-hour count of the first hours of a UTC day
     * the closed hours come first into an empty union and today's open day, still sparse, after them: its coupons go
     * into HLL registers, not into a growing coupon set. A closed window changed since (a late event) reads other
     * bytes: the run's union is made again from what was read, never answered stale.
     *
     * @param closedBefore windows that end at or before it are taken as closed and merged first (which windows are
     *                     closed decides the merge order, so the answer, with or without a cache; the cache checks
     *                     every window against what was read either way); {@link Long#MIN_VALUE}: none
     * @return how many stored windows were read
     */
    public static int distinctInto(SketchStores stores, DistinctDefinition sketch, String group, WindowCover cover,
                                   Union union, DenseWindowCache cache, Object scope, long closedBefore) {
        requireNonNull(cache, "cache");
        Bytes lane = SketchKeys.lane(sketch.name(), group);
        List<CachedRun> runs = new ArrayList<>();
        int dense = 0;
        int read = 0;
        for (Map.Entry<Long, List<List<WindowCover.Window>>> bySize : runs(cover.windows()).descendingMap().entrySet()) {
            long size = bySize.getKey();
            for (List<WindowCover.Window> run : bySize.getValue()) {
                CachedRun cached = CachedRun.of(distinctWindows(stores, lane, run), size, closedBefore, cache, scope,
                        lane);
                dense += cached.dense();
                read += cached.size();
                runs.add(cached);
            }
        }
        boolean outOfOrder = dense >= 2;
        for (CachedRun run : runs) {
            run.mergeClosed(union, outOfOrder || union.isEmpty());
        }
        for (CachedRun run : runs) {
            run.mergeOpen(union);
        }
        return read;
    }

    private static boolean isClosed(Bytes key, long size, long closedBefore) {
        return closedBefore != Long.MIN_VALUE && SketchKeys.decodeWindow(key).start() + size <= closedBefore;
    }

    /**
     * One run of windows as read, split into those closed by then (looked up together: {@link DenseWindowCache#run})
     * and the open ones (each dense one's copy: {@link DenseWindowCache#copies}), each part in read order.
     */
    private record CachedRun(DenseWindowCache.Run closedRun, List<DistinctWindow> open, HllSketch[] openCopies) {
        static CachedRun of(List<KeyValue<Bytes, DistinctWindow>> windows, long size, long closedBefore,
                            DenseWindowCache cache, Object scope, Bytes lane) {
            List<DistinctWindow> closedWindows = new ArrayList<>();
            List<DistinctWindow> open = new ArrayList<>();
            long closedFirst = Long.MAX_VALUE;
            long closedLast = Long.MIN_VALUE;
            long openFirst = Long.MAX_VALUE;
            long openLast = Long.MIN_VALUE;
            for (KeyValue<Bytes, DistinctWindow> window : windows) {
                long start = SketchKeys.decodeWindow(window.key).start();
                if (isClosed(window.key, size, closedBefore)) {
                    closedWindows.add(window.value);
                    closedFirst = Math.min(closedFirst, start);
                    closedLast = Math.max(closedLast, start);
                } else {
                    open.add(window.value);
                    openFirst = Math.min(openFirst, start);
                    openLast = Math.max(openLast, start);
                }
            }
            DenseWindowCache.Run closedRun = closedWindows.isEmpty() ? null
                    : cache.run(new DenseWindowCache.Key(scope, lane, size, closedFirst, closedLast), closedWindows);
            HllSketch[] openCopies = open.isEmpty() ? new HllSketch[0]
                    : cache.copies(new DenseWindowCache.Key(scope, lane, size, openFirst, openLast), open);
            return new CachedRun(closedRun, open, openCopies);
        }

        int size() {
            return (closedRun == null ? 0 : closedRun.size()) + open.size();
        }

        int dense() {
            int dense = closedRun == null ? 0 : closedRun.dense();
            for (HllSketch copy : openCopies) {
                dense += copy == null ? 0 : 1;
            }
            return dense;
        }

        /** The closed windows: as their union if {@code asOne} (where that is exact), else one by one in read order. */
        void mergeClosed(Union union, boolean asOne) {
            if (closedRun == null) {
                return;
            }
            if (asOne) {
                closedRun.mergeUnionInto(union);
            } else {
                for (int i = 0; i < closedRun.size(); i++) {
                    closedRun.mergeInto(i, union);
                }
            }
        }

        /** The open windows in read order, each dense one as its copy. */
        void mergeOpen(Union union) {
            for (int i = 0; i < openCopies.length; i++) {
                if (openCopies[i] != null) {
                    union.update(openCopies[i]);
                } else {
                    open.get(i).mergeInto(union);
                }
            }
        }
    }

    private static DenseWindowCache.Key runKey(Object scope, Bytes lane, List<WindowCover.Window> run) {
        return new DenseWindowCache.Key(scope, lane, run.get(0).size(), run.get(0).start(),
                run.get(run.size() - 1).start());
    }

    /** The stored distinct-count windows of {@code lane} in {@code run}, in read order, in one range read. */
    private static List<KeyValue<Bytes, DistinctWindow>> distinctWindows(SketchStores stores, Bytes lane,
                                                                        List<WindowCover.Window> run) {
        List<KeyValue<Bytes, DistinctWindow>> windows = new ArrayList<>();
        for (KeyValue<Bytes, SketchWindow> window : stores.allWindows(key(lane, run.get(0)),
                key(lane, run.get(run.size() - 1)))) {
            if (window.value instanceof DistinctWindow distinct) {
                windows.add(KeyValue.pair(window.key, distinct));
            }
        }
        return windows;
    }

    /**
     * Hands every stored window of {@code type} in {@code lane} that {@code cover} names to {@code merge}, the coarsest
     * windows first, one range read per run of adjacent windows; how many it handed.
     */
    private static <W extends SketchWindow> int forEachStored(SketchStores stores, Bytes lane, WindowCover cover,
                                                              Class<W> type, Consumer<W> merge) {
        int read = 0;
        for (List<List<WindowCover.Window>> runs : runs(cover.windows()).descendingMap().values()) {
            for (List<WindowCover.Window> run : runs) {
                for (KeyValue<Bytes, SketchWindow> stored : stores.allWindows(key(lane, run.get(0)),
                        key(lane, run.get(run.size() - 1)))) {
                    if (type.isInstance(stored.value)) {
                        merge.accept(type.cast(stored.value));
                        read++;
                    }
                }
            }
        }
        return read;
    }

    /**
     * The covers of a series' steps, as {@link #distinctSeries} plans them for a partition with this {@code clock}.
     *
     * @throws IllegalArgumentException as {@link #distinctSeries}
     */
    public static List<WindowCover> seriesCovers(DistinctDefinition sketch, long from, long to, long step, long clock) {
        if (from >= to || step <= 0) {
            throw new IllegalArgumentException("a series needs from < to and a positive step; was " + from + ", " + to
                    + ", " + step);
        }
        long span = to - from;
        long buckets = span / step + (span % step == 0 ? 0 : 1);
        if (span < 0 || buckets > MAX_BUCKETS) {
            throw new IllegalArgumentException("a series has at most " + MAX_BUCKETS + " steps; " + (to - from) + " ms "
                    + "in steps of " + step + " ms is more");
        }
        List<WindowCover> covers = new ArrayList<>((int) buckets);
        for (long start = from; start < to; start += step) {
            covers.add(WindowCover.plan(sketch.windows(), start, Math.min(to, start + step), clock));
        }
        return covers;
    }

    /**
     * As {@link #distinctSeries}, merging each step into the caller's {@code unions} (one per step, in order) instead
     * of answering an image per step: many partitions then merge into one union per step.
     *
     * @return how many stored windows were read
     * @throws IllegalArgumentException as {@link #distinctSeries}, or if there are not as many unions as steps
     */
    public static int distinctSeriesInto(SketchStores stores, DistinctDefinition sketch, String group, long from,
                                         long to, long step, List<Union> unions) {
        return distinctSeriesInto(stores, sketch, group, seriesCovers(sketch, from, to, step, clock(stores)), unions);
    }

    /**
     * As {@link #distinctSeriesInto(SketchStores, DistinctDefinition, String, long, long, long, List)}, over the
     * steps' covers ({@link #seriesCovers}) planned by the caller; {@code stores} may read several partitions at once,
     * as for {@link #distinctInto}.
     *
     * @return how many stored windows were read (a window shared by two steps' covers counts once per step)
     * @throws IllegalArgumentException if there are not as many unions as covers
     */
    public static int distinctSeriesInto(SketchStores stores, DistinctDefinition sketch, String group,
                                         List<WindowCover> covers, List<Union> unions) {
        Map<WindowCover.Window, List<Integer>> steps = steps(covers, unions);
        List<WindowCover.Window> all = new ArrayList<>(steps.keySet());
        Bytes lane = SketchKeys.lane(sketch.name(), group);
        int read = 0;
        for (List<List<WindowCover.Window>> runs : runs(all).descendingMap().values()) {
            for (List<WindowCover.Window> run : runs) {
                long size = run.get(0).size();
                for (KeyValue<Bytes, SketchWindow> window : stores.allWindows(key(lane, run.get(0)),
                        key(lane, run.get(run.size() - 1)))) {
                    if (window.value instanceof DistinctWindow distinct) {
                        WindowCover.Window at = new WindowCover.Window(size, SketchKeys.decodeWindow(window.key).start());
                        for (int b : steps.getOrDefault(at, List.of())) {
                            distinct.mergeInto(unions.get(b));
                            read++;
                        }
                    }
                }
            }
        }
        return read;
    }

    /**
     * As {@link #distinctSeriesInto(SketchStores, DistinctDefinition, String, List, List)}, with each dense window
     * handed to the unions as its HLL_8 copy from {@code cache}, as {@link #distinctInto(SketchStores,
     * DistinctDefinition, String, WindowCover, Union, DenseWindowCache, Object)} does: the same estimates, never stale.
     *
     * @return how many stored windows were read (a window shared by two steps' covers counts once per step)
     * @throws IllegalArgumentException if there are not as many unions as covers
     */
    public static int distinctSeriesInto(SketchStores stores, DistinctDefinition sketch, String group,
                                         List<WindowCover> covers, List<Union> unions, DenseWindowCache cache,
                                         Object scope) {
        requireNonNull(cache, "cache");
        Map<WindowCover.Window, List<Integer>> steps = steps(covers, unions);
        List<WindowCover.Window> all = new ArrayList<>(steps.keySet());
        Bytes lane = SketchKeys.lane(sketch.name(), group);
        int read = 0;
        for (Map.Entry<Long, List<List<WindowCover.Window>>> bySize : runs(all).descendingMap().entrySet()) {
            long size = bySize.getKey();
            for (List<WindowCover.Window> run : bySize.getValue()) {
                List<KeyValue<Bytes, DistinctWindow>> windows = distinctWindows(stores, lane, run);
                HllSketch[] copies = cache.copies(runKey(scope, lane, run), windows.stream().map(w -> w.value).toList());
                for (int i = 0; i < copies.length; i++) {
                    WindowCover.Window at = new WindowCover.Window(size,
                            SketchKeys.decodeWindow(windows.get(i).key).start());
                    for (int b : steps.getOrDefault(at, List.of())) {
                        if (copies[i] != null) {
                            unions.get(b).update(copies[i]);
                        } else {
                            windows.get(i).value.mergeInto(unions.get(b));
                        }
                        read++;
                    }
                }
            }
        }
        return read;
    }

    /**
     * Which steps each window of the covers belongs to (a window may serve several steps).
     *
     * @throws IllegalArgumentException if there are not as many unions as covers
     */
    private static Map<WindowCover.Window, List<Integer>> steps(List<WindowCover> covers, List<Union> unions) {
        if (covers.size() != unions.size()) {
            throw new IllegalArgumentException(covers.size() + " steps, but " + unions.size() + " unions");
        }
        Map<WindowCover.Window, List<Integer>> steps = new HashMap<>();
        for (int b = 0; b < covers.size(); b++) {
            for (WindowCover.Window window : covers.get(b).windows()) {
                steps.computeIfAbsent(window, w -> new ArrayList<>(1)).add(b);
            }
        }
        return steps;
    }

    private static DistinctPart distinctOf(WindowCover cover, Map<WindowCover.Window, SketchWindow> found) {
        Union union = new Union(DistinctWindow.LG_K);
        int read = 0;
        for (WindowCover.Window window : cover.windows()) {
            if (found.get(window) instanceof DistinctWindow distinct) {
                distinct.mergeInto(union);
                read++;
            }
        }
        return new DistinctPart(union.toCompactByteArray(), read, cover);
    }

    /**
     * The top-K counts over {@code [from, to)} on this partition.
     *
     * @throws IllegalArgumentException if {@code from >= to}
     */
    public static TopKPart topK(SketchStores stores, TopKDefinition sketch, long from, long to) {
        return topK(stores, sketch, WindowCover.plan(sketch.windows(), from, to, clock(stores)));
    }

    /**
     * As {@link #topK(SketchStores, TopKDefinition, long, long)}, over a cover planned by the caller. {@code stores} may
     * read several partitions at once, as for {@link #distinctInto}: every stored window read is merged as it is read.
     */
    public static TopKPart topK(SketchStores stores, TopKDefinition sketch, WindowCover cover) {
        Bytes lane = SketchKeys.lane(sketch.name(), null);
        ItemsSketch<String> merged = new ItemsSketch<>(sketch.maxMapSize());
        int read = forEachStored(stores, lane, cover, TopKWindow.class, topK -> topK.mergeInto(merged));
        return new TopKPart(merged.toByteArray(TopKWindow.ITEMS), read, cover);
    }

    /**
     * Whether {@code item} may have been seen on this partition by {@code filter}: false means never. Reads one or two
     * blocks per layer by key.
     */
    public static boolean mightContain(SketchStores stores, FilterDefinition filter, String item) {
        byte[] bytes = item.getBytes(StandardCharsets.UTF_8);
        for (int layer = 0; ; layer++) {
            BloomBlock first = stores.block(SketchKeys.block(filter.name(), layer, 0));
            if (first == null) {
                return false;
            }
            int block = ScalableBloom.blockOf(bytes, first.blocks());
            BloomBlock holder = block == 0 ? first : stores.block(SketchKeys.block(filter.name(), layer, block));
            if (holder != null && holder.mightContain(bytes)) {
                return true;
            }
        }
    }

    /**
     * {@link #mightContain} for many items at once, in their order: the filter's blocks are read once, in one range
     * read.
     */
    public static List<Boolean> mightContainAll(SketchStores stores, FilterDefinition filter, List<String> items) {
        Map<SketchKeys.BlockKey, BloomBlock> stored = new HashMap<>();
        try (KeyValueIterator<Bytes, BloomBlock> blocks = stores.blocks(SketchKeys.namePrefix(filter.name()),
                SketchKeys.nameRangeEnd(filter.name()))) {
            while (blocks.hasNext()) {
                KeyValue<Bytes, BloomBlock> block = blocks.next();
                stored.put(SketchKeys.decodeBlock(block.key), block.value);
            }
        }
        ScalableBloom bloom = ScalableBloom.of(filter, stored);
        List<Boolean> answers = new ArrayList<>(items.size());
        for (String item : items) {
            answers.add(bloom.mightContain(item.getBytes(StandardCharsets.UTF_8)));
        }
        return answers;
    }

    /**
     * The groups of {@code sketch} with at least one event in {@code [from, to)} on this partition (at the resolution of
     * the cover: the range rounded out at its edges), in string order. Reads the sketch's lanes from
     * {@code sketches-seen}, then, for each lane seen in the range, one range read per run of planned windows until
     * one is found.
     */
    public static List<String> groups(SketchStores stores, DistinctDefinition sketch, long from, long to) {
        WindowCover cover = WindowCover.plan(sketch.windows(), from, to, clock(stores));
        TreeSet<String> groups = new TreeSet<>();
        if (cover.isEmpty()) {
            return List.of();
        }
        List<Bytes> lanes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (KeyValueIterator<Bytes, SeenRange> seen = stores.seen(SketchKeys.namePrefix(sketch.name()),
                SketchKeys.nameRangeEnd(sketch.name()))) {
            while (seen.hasNext()) {
                KeyValue<Bytes, SeenRange> lane = seen.next();
                String group = SketchKeys.decodeLane(lane.key).group();
                if (group != null && lane.value.overlaps(cover.from(), cover.to())) {
                    lanes.add(lane.key);
                    names.add(group);
                }
            }
        }
        for (int i = 0; i < lanes.size(); i++) {
            if (anyWindow(stores, lanes.get(i), cover.windows())) {
                groups.add(names.get(i));
            }
        }
        return List.copyOf(groups);
    }

    private static boolean anyWindow(SketchStores stores, Bytes lane, List<WindowCover.Window> windows) {
        for (List<WindowCover.Window> run : runs(windows).values().stream().flatMap(List::stream).toList()) {
            try (KeyValueIterator<Bytes, SketchWindow> found = stores.windows(key(lane, run.get(0)),
                    key(lane, run.get(run.size() - 1)))) {
                if (found.hasNext()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The stored windows among {@code windows} of {@code lane}, read in one range read per run. */
    private static Map<WindowCover.Window, SketchWindow> fetch(SketchStores stores, Bytes lane,
                                                              List<WindowCover.Window> windows) {
        Map<WindowCover.Window, SketchWindow> found = new HashMap<>();
        for (List<List<WindowCover.Window>> runs : runs(windows).values()) {
            for (List<WindowCover.Window> run : runs) {
                long size = run.get(0).size();
                for (KeyValue<Bytes, SketchWindow> window : stores.allWindows(key(lane, run.get(0)),
                        key(lane, run.get(run.size() - 1)))) {
                    found.put(new WindowCover.Window(size, SketchKeys.decodeWindow(window.key).start()), window.value);
                }
            }
        }
        return found;
    }

    /** Windows by size, then split into runs of consecutive starts (each run one range read). */
    private static TreeMap<Long, List<List<WindowCover.Window>>> runs(List<WindowCover.Window> windows) {
        TreeMap<Long, TreeSet<Long>> starts = new TreeMap<>();
        for (WindowCover.Window window : windows) {
            starts.computeIfAbsent(window.size(), size -> new TreeSet<>()).add(window.start());
        }
        TreeMap<Long, List<List<WindowCover.Window>>> runs = new TreeMap<>();
        starts.forEach((size, all) -> {
            List<List<WindowCover.Window>> bySize = new ArrayList<>();
            List<WindowCover.Window> run = new ArrayList<>();
            for (long start : all) {
                if (!run.isEmpty() && run.get(run.size() - 1).end() != start) {
                    bySize.add(run);
                    run = new ArrayList<>();
                }
                run.add(new WindowCover.Window(size, start));
            }
            if (!run.isEmpty()) {
                bySize.add(run);
            }
            runs.put(size, bySize);
        });
        return runs;
    }

    private static Bytes key(Bytes lane, WindowCover.Window window) {
        return SketchKeys.window(lane, window.size(), window.start());
    }
}
