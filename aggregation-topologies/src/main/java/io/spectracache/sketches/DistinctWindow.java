package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * One window of a distinct count: an Apache DataSketches HLL sketch of lgK {@value #LG_K}, type HLL_4.
 *
 * <p>Why these: 2^14 registers give a relative standard error of 1.04/√16384 = 0.81%, Redis's HyperLogLog figure,
 * and HLL_4 stores them in a compact image of at most about 8.3 KB (measured: 8,232–8,276 bytes from 3,000 to 10^6
 * items; far less while the sketch is still a sparse list or set of coupons, e.g. 4,012 bytes at 1,000 items), where
 * Redis takes 12 KB, HLL_6 12,329 bytes and HLL_8 16,424 bytes. Converting an HLL_8 sketch to HLL_4 to store it
 * costs hundreds of microseconds, so the sketch is HLL_4 in memory too.
 *
 * <pre>{@code
 * DistinctWindow window = DistinctWindow.empty();
 * window.update("truck-0042".getBytes(StandardCharsets.UTF_8));
 * byte[] image = window.image();            // HllSketch.heapify(image) reads it back, Union.update merges it
 * }</pre>
 *
 * Items are counted by their UTF-8 bytes, so {@code update(s.getBytes(UTF_8))} is exactly DataSketches'
 * {@code update(s)}. Synchronized (see {@link SketchWindow}).
 *
 * <p>A window read from its image ({@link #fromImage}, as every store read is) keeps the image and is heapified only
 * when it is updated: a query merges it into a union straight from the bytes ({@code HllSketch.wrap}), which costs a
 * third of heapifying it first (measured: 96 windows of ~700 devices, 2.1–2.6 ms against 7–8 ms).
 */
public final class DistinctWindow implements SketchWindow {
    /** log2 of the number of registers. */
    public static final int LG_K = 14;
    /** Register width: 4 bits plus an exception table, the smallest image. */
    public static final TgtHllType TYPE = TgtHllType.HLL_4;

    /**
     * The byte of DataSketches' HLL preamble that holds the sketch's current mode in its low two bits (0 a list and 1 a
     * set of coupons, 2 HLL: dense). DataSketches 7.0.1 has no public way to ask: {@code getCurMode()} and the
     * {@code CurMode} enum are package-private, {@code HllSketch.toString(image)} prints it ("Mode : HLL") at about
     * 70–130 µs a call, and wrapping the image copies a dense one whole (datasketches-memory 4.1.0's {@code getArray});
     * reading the byte costs nanoseconds (measured, BENCHMARKS.md helper runs D4–D8). {@code DistinctWindowModeTest}
     * pins it against {@code HllSketch.toString} for lists, sets and dense sketches, compact and updatable.
     */
    private static final int MODE_BYTE = 7;
    private static final int MODE_MASK = 3;
    private static final int MODE_HLL = 2;
    /** The rest of the preamble {@link #isOwnDenseImage} reads (DataSketches' {@code PreambleUtil}, 7.0.1). */
    private static final int PREAMBLE_INTS_BYTE = 0;
    private static final int SER_VER_BYTE = 1;
    private static final int FAMILY_BYTE = 2;
    private static final int LG_K_BYTE = 3;
    private static final int FLAGS_BYTE = 5;
    private static final int AUX_COUNT_INT = 36;
    private static final int HLL_REGISTERS_START = 40;
    private static final int HLL_PREAMBLE_INTS = 10;
    private static final int SER_VER = 1;
    private static final int HLL_FAMILY = 7;
    private static final int BIG_ENDIAN_FLAG = 1;
    private static final int COMPACT_FLAG = 8;
    /** The target type in the mode byte's bits 2–3: 0 is HLL_4. */
    private static final int TYPE_MASK = 12;
    private static final int TYPE_HLL_4 = 0;

    /** The sketch once updated (or made empty); null while the window is only its {@link #stored} image. */
    private HllSketch sketch;
    /** The compact image this window was read from, until it is updated; never written to. */
    private byte[] stored;

    private DistinctWindow(HllSketch sketch, byte[] stored) {
        this.sketch = sketch;
        this.stored = stored;
    }

    /** A window that has counted nothing. */
    public static DistinctWindow empty() {
        return new DistinctWindow(new HllSketch(LG_K, TYPE), null);
    }

    /**
     * A window from an HLL image (compact or updatable, any lgK and type DataSketches reads).
     *
     * @throws org.apache.datasketches.common.SketchesArgumentException if the bytes are not an HLL image
     */
    public static DistinctWindow fromImage(byte[] image) {
        if (isOwnDenseImage(requireNonNull(image, "image"))) {
            // Kept as it is without asking DataSketches: wrapping a dense image copies it whole (below).
            return new DistinctWindow(null, image);
        }
        HllSketch wrapped = HllSketch.wrap(Memory.wrap(image));
        // Only a compact image of the window's own shape is kept as it is; anything else is heapified at once.
        return wrapped.isCompact() && wrapped.getLgConfigK() == LG_K && wrapped.getTgtHllType() == TYPE
                ? new DistinctWindow(null, image) : new DistinctWindow(HllSketch.heapify(image), null);
    }

    private HllSketch sketch() {
        if (sketch == null) {
            sketch = HllSketch.heapify(stored);
            stored = null;
        }
        return sketch;
    }

    /** Counts one item, given as its UTF-8 bytes. */
    public synchronized void update(byte[] item) {
        sketch().update(item);
    }

    /** Adds this window's registers to {@code union} (no copy of the image). */
    public synchronized void mergeInto(Union union) {
        union.update(sketch != null ? sketch : HllSketch.wrap(Memory.wrap(stored)));
    }

    /**
     * The compact image without a copy when the window is still the image it was read from (the caller must not
     * modify it), else a new image: what {@link DenseWindowCache} keeps and compares.
     */
    synchronized byte[] imageShared() {
        return sketch != null ? sketch.toCompactByteArray() : stored;
    }

    /**
     * Whether the sketch is dense (past HLL's sparse modes: a list, then a set of coupons), which decides how a
     * {@link Union} merges it: a dense sketch by a pass over its registers, a sparse one coupon by coupon.
     */
    public synchronized boolean isDense() {
        return isDense(sketch != null ? sketch.toCompactByteArray() : stored);
    }

    /**
     * Whether {@code image} is a compact dense image of the window's own shape (lgK {@value #LG_K}, HLL_4), with
     * exactly the length its preamble says: what every dense window is stored as. Read from DataSketches' preamble
     * (serial version 1, family 7; lgK at byte 3, flags at 5, mode and type at 7, the exception count at 36, the
     * registers from byte 40), because {@code HllSketch.wrap} of a dense image copies it whole (datasketches-memory
     * 4.1.0's {@code getArray}), which {@link #fromImage} would then pay for every dense window a query reads.
     * {@code DistinctWindowModeTest} pins it against DataSketches for every mode, type and form.
     */
    static boolean isOwnDenseImage(byte[] image) {
        if (image.length < HLL_REGISTERS_START || image[PREAMBLE_INTS_BYTE] != HLL_PREAMBLE_INTS
                || image[SER_VER_BYTE] != SER_VER || image[FAMILY_BYTE] != HLL_FAMILY || image[LG_K_BYTE] != LG_K
                || (image[FLAGS_BYTE] & COMPACT_FLAG) == 0 || (image[FLAGS_BYTE] & BIG_ENDIAN_FLAG) != 0
                || (image[MODE_BYTE] & (MODE_MASK | TYPE_MASK)) != (MODE_HLL | TYPE_HLL_4)) {
            return false;
        }
        int exceptions = (image[AUX_COUNT_INT] & 0xff) | (image[AUX_COUNT_INT + 1] & 0xff) << 8
                | (image[AUX_COUNT_INT + 2] & 0xff) << 16 | (image[AUX_COUNT_INT + 3] & 0xff) << 24;
        return exceptions >= 0 && exceptions <= (1 << LG_K)
                && image.length == HLL_REGISTERS_START + (1 << LG_K) / 2 + Integer.BYTES * exceptions;
    }

    /** Whether an HLL image (compact or updatable) is dense, from its preamble's mode byte. */
    static boolean isDense(byte[] image) {
        return image.length > MODE_BYTE && (image[MODE_BYTE] & MODE_MASK) == MODE_HLL;
    }

    /** The estimated number of distinct items counted. */
    public synchronized double estimate() {
        return sketch != null ? sketch.getEstimate() : HllSketch.wrap(Memory.wrap(stored)).getEstimate();
    }

    /** The compact image, as {@link HllSketch#toCompactByteArray()}. */
    @Override
    public synchronized byte[] image() {
        return sketch != null ? sketch.toCompactByteArray() : stored.clone();
    }

    /**
     * Equal when the images are byte for byte: the same items added in the same order always are (a sparse sketch
     * lists its coupons in the order its hash set holds them, so the same set added in another order may not be).
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof DistinctWindow window && Arrays.equals(image(), window.image());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(image());
    }

    @Override
    public String toString() {
        return "DistinctWindow[estimate=" + estimate() + "]";
    }
}
