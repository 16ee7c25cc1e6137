package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * Which stored windows answer a question about {@code [from, to)}: the fewest windows, coarsest first, that together
 * cover the range exactly at the finest resolution still kept, so a 24-hour count reads at most 23 hours and the
 * minutes at its two edges (never 1,440 minutes), and a 30-day count whole days with hours and minutes at the edges.
 *
 * <p>The plan, for windows {@code s1 < s2 < … < sn} (each dividing the next, retentions not decreasing) and the
 * partition's {@code clock}:
 * <ol>
 *   <li>Nothing is stored after the clock's finest window or before the oldest coarsest window still kept: the range
 *       is cut to those. A range that reaches past the clock's finest window may end inside any window (the part of
 *       it after the clock holds nothing), so the current hour or day is read as one window, not as its minutes.
 *   <li>Each edge is rounded outwards to the finest window size still kept there: a range from 10:17:30 is read from
 *       10:17 when minutes are kept, from 10:00 when only hours are.
 *   <li>From the start, each step takes the largest window that starts there, still ends within the rounded range and
 *       is still kept; if none ends within it (the range ends inside a coarse window whose finer windows expired), the
 *       finest kept window there, which overshoots the end.
 * </ol>
 * The result states the range it {@linkplain #from() covers}: the question asked, rounded at the edges (and ending at
 * {@code to} itself when the range reaches past the clock).
 *
 * <pre>{@code
 * WindowCover cover = WindowCover.plan(definition.windows(), from, to, SketchReads.clock(stores));
 * for (WindowCover.Window window : cover.windows()) { ... }
 * }</pre>
 *
 * @param windows the windows to read, in time order, never overlapping
 * @param from    the start of the range they cover (inclusive)
 * @param to      its end (exclusive); equal to {@code from} when nothing is stored in the range
 */
public record WindowCover(List<Window> windows, long from, long to) {
    /** One window: its size and start, epoch ms. */
    public record Window(long size, long start) {
        public Window {
            if (size <= 0) {
                throw new IllegalArgumentException("a window size is positive, was " + size);
            }
        }

        /** The window's end, exclusive. */
        public long end() {
            return start + size;
        }
    }

    public WindowCover {
        windows = List.copyOf(requireNonNull(windows, "windows"));
        if (to < from) {
            throw new IllegalArgumentException("a cover ends at or after its start: " + from + ", " + to);
        }
    }

    /** Whether no window is read (nothing is stored in the range). */
    public boolean isEmpty() {
        return windows.isEmpty();
    }

    /**
     * Plans the cover of {@code [from, to)}.
     *
     * @param windows the sketch's windows, finest first (as {@link WindowSpec#checked} accepts them)
     * @param clock   the newest event time of the partition, or {@link Long#MIN_VALUE} when it has seen none (the
     *                cover is then empty)
     * @throws IllegalArgumentException if {@code from >= to}
     */
    public static WindowCover plan(List<WindowSpec> windows, long from, long to, long clock) {
        List<WindowSpec> specs = WindowSpec.checked(windows);
        if (from >= to) {
            throw new IllegalArgumentException("a range starts before it ends: from " + from + ", to " + to);
        }
        if (clock == Long.MIN_VALUE) {
            return new WindowCover(List.of(), from, from);
        }
        WindowSpec finest = specs.get(0);
        WindowSpec coarsest = specs.get(specs.size() - 1);
        long newestEnd = saturatedAdd(finest.startOf(clock), finest.sizeMs());
        long oldestStart = ceil(saturatedAdd(coarsest.expiredUpTo(clock), 1), coarsest.sizeMs());
        // Past the clock's finest window nothing is stored: a range reaching there may end inside any open window.
        boolean openEnd = to >= newestEnd;
        long a = Math.max(from, oldestStart);
        long b = Math.min(to, newestEnd);
        if (a >= b) {
            return new WindowCover(List.of(), from, from);
        }
        long start = finestKept(specs, a, clock).startOf(a);
        long end = ceil(b, finestKept(specs, b - 1, clock).sizeMs());
        List<Window> cover = new ArrayList<>();
        long p = start;
        while (p < end) {
            WindowSpec chosen = null;
            for (int i = specs.size() - 1; i >= 0 && chosen == null; i--) {
                WindowSpec spec = specs.get(i);
                if (Math.floorMod(p, spec.sizeMs()) == 0 && (openEnd || p + spec.sizeMs() <= end)
                        && spec.isKept(p, clock)) {
                    chosen = spec;
                }
            }
            for (int i = 0; i < specs.size() && chosen == null; i++) {
                WindowSpec spec = specs.get(i);
                if (Math.floorMod(p, spec.sizeMs()) == 0 && spec.isKept(p, clock)) {
                    chosen = spec;
                }
            }
            if (chosen == null) {
                // Unreachable: p is always aligned to a window size kept at p (see the class documentation).
                throw new IllegalStateException("no kept window starts at " + p + " for " + specs);
            }
            cover.add(new Window(chosen.sizeMs(), p));
            p += chosen.sizeMs();
        }
        return new WindowCover(cover, start, openEnd ? to : p);
    }

    /** The finest window size whose window holding {@code t} is still kept (the coarsest if none is). */
    private static WindowSpec finestKept(List<WindowSpec> specs, long t, long clock) {
        for (WindowSpec spec : specs) {
            if (spec.isKept(spec.startOf(t), clock)) {
                return spec;
            }
        }
        return specs.get(specs.size() - 1);
    }

    private static long ceil(long t, long size) {
        long floor = Math.floorDiv(t, size) * size;
        return floor == t ? t : saturatedAdd(floor, size);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a > 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : sum;
    }
}
