package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.datasketches.common.SketchesArgumentException;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import org.apache.kafka.common.errors.SerializationException;

/**
 * One rollup bucket of one series: count, sum, min, max, first and last (by time) and a KLL quantile sketch
 * (Apache DataSketches), so that any aggregate of a range, p50/p95/p99 included, comes from buckets merged, never
 * from the raw points. Buckets of any size merge exactly (all but the quantiles, which keep KLL's rank error:
 * about 1.65 % at {@link #DEFAULT_K}).
 *
 * <p>Mutable and not thread-safe: a bucket is built by one stream task and read after decoding.
 *
 * <p><b>The sketch is decoded only when a quantile needs it.</b> A bucket read from a store keeps its sketch's stored
 * form, and merging such buckets keeps the forms to merge; only {@link #quantile}, {@link #add} or a merge with a
 * decoded bucket decodes them. Most range queries ask for avg, min, max and the like: 30 days of minute buckets
 * then cost no KLL decoding at all, and a bucket read and written again unchanged is copied byte for byte.
 *
 * <pre>{@code
 * Rollup bucket = Rollup.empty();
 * bucket.add(ts, 21.5);
 * double p95 = bucket.quantile(0.95);
 * }</pre>
 */
public final class Rollup {
    /** KLL's accuracy parameter: about 1.65 % normalized rank error, a few KB per full sketch. */
    public static final int DEFAULT_K = 200;

    private long count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long firstAt;
    private double first;
    private long lastAt;
    private double last;
    /** The decoded sketch; null until a quantile, an added point or a merge with a decoded bucket needs it. */
    private KllDoublesSketch sketch;
    /** The stored form this bucket was read with (null if built here or decoded), holding {@link #storedCount} points. */
    private Memory stored;
    private long storedCount;
    /**
     * The stored form in {@link RollupSerde}'s packed form, put together into {@link #stored} when first needed; null
     * when not read that way or already put together.
     */
    private Packed packed;
    /** Stored forms ({@link Memory} or {@link Packed}) merged into this bucket and not decoded yet (null when none). */
    private List<Object> pendingMerges;

    /**
     * A sketch's compact form as {@link RollupSerde}'s packed form holds it: its head, its {@code count} packed items,
     * and the points of the bucket it belongs to.
     */
    record Packed(byte[] head, byte[] items, int count, long points) {
        Packed {
            requireNonNull(head, "head");
            requireNonNull(items, "items");
        }

        Memory unpack() {
            return Memory.wrap(RollupSerde.unpack(head, items, count));
        }
    }

    private Rollup() {
    }

    /** A bucket with no points. */
    public static Rollup empty() {
        return new Rollup();
    }

    /**
     * A bucket read from its stored form, whose sketch ({@code sketchForm}, DataSketches' compact serial form of a KLL
     * doubles sketch holding {@code count} points) is decoded when first needed.
     */
    static Rollup restore(long count, double sum, double min, double max, long firstAt, double first, long lastAt,
                          double last, Memory sketchForm) {
        Rollup rollup = restore(count, sum, min, max, firstAt, first, lastAt, last, (KllDoublesSketch) null);
        rollup.stored = requireNonNull(sketchForm, "sketchForm");
        rollup.storedCount = count;
        return rollup;
    }

    /**
     * A bucket read from {@link RollupSerde}'s packed form, whose sketch's compact form ({@code head} and the
     * {@code items} values packed in {@code packedItems}) is put together, then decoded, when first needed.
     */
    static Rollup restorePacked(long count, double sum, double min, double max, long firstAt, double first,
                                long lastAt, double last, byte[] head, byte[] packedItems, int items) {
        Rollup rollup = restore(count, sum, min, max, firstAt, first, lastAt, last, (KllDoublesSketch) null);
        rollup.packed = new Packed(head, packedItems, items, count);
        rollup.storedCount = count;
        return rollup;
    }

    /** The packed form this bucket was read with, if nothing changed it since and it was not put together; or null. */
    Packed unchangedPacked() {
        return sketch == null && pendingMerges == null && stored == null ? packed : null;
    }

    /** The stored form this bucket was read with, put together from its packed form if it was read that way. */
    private Memory storedForm() {
        if (stored == null && packed != null) {
            stored = packed.unpack();
            packed = null;
        }
        return stored;
    }

    static Rollup restore(long count, double sum, double min, double max, long firstAt, double first, long lastAt,
                          double last, KllDoublesSketch sketch) {
        Rollup rollup = new Rollup();
        rollup.sketch = sketch;
        rollup.count = count;
        rollup.sum = sum;
        rollup.min = min;
        rollup.max = max;
        rollup.firstAt = firstAt;
        rollup.first = first;
        rollup.lastAt = lastAt;
        rollup.last = last;
        return rollup;
    }

