package io.spectracache.timeseries;

import io.spectracache.timeseries.codec.Chunk;
import java.util.Arrays;
import java.util.Optional;

/**
 * What one series has not sealed yet: its open raw chunk (points in time order, at most one per timestamp) and the
 * open bucket of each rollup tier, plus what the processor needs to route a late point: the newest point accepted
 * and the newest point or bucket already sealed. Kept as an object in {@code timeseries-open} (a write-behind store:
 * serialised once per commit), so appending a point is array and sketch work only.
 *
 * <p>Thread-safe: the stream thread changes it while an interactive query may read the same object (a write-behind
 * store answers a key query from the object pending write-out); every reader gets copies.
 */
public final class OpenSeries {
    private final String[] tierNames;
    private long[] timestamps;
    private double[] values;
    private int size;
    private long latest = Long.MIN_VALUE;
    private long newestSealedPoint = Long.MIN_VALUE;
    private final long[] bucketStarts;
    private final Rollup[] buckets;
    private final long[] newestSealedBuckets;

    /** An open bucket of one tier, as a copy. */
    public record Bucket(long start, Rollup rollup) {
    }

    OpenSeries(String[] tierNames) {
        this.tierNames = tierNames.clone();
        this.timestamps = new long[8];
        this.values = new double[8];
        this.bucketStarts = new long[tierNames.length];
        this.buckets = new Rollup[tierNames.length];
        this.newestSealedBuckets = new long[tierNames.length];
        Arrays.fill(newestSealedBuckets, Long.MIN_VALUE);
    }

    /** The open chunk, in time order: the newest raw points of the series, not yet in {@code timeseries-raw}. */
    public synchronized Chunk chunk() {
        return Chunk.of(Arrays.copyOf(timestamps, size), Arrays.copyOf(values, size));
    }

    /** The open bucket of tier {@code tierName}, if one is open. */
    public synchronized Optional<Bucket> openBucket(String tierName) {
        for (int i = 0; i < tierNames.length; i++) {
            if (tierNames[i].equals(tierName) && buckets[i] != null) {
                Rollup copy = Rollup.empty();
                copy.merge(buckets[i]);
                return Optional.of(new Bucket(bucketStarts[i], copy));
            }
        }
        return Optional.empty();
    }

    /** The newest point time accepted into this series (raw or any tier); {@code Long.MIN_VALUE} before any. */
    public synchronized long latest() {
        return latest;
    }

    // ---- the processor's side (stream thread) ----

    synchronized int size() {
        return size;
    }

    synchronized long first() {
        return timestamps[0];
    }

    synchronized long last() {
        return timestamps[size - 1];
    }

    synchronized void seen(long timestamp) {
        latest = Math.max(latest, timestamp);
    }

    synchronized long newestSealedPoint() {
        return newestSealedPoint;
    }

    synchronized void sealedPoint(long timestamp) {
        newestSealedPoint = Math.max(newestSealedPoint, timestamp);
    }

    /** Inserts a point in time order; a point at a time already held replaces its value. */
    synchronized void insert(long timestamp, double value) {
        if (size == 0 || timestamp > timestamps[size - 1]) {
            ensureRoom();
            timestamps[size] = timestamp;
            values[size] = value;
            size++;
            return;
        }
        int at = Arrays.binarySearch(timestamps, 0, size, timestamp);
        if (at >= 0) {
            values[at] = value;
            return;
        }
        int insert = -at - 1;
        ensureRoom();
        System.arraycopy(timestamps, insert, timestamps, insert + 1, size - insert);
        System.arraycopy(values, insert, values, insert + 1, size - insert);
        timestamps[insert] = timestamp;
        values[insert] = value;
        size++;
    }

    /** Takes the open chunk out (the series then has none), recording its newest point as sealed. */
    synchronized Chunk takeChunk() {
        Chunk chunk = Chunk.of(Arrays.copyOf(timestamps, size), Arrays.copyOf(values, size));
        if (size > 0) {
            newestSealedPoint = Math.max(newestSealedPoint, timestamps[size - 1]);
        }
        size = 0;
        return chunk;
    }

    private void ensureRoom() {
        if (size == timestamps.length) {
            timestamps = Arrays.copyOf(timestamps, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
    }

    int tierCount() {
        return tierNames.length;
    }

    String tierName(int tier) {
        return tierNames[tier];
    }

    synchronized Rollup bucket(int tier) {
        return buckets[tier];
    }

    synchronized long bucketStart(int tier) {
        return bucketStarts[tier];
    }

    synchronized void openBucket(int tier, long start, Rollup rollup) {
        bucketStarts[tier] = start;
        buckets[tier] = rollup;
    }

    /** Adds a point to the open bucket of {@code tier}, which must be open. */
    synchronized void addToBucket(int tier, long timestamp, double value) {
        buckets[tier].add(timestamp, value);
    }

    /** Takes the open bucket of {@code tier} out, recording its start as sealed; null if none is open. */
    synchronized Rollup takeBucket(int tier) {
        Rollup bucket = buckets[tier];
        if (bucket != null) {
            newestSealedBuckets[tier] = Math.max(newestSealedBuckets[tier], bucketStarts[tier]);
            buckets[tier] = null;
        }
        return bucket;
    }

    synchronized long newestSealedBucket(int tier) {
        return newestSealedBuckets[tier];
    }

    synchronized void sealedBucket(int tier, long start) {
        newestSealedBuckets[tier] = Math.max(newestSealedBuckets[tier], start);
    }

    /** Whether anything is open: a chunk with points or a bucket of any tier. */
    synchronized boolean hasOpenParts() {
        if (size > 0) {
            return true;
        }
        for (Rollup bucket : buckets) {
            if (bucket != null) {
                return true;
            }
        }
        return false;
    }

    synchronized void restore(long latestPoint, long newestSealed, Chunk chunk) {
        this.latest = latestPoint;
        this.newestSealedPoint = newestSealed;
        this.timestamps = Arrays.copyOf(chunk.timestamps(), Math.max(8, chunk.size()));
        this.values = Arrays.copyOf(chunk.values(), Math.max(8, chunk.size()));
        this.size = chunk.size();
    }

    synchronized void restoreTier(int tier, long newestSealed, long openStart, Rollup open) {
        newestSealedBuckets[tier] = newestSealed;
        bucketStarts[tier] = openStart;
        buckets[tier] = open;
    }

    /** Equal when the open chunk, the clocks and every tier's state are equal. */
    @Override
    public synchronized boolean equals(Object other) {
        if (!(other instanceof OpenSeries that)) {
            return false;
        }
        synchronized (that) {
            return Arrays.equals(tierNames, that.tierNames) && latest == that.latest
                    && newestSealedPoint == that.newestSealedPoint && chunk().equals(that.chunk())
                    && Arrays.equals(newestSealedBuckets, that.newestSealedBuckets)
                    && Arrays.equals(openStarts(), that.openStarts()) && Arrays.equals(buckets, that.buckets);
        }
    }

    private long[] openStarts() {
        long[] starts = new long[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            starts[i] = buckets[i] == null ? 0 : bucketStarts[i];
        }
        return starts;
    }

    @Override
    public synchronized int hashCode() {
        return Long.hashCode(latest) * 31 + size;
    }

    @Override
    public synchronized String toString() {
        return "OpenSeries[latest=" + latest + ", newestSealedPoint=" + newestSealedPoint + ", chunk=" + chunk()
                + ", buckets=" + Arrays.toString(buckets) + "]";
    }
}
