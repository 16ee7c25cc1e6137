package io.spectracache.timeseries.codec;

import java.util.Arrays;

/**
 * Editing chunks: the series layer keeps every chunk in time order, whatever order points arrive in.
 */
public final class Chunks {
    private Chunks() {
    }

    /**
     * The chunk with one more point, kept in time order. A point at a time the chunk already holds replaces that
     * point's value: the last write of a timestamp wins, as in other time-series databases (de-duplication has
     * already dropped resends of the same event).
     */
    public static Chunk with(Chunk chunk, long timestamp, double value) {
        int n = chunk.size();
        if (n == 0 || timestamp > chunk.timestamp(n - 1)) {
            long[] timestamps = Arrays.copyOf(chunk.timestamps(), n + 1);
            double[] values = Arrays.copyOf(chunk.values(), n + 1);
            timestamps[n] = timestamp;
            values[n] = value;
            return Chunk.adopt(timestamps, values);
        }
        long[] timestamps = chunk.timestamps();
        double[] values = chunk.values();
        int at = Arrays.binarySearch(timestamps, timestamp);
        if (at >= 0) {
            values[at] = value;
            return Chunk.adopt(timestamps, values);
        }
        int insert = -at - 1;
        long[] longer = new long[n + 1];
        double[] more = new double[n + 1];
        System.arraycopy(timestamps, 0, longer, 0, insert);
        System.arraycopy(values, 0, more, 0, insert);
        longer[insert] = timestamp;
        more[insert] = value;
        System.arraycopy(timestamps, insert, longer, insert + 1, n - insert);
        System.arraycopy(values, insert, more, insert + 1, n - insert);
        return Chunk.adopt(longer, more);
    }

    /** The points of {@code chunk} with {@code from <= timestamp < to}, in time order. */
    public static Chunk between(Chunk chunk, long from, long to) {
        long[] timestamps = chunk.timestampArray();
        int start = lowerBound(timestamps, timestamps.length, from);
        int end = lowerBound(timestamps, timestamps.length, to);
        if (end <= start) {
            return Chunk.adopt(new long[0], new double[0]);
        }
        if (start == 0 && end == timestamps.length) {
            return chunk; // chunks never change: the whole one serves as is
        }
        return Chunk.adopt(Arrays.copyOfRange(timestamps, start, end), Arrays.copyOfRange(chunk.valueArray(), start, end));
    }

    /** The points of {@code parts} one after the other (the caller keeps them in time order). */
    public static Chunk concat(java.util.List<Chunk> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        int n = 0;
        for (Chunk part : parts) {
            n += part.size();
        }
        long[] timestamps = new long[n];
        double[] values = new double[n];
        int at = 0;
        for (Chunk part : parts) {
            System.arraycopy(part.timestampArray(), 0, timestamps, at, part.size());
            System.arraycopy(part.valueArray(), 0, values, at, part.size());
            at += part.size();
        }
        return Chunk.adopt(timestamps, values);
    }

    /**
     * The first index of {@code sorted[0, n)} whose value is at least {@code key} ({@code n} if none): a binary search,
     * after checking the two ends (a read from a chunk's start on, or up to now, needs no search).
     */
    public static int lowerBound(long[] sorted, int n, long key) {
        return lowerBound(sorted, 0, n, key);
    }

    /** As {@link #lowerBound(long[], int, long)}, in {@code sorted[from, to)}: an index from {@code from} to {@code to}. */
    public static int lowerBound(long[] sorted, int from, int to, long key) {
        if (to > from && sorted[from] >= key) {
            return from;
        }
        if (to > from && sorted[to - 1] < key) {
            return to;
        }
        int low = from;
        int high = to;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] < key) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