    /**
     * Adds one reading. The series layer passes finite values only (NaN and infinities are counted and skipped).
     *
     * @throws IllegalArgumentException for a value that is not finite
     */
    public void add(long timestamp, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("rollups hold finite values only, was " + value);
        }
        takeFirst(timestamp, value, count == 0);
        takeLast(timestamp, value, count == 0);
        count++;
        sum += value;
        min = Math.min(min, value);
        max = Math.max(max, value);
        sketch().update(value);
    }

    /** Adds every point of {@code other} (another bucket, another partition, another instance). */
    public void merge(Rollup other) {
        if (other.count == 0) {
            return;
        }
        takeFirst(other.firstAt, other.first, count == 0);
        takeLast(other.lastAt, other.last, count == 0);
        count += other.count;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        if (sketch == null && other.sketch == null) {
            // Both still in stored form: keep the forms to merge, decode them only if a quantile is asked for.
            if (pendingMerges == null) {
                pendingMerges = new ArrayList<>();
            }
            // Packed forms stay packed too: put together only if a quantile is asked for.
            if (other.stored != null) {
                pendingMerges.add(other.stored);
            } else if (other.packed != null) {
                pendingMerges.add(other.packed);
            }
            if (other.pendingMerges != null) {
                pendingMerges.addAll(other.pendingMerges);
            }
        } else {
            sketch().merge(other.sketch());
        }
    }

    // Ties on time break by value (first: the smallest, last: the largest), never by arrival: then a bucket is the
    // same whichever partition, instance or order its points came through, and merges are exact.
    private void takeFirst(long timestamp, double value, boolean empty) {
        if (empty || timestamp < firstAt || (timestamp == firstAt && value < first)) {
            firstAt = timestamp;
            first = value;
        }
    }

    private void takeLast(long timestamp, double value, boolean empty) {
        if (empty || timestamp > lastAt || (timestamp == lastAt && value > last)) {
            lastAt = timestamp;
            last = value;
        }
    }

    public long count() {
        return count;
    }

    public double sum() {
        return sum;
    }

    /** NaN when empty. */
    public double avg() {
        return count == 0 ? Double.NaN : sum / count;
    }

    /** NaN when empty. */
    public double min() {
        return count == 0 ? Double.NaN : min;
    }

    /** NaN when empty. */
    public double max() {
        return count == 0 ? Double.NaN : max;
    }

    public long firstAt() {
        return firstAt;
    }

    /** The value with the smallest timestamp (the smallest of them on a tie); NaN when empty. */
    public double first() {
        return count == 0 ? Double.NaN : first;
    }

    public long lastAt() {
        return lastAt;
    }

    /** The value with the greatest timestamp (the largest of them on a tie); NaN when empty. */
    public double last() {
        return count == 0 ? Double.NaN : last;
    }

    /** The estimated quantile at {@code rank} (0..1, e.g. 0.95); NaN when empty. */
    public double quantile(double rank) {
        return count == 0 ? Double.NaN : sketch().getQuantile(rank, QuantileSearchCriteria.INCLUSIVE);
    }

    /**
     * The sketch, decoded (with every pending merge applied) on first use.
     *
     * @throws SerializationException if the stored form is not a KLL sketch of this bucket's points
     */
    KllDoublesSketch sketch() {
        if (sketch == null) {
            Memory form = storedForm();
            KllDoublesSketch decoded = form == null ? KllDoublesSketch.newHeapInstance(DEFAULT_K)
                    : decode(form, storedCount);
            if (pendingMerges != null) {
                // Decoded as the eager path decodes them (not wrapped): the same merge, item for item, byte for byte.
                for (Object pending : pendingMerges) {
                    decoded.merge(pending instanceof Packed stillPacked
                            ? decode(stillPacked.unpack(), stillPacked.points())
                            : KllDoublesSketch.heapify((Memory) pending));
                }
            }
            sketch = decoded;
            stored = null;
            pendingMerges = null;
        }
        return sketch;
    }

    /** The sketch's compact serial form: the stored bytes themselves when nothing changed them since they were read. */
    byte[] sketchForm() {
        if (sketch == null && pendingMerges == null) {
            Memory storedForm = storedForm();
            if (storedForm == null) {
                return EMPTY_FORM.clone();
            }
            byte[] form = new byte[Math.toIntExact(storedForm.getCapacity())];
            storedForm.getByteArray(0, form, 0, form.length);
            return form;
        }
        return sketch().toByteArray();
    }

    private static final byte[] EMPTY_FORM = KllDoublesSketch.newHeapInstance(DEFAULT_K).toByteArray();

    private static KllDoublesSketch decode(Memory form, long count) {
        try {
            KllDoublesSketch decoded = KllDoublesSketch.heapify(form);
            if (decoded.getSerializedSizeBytes() != form.getCapacity()) {
                throw new SerializationException("rollup sketch has " + form.getCapacity() + " bytes, its form "
                        + decoded.getSerializedSizeBytes());
            }
            if (decoded.getN() != count) {
                throw new SerializationException("rollup counts " + count + " points but its sketch " + decoded.getN());
            }
            return decoded;
        } catch (SketchesArgumentException | IllegalArgumentException e) {
            throw new SerializationException("not a valid rollup sketch: " + e.getMessage(), e);
        }
    }

    /** Equal when every field and the sketch's serial form are equal. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Rollup that && count == that.count
                && Double.compare(sum, that.sum) == 0 && Double.compare(min(), that.min()) == 0
                && Double.compare(max(), that.max()) == 0 && firstAt == that.firstAt
                && Double.compare(first(), that.first()) == 0 && lastAt == that.lastAt
                && Double.compare(last(), that.last()) == 0
                && java.util.Arrays.equals(sketchForm(), that.sketchForm());
    }

    @Override
    public int hashCode() {
        return Long.hashCode(count) * 31 + Double.hashCode(sum);
    }

    @Override
    public String toString() {
        return "Rollup[count=" + count + ", sum=" + sum + ", min=" + min() + ", max=" + max() + ", first=" + first()
                + "@" + firstAt + ", last=" + last() + "@" + lastAt + "]";
    }
}
