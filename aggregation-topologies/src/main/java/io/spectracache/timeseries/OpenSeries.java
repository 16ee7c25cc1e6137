package io.spectracache.timeseries;

import io.spectracache.timeseries.codec.Chunk;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * What one series has not sealed yet: its open raw chunk (points in time order, at most one per timestamp) and the
 * open bucket of each rollup tier, plus what the processor needs to route a late point: the newest point accepted
 * and the newest point or bucket already sealed. Kept as an object (in its device's {@link DeviceTails}, which the
 * write-behind store {@code timeseries-open-tails} holds), so appending a point is array work only.
 *
 * <p><b>Stored in two parts</b>, so that a commit writes what changed and not the whole open state (whose sketches
 * hold hundreds of items): a <em>base</em>, the whole state as of some moment, numbered by a generation and written
 * to {@code timeseries-open} when the series is created and then now and then; and a <em>tail</em>, the changes
 * since that base as an {@linkplain OpenLog operation log}, written with its device's other tails to
 * {@code timeseries-open-tails} once per commit. A series read back from the tail alone is
 * {@linkplain #isComplete() incomplete}: {@link #completeOn(OpenSeries)} replays its log on its base.
 * {@link SeriesReads} does that for readers; the processor for itself.
 *
 * <p>Thread-safe: the stream thread changes it while an interactive query may read the same object (a write-behind
 * store answers a key query from the object pending write-out); every reader gets copies. The processor's methods
 * (package-private, below) must be called holding this object's monitor: one acquisition per reading instead of one
 * per call.
 *
 * <p>Readings added to open buckets are kept in a small buffer first and folded into the sketches in a batch (before
 * a bucket is sealed, the series rebased or read), which touches each sketch once per batch instead of once per
 * reading.
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
    // Volatile, not read under the monitor: the stream thread checks them per reading, readers poll them.
    private volatile long generation;
    private OpenLog log = new OpenLog();
    private volatile boolean complete = true;
    private boolean openParts;
    /** Readings since the base; {@link #FROM_LOG} for a series read back from its tail, until asked. */
    private int readingsSinceBase;
    // Readings added to open buckets but not yet folded into them, three longs each (one array: one object fewer per
    // reading to touch): time, value bits, and the tiers (bit i = tier i).
    private long[] addBuffer = new long[3 * ADD_BUFFER_READINGS];
    private int adds;
    private static final int ADD_BUFFER_READINGS = 16;
    /** {@link #readingsSinceBase}: not counted yet, at least 1, what the log holds (a series read back from its tail). */
    private static final int FROM_LOG = -1;
    // What its device's stored tail segments hold of this series (DeviceTailsSerde): the generation, the operations and
    // bytes of its log, and the change count as of the last record written. A negative stored generation: not known
    // (never written, or read in a form a segment cannot continue), so the next record writes the series from its base.
    private long storedGeneration = -1;
    private int storedOperations;
    private int storedLength;
    private int storedChanges;
    /** Counts every change (each reading processed, each rebase): a series unchanged since its last record is left out. */
    private int changes;

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

    /**
     * The open chunk, in time order: the newest raw points of the series, not yet in {@code timeseries-raw}. A copy.
     *
     * @throws IllegalStateException if the series is {@linkplain #isComplete() incomplete}
     */
    public synchronized Chunk chunk() {
        requireComplete();
        return Chunk.of(Arrays.copyOf(timestamps, size), Arrays.copyOf(values, size));
    }

    /**
     * The open bucket of tier {@code tierName}, if one is open.
     *
     * @throws IllegalStateException if the series is {@linkplain #isComplete() incomplete}
     */
    public synchronized Optional<Bucket> openBucket(String tierName) {
        requireComplete();
        foldAdds();
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

    /**
     * Whether the open chunk and buckets are here: true for a series built by the processor or on its base, false for
     * one read back from its tail alone (then only {@link #latest()} answers; see {@link #completeOn}).
     */
    public boolean isComplete() {
        return complete;
    }

    /** The base this series' log continues: 0 for none (the log starts from an empty series). */
    public long generation() {
        return generation;
    }

    /**
     * Puts this series, read back from its tail, on {@code base} (read back from {@code timeseries-open}): takes
     * the base's state and replays the log on it. Does nothing to a complete series.
     *
     * @param base the base of the same series as read back from its store, or null when it has none; it is used up
     *             (its buckets move here)
     * @return false (and this series unchanged) when {@code base} is not the generation this tail continues (the
     *         base was rewritten since the tail was read: read both again)
     */
    public synchronized boolean completeOn(OpenSeries base) {
        if (complete) {
            return true;
        }
        long baseGeneration = base == null ? 0 : base.generation();
        if (baseGeneration != generation) {
            return false;
        }
        long tailLatest = latest;
        long tailNewestSealedPoint = newestSealedPoint;
        long[] tailNewestSealedBuckets = newestSealedBuckets.clone();
        if (base != null) {
            synchronized (base) {
                base.requireComplete();
                timestamps = Arrays.copyOf(base.timestamps, Math.max(8, base.size));
                values = Arrays.copyOf(base.values, Math.max(8, base.size));
                size = base.size;
                for (int i = 0; i < buckets.length; i++) {
                    bucketStarts[i] = base.bucketStarts[i];
                    newestSealedBuckets[i] = base.newestSealedBuckets[i];
                    // Taken, not copied: a KLL sketch has no exact copy short of its bytes, and a base read back
                    // from its store is a fresh object per read.
                    buckets[i] = base.buckets[i];
                    base.buckets[i] = null;
                }
                base.complete = false;
            }
        } else {
            size = 0;
            Arrays.fill(buckets, null);
        }
        log.replay(new Apply());
        latest = tailLatest;
        newestSealedPoint = Math.max(newestSealedPoint, tailNewestSealedPoint);
        for (int i = 0; i < buckets.length; i++) {
            newestSealedBuckets[i] = Math.max(newestSealedBuckets[i], tailNewestSealedBuckets[i]);
        }
        complete = true;
        return true;
    }

    /**
     * The open chunk this series, read back from its tail, has on {@code base}: what {@link #completeOn} then
     * {@link #chunk()} would give, without the buckets. Neither series changes and no rollup is touched, so a raw read
     * decodes no sketch and replays no bucket. A complete series answers its own chunk.
     *
     * @param base the base of the same series as read back from its store, or null when it has none
     * @return null when {@code base} is not the generation this tail continues (read both again)
     */
    public synchronized Chunk chunkOn(OpenSeries base) {
        if (complete) {
            return chunk();
        }
        if ((base == null ? 0 : base.generation()) != generation) {
            return null;
        }
        OpenSeries raw = new OpenSeries(new String[0]);
        if (base != null) {
            synchronized (base) {
                base.requireComplete();
                raw.timestamps = Arrays.copyOf(base.timestamps, Math.max(8, base.size));
                raw.values = Arrays.copyOf(base.values, Math.max(8, base.size));
                raw.size = base.size;
            }
        }
        log.replay(new OpenLog.Replay() {
            @Override
            public void reading(long mask, long time, double value) {
                if ((mask & OpenLog.RAW) != 0) {
                    raw.applyInsert(time, value);
                }
            }

            @Override
            public void takeChunk() {
                raw.applyTakeChunk();
            }

            @Override
            public void openBucket(int tier, long start) {
            }

            @Override
            public void takeBucket(int tier) {
            }
        });
        return raw.chunk();
    }

    // ---- the processor's side (stream thread, holding this object's monitor) ----

    /** {@link #latest()}, for the caller holding the monitor. */
    long newestPoint() {
        return latest;
    }

    int size() {
        return size;
    }

    long first() {
        return timestamps[0];
    }

    long last() {
        return timestamps[size - 1];
    }

    /** Records that a reading at {@code timestamp} was processed (once per reading, whatever it changed). */
    void seen(long timestamp) {
        latest = Math.max(latest, timestamp);
        readingsSinceBase = readingsSinceBase() + 1;
        changes++;
    }

    long newestSealedPoint() {
        return newestSealedPoint;
    }

    void sealedPoint(long timestamp) {
        newestSealedPoint = Math.max(newestSealedPoint, timestamp);
    }

    /** Inserts a point in time order; a point at a time already held replaces its value. */
    void insert(long timestamp, double value) {
        log.reading(OpenLog.RAW, timestamp, value);
        applyInsert(timestamp, value);
    }

    private void applyInsert(long timestamp, double value) {
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
    Chunk takeChunk() {
        log.takeChunk();
        Chunk chunk = Chunk.of(Arrays.copyOf(timestamps, size), Arrays.copyOf(values, size));
        applyTakeChunk();
        return chunk;
    }

    private void applyTakeChunk() {
        if (size > 0) {
            newestSealedPoint = Math.max(newestSealedPoint, timestamps[size - 1]);
        }
        size = 0;
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

    /** The tiers this series is built with, finest first: a copy. */
    String[] tierNames() {
        return tierNames.clone();
    }

    /** Whether this series is built with exactly {@code names}. */
    boolean hasTiers(String[] names) {
        return Arrays.equals(tierNames, names);
    }

    String tierName(int tier) {
        return tierNames[tier];
    }

    /** The open bucket of {@code tier} (readings folded in), or null. */
    Rollup bucket(int tier) {
        foldAdds();
        return buckets[tier];
    }

    /** Whether {@code tier} has an open bucket. */
    boolean hasBucket(int tier) {
        return buckets[tier] != null;
    }

    long bucketStart(int tier) {
        return bucketStarts[tier];
    }

    /** Opens an empty bucket in {@code tier} starting at {@code start}; the tier must have none open. */
    void openBucket(int tier, long start) {
        foldAdds();
        log.openBucket(tier, start);
        bucketStarts[tier] = start;
        buckets[tier] = Rollup.empty();
    }

    /** Adds a point to the open bucket of {@code tier}, which must be open. */
    void addToBucket(int tier, long timestamp, double value) {
        log.reading(1L << (tier + 1), timestamp, value);
        long bit = 1L << tier;
        long bits = Double.doubleToRawLongBits(value);
        int last = 3 * (adds - 1);
        if (last >= 0 && addBuffer[last] == timestamp && (addBuffer[last + 2] & bit) == 0
                && addBuffer[last + 1] == bits) {
            addBuffer[last + 2] |= bit;
            return;
        }
        if (adds == ADD_BUFFER_READINGS) {
            foldAdds();
        }
        int at = 3 * adds;
        addBuffer[at] = timestamp;
        addBuffer[at + 1] = bits;
        addBuffer[at + 2] = bit;
        adds++;
    }

    /** Folds the buffered readings into the open buckets, each tier in arrival order. */
    private void foldAdds() {
        for (int i = 0; i < 3 * adds; i += 3) {
            long tiersOf = addBuffer[i + 2];
            double value = Double.longBitsToDouble(addBuffer[i + 1]);
            for (int tier = 0; tiersOf != 0; tier++, tiersOf >>>= 1) {
                if ((tiersOf & 1) != 0) {
                    buckets[tier].add(addBuffer[i], value);
                }
            }
        }
        adds = 0;
    }

    /** Takes the open bucket of {@code tier} out, recording its start as sealed; null if none is open. */
    Rollup takeBucket(int tier) {
        foldAdds();
        Rollup bucket = buckets[tier];
        if (bucket != null) {
            log.takeBucket(tier);
            applyTakeBucket(tier);
        }
        return bucket;
    }

    private void applyTakeBucket(int tier) {
        newestSealedBuckets[tier] = Math.max(newestSealedBuckets[tier], bucketStarts[tier]);
        buckets[tier] = null;
    }

    long newestSealedBucket(int tier) {
        return newestSealedBuckets[tier];
    }

    void sealedBucket(int tier, long start) {
        newestSealedBuckets[tier] = Math.max(newestSealedBuckets[tier], start);
    }

    /** Whether anything is open: a chunk with points or a bucket of any tier. Answers incomplete series too. */
    synchronized boolean hasOpenParts() {
        if (!complete) {
            return openParts;
        }
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

    /** Readings processed since the base, logged or not. */
    int readingsSinceBase() {
        if (readingsSinceBase == FROM_LOG) {
            // A stored tail is one that had something to store.
            readingsSinceBase = Math.max(1, log.readings());
        }
        return readingsSinceBase;
    }

    /**
     * Whether anything happened since the base, so the series has a tail to store; a series without one is its base
     * and is left out of its device's tails.
     */
    boolean hasTail() {
        return readingsSinceBase != 0 || !log.isEmpty(); // FROM_LOG: at least 1
    }

    /**
     * Starts a new base: the next generation, with an empty log. The caller writes this series to the base store
     * right away (its base form is its whole state now), before changing it again.
     */
    void rebase() {
        requireComplete();
        foldAdds();
        generation++;
        log.clear();
        readingsSinceBase = 0;
        changes++;
    }

    // ---- what its device's stored tail segments hold (the serde's side, holding this object's monitor) ----

    /** Whether this series changed since the last record of its device's tails was written (or that is not known). */
    boolean changedSinceStored() {
        return storedGeneration < 0 || changes != storedChanges || generation != storedGeneration
                || log.operations() != storedOperations;
    }

    /** Whether the stored records hold a part of this series' current log that the next record can continue. */
    boolean continuesStored() {
        return storedGeneration >= 0 && storedGeneration == generation && storedOperations > 0;
    }

    int storedOperations() {
        return storedOperations;
    }

    int storedLength() {
        return storedLength;
    }

    /** Records that the stored records now hold this series as it is (its log {@linkplain OpenLog#flush flushed}). */
    void stored() {
        storedGeneration = generation;
        storedOperations = log.operations();
        storedLength = log.length();
        storedChanges = changes;
    }

    /** Forgets what the stored records hold of this series: the next record writes it from its base. */
    void forgetStored() {
        storedGeneration = -1;
    }

    // ---- the serde's side ----

    synchronized OpenLog log() {
        return log;
    }

    synchronized long[] newestSealedBuckets() {
        return newestSealedBuckets.clone();
    }

    /** Restores the base form: the whole state, no log. */
    synchronized void restoreBase(long baseGeneration, long latestPoint, long newestSealed, long[] chunkTimestamps,
                                  double[] chunkValues) {
        this.generation = baseGeneration;
        this.latest = latestPoint;
        this.newestSealedPoint = newestSealed;
        this.timestamps = Arrays.copyOf(chunkTimestamps, Math.max(8, chunkTimestamps.length));
        this.values = Arrays.copyOf(chunkValues, Math.max(8, chunkValues.length));
        this.size = chunkTimestamps.length;
        this.log = new OpenLog();
        this.readingsSinceBase = 0;
        this.complete = true;
    }

    synchronized void restoreTier(int tier, long newestSealed, long openStart, Rollup open) {
        newestSealedBuckets[tier] = newestSealed;
        bucketStarts[tier] = openStart;
        buckets[tier] = open;
    }

    /** Restores the tail form: the scalars and the log since base {@code baseGeneration}; the series is incomplete. */
    synchronized void restoreTail(long baseGeneration, long latestPoint, long newestSealed, boolean hasOpenParts,
                                  OpenLog tail) {
        this.generation = baseGeneration;
        this.latest = latestPoint;
        this.newestSealedPoint = newestSealed;
        this.openParts = hasOpenParts;
        this.log = tail;
        // Counted from the log when asked: a reader replays it once (OpenLog.checkedOnReplay), and counting decodes it.
        this.readingsSinceBase = FROM_LOG;
        this.size = 0;
        Arrays.fill(buckets, null);
        this.complete = false;
    }

    private void requireComplete() {
        if (!complete) {
            throw new IllegalStateException("this open series was read from its tail alone; put it on its base first "
                    + "(completeOn, as SeriesReads does)");
        }
    }

    /** Applies logged operations to the state without logging them again. */
    private final class Apply implements OpenLog.Replay {
        @Override
        public void reading(long mask, long time, double value) {
            if ((mask & OpenLog.RAW) != 0) {
                applyInsert(time, value);
            }
            for (int tier = 0; tier < buckets.length; tier++) {
                if ((mask & (1L << (tier + 1))) != 0) {
                    buckets[tier].add(time, value);
                }
            }
        }

        @Override
        public void takeChunk() {
            applyTakeChunk();
        }

        @Override
        public void openBucket(int tier, long start) {
            bucketStarts[tier] = start;
            buckets[tier] = Rollup.empty();
        }

        @Override
        public void takeBucket(int tier) {
            applyTakeBucket(tier);
        }
    }

    /**
     * Equal when the tiers, the clocks, the generation and the log are equal, and, when both are complete, the open
     * chunk and every tier's state too: a series equals itself read back from its tail.
     */
    @Override
    public synchronized boolean equals(Object other) {
        if (!(other instanceof OpenSeries that)) {
            return false;
        }
        synchronized (that) {
            boolean same = Arrays.equals(tierNames, that.tierNames) && latest == that.latest
                    && newestSealedPoint == that.newestSealedPoint && generation == that.generation
                    && log.equals(that.log) && hasOpenParts() == that.hasOpenParts()
                    && Arrays.equals(newestSealedBuckets, that.newestSealedBuckets);
            if (!same || !complete || !that.complete) {
                return same;
            }
            foldAdds();
            that.foldAdds();
            return chunk().equals(that.chunk()) && Arrays.equals(openStarts(), that.openStarts())
                    && Arrays.equals(buckets, that.buckets);
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
        return Objects.hash(latest, generation);
    }

    @Override
    public synchronized String toString() {
        if (complete) {
            foldAdds();
        }
        return "OpenSeries[latest=" + latest + ", newestSealedPoint=" + newestSealedPoint + ", generation="
                + generation + ", logReadings=" + log.readings() + (complete ? ", chunk=" + chunk() + ", buckets="
                + Arrays.toString(buckets) : ", incomplete") + "]";
    }
}
