package io.spectracache.spatial;

import com.google.common.geometry.R1Interval;
import com.google.common.geometry.S1Angle;
import com.google.common.geometry.S1Interval;
import com.google.common.geometry.S2Cap;
import com.google.common.geometry.S2CellId;
import com.google.common.geometry.S2LatLng;
import com.google.common.geometry.S2LatLngRect;
import com.google.common.geometry.S2Region;
import com.google.common.geometry.S2RegionCoverer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.Bytes;

/**
 * The key layout of the position index ({@code spatial-index}) and the cell ranges a query reads from it.
 *
 * <pre>
 * 8 bytes  the S2 cell of level {@value #INDEX_LEVEL} (about 150 m across) holding the position, its 64-bit id
 *          big-endian
 * n bytes  the device id, UTF-8
 * </pre>
 *
 * S2 numbers the cells of the sphere along a Hilbert curve, and every descendant of a cell has an id within the cell's
 * {@code [rangeMin, rangeMax]}: so the leaf cells of any cell, at any level, are one contiguous range of keys, and
 * RocksDB's byte order (unsigned, as the ids) walks the curve. A query region (a cap, a latitude/longitude box) is
 * covered by a few cells of mixed levels ({@link S2RegionCoverer}), each one key range; the cover always contains the
 * region, so the ranges hold every candidate and the exact predicates ({@link Spherical}) decide. The device id after
 * the cell makes the key unique; a device has exactly one entry, found from its device entry's cell. Cells of level
 * {@value #INDEX_LEVEL}, not leaves: a device moving a few metres stays in its cell and rewrites one key, instead of
 * deleting one and writing another at every step; covers never use finer cells, so every key of a covering cell's
 * area lies in its range.
 *
 * <pre>{@code
 * Bytes key = CellKeys.indexKey(CellKeys.cellOf(52.52, 13.405), "truck-0042");
 * for (CellKeys.CellRange range : CellKeys.radius(52.52, 13.405, 1_000, CellKeys.DEFAULT_MAX_CELLS)) {
 *     store.range(range.fromKey(), range.toKey());
 * }
 * }</pre>
 */
public final class CellKeys {
    /** Cells a query region is covered with by default: measured as the best trade of ranges against wasted reads. */
    public static final int DEFAULT_MAX_CELLS = 12;
    /** The S2 level of the cells positions are filed under: about 150 m across (0.02 km²). */
    public static final int INDEX_LEVEL = 16;
    /** Bytes of the cell id at the head of every key. */
    public static final int CELL_BYTES = Long.BYTES;
    /** Slack added to every region before it is covered, in radians (~1 mm): rounding never drops a point on an edge. */
    private static final double SLACK_RADIANS = 1e-10;

    private CellKeys() {
    }

    /** The id of the index cell (level {@value #INDEX_LEVEL}) holding a position. */
    public static long cellOf(double lat, double lon) {
        return S2CellId.fromLatLng(S2LatLng.fromDegrees(lat, lon)).parent(INDEX_LEVEL).id();
    }

    /** The index key of a device at a cell. */
    public static Bytes indexKey(long cell, String deviceId) {
        return indexKey(cell, deviceId.getBytes(StandardCharsets.UTF_8), 0);
    }

    /**
     * The index key of a device at a cell, the device id taken from the tail of another index key of the same device
     * (the stream task moving a device builds its new key from its old one, without encoding the id again).
     */
    static Bytes movedKey(long cell, Bytes previousKey) {
        return indexKey(cell, previousKey.get(), CELL_BYTES);
    }

    private static Bytes indexKey(long cell, byte[] device, int from) {
        byte[] key = new byte[CELL_BYTES + device.length - from];
        for (int i = CELL_BYTES - 1; i >= 0; i--) {
            key[i] = (byte) cell;
            cell >>>= 8;
        }
        System.arraycopy(device, from, key, CELL_BYTES, device.length - from);
        return Bytes.wrap(key);
    }

    /**
     * The cell of an index key.
     *
     * @throws SerializationException if the bytes are too short to be one
     */
    public static long cellOfKey(Bytes key) {
        byte[] bytes = key.get();
        if (bytes.length <= CELL_BYTES) {
            throw new SerializationException("an index key is a cell and a device id, got " + bytes.length + " bytes");
        }
        return ByteBuffer.wrap(bytes).getLong();
    }

    /**
     * The device id of an index key.
     *
     * @throws SerializationException if the bytes are too short to be one
     */
    public static String deviceOfKey(Bytes key) {
        byte[] bytes = key.get();
        if (bytes.length <= CELL_BYTES) {
            throw new SerializationException("an index key is a cell and a device id, got " + bytes.length + " bytes");
        }
        return new String(bytes, CELL_BYTES, bytes.length - CELL_BYTES, StandardCharsets.UTF_8);
    }

    /**
     * A contiguous range of cell ids, both ends inclusive (as unsigned ids; the ends are leaf ids, so every cell of a
     * covering cell's area, at any level, lies within), and the index keys it spans.
     *
     * @param min the first leaf cell id
     * @param max the last leaf cell id, not before {@code min} as unsigned numbers
     */
    public record CellRange(long min, long max) {
        public CellRange {
            if (Long.compareUnsigned(min, max) > 0) {
                throw new IllegalArgumentException("a cell range ends before it starts: " + Long.toUnsignedString(min)
                        + " > " + Long.toUnsignedString(max));
            }
        }

        /** The smallest index key in the range (inclusive). */
        public Bytes fromKey() {
            return Bytes.wrap(ByteBuffer.allocate(CELL_BYTES).putLong(min).array());
        }

        /**
         * The greatest index key in the range (inclusive): the last cell followed by 0xFF, which sorts after every
         * device id at that cell (UTF-8 never holds the byte 0xFF).
         */
        public Bytes toKey() {
            return Bytes.wrap(ByteBuffer.allocate(CELL_BYTES + 1).putLong(max).put((byte) 0xFF).array());
        }

        /** Whether a cell id is in the range. */
        public boolean contains(long cell) {
            return Long.compareUnsigned(cell, min) >= 0 && Long.compareUnsigned(cell, max) <= 0;
        }
    }

    /** The whole sphere: one range over every cell. */
    public static List<CellRange> everything() {
        return List.of(new CellRange(S2CellId.begin(S2CellId.MAX_LEVEL).id(), S2CellId.end(S2CellId.MAX_LEVEL).prev().id()));
    }

    /** The ranges covering every point within {@code radiusM} metres of a centre (the whole sphere past half the circumference). */
    public static List<CellRange> radius(double lat, double lon, double radiusM, int maxCells) {
        double angle = Spherical.angleOf(radiusM) * (1 + 1e-9) + SLACK_RADIANS;
        if (angle >= Math.PI) {
            return everything();
        }
        S2Cap cap = S2Cap.fromAxisAngle(S2LatLng.fromDegrees(lat, lon).toPoint(), S1Angle.radians(angle));
        return cover(cap, maxCells);
    }

    /**
     * The ranges covering a latitude/longitude box; {@code minLon > maxLon} crosses the antimeridian (see
     * {@link Spherical#boxContains}).
     */
    public static List<CellRange> box(double minLat, double minLon, double maxLat, double maxLon, int maxCells) {
        return cover(rect(minLat, minLon, maxLat, maxLon), maxCells);
    }

    /** The ranges covering several boxes (the parts of a MultiPolygon, say), merged. */
    public static List<CellRange> boxes(List<double[]> boxes, int maxCellsEach) {
        List<CellRange> all = new ArrayList<>();
        for (double[] b : boxes) {
            all.addAll(box(b[0], b[1], b[2], b[3], maxCellsEach));
        }
        return merged(all);
    }

    private static S2LatLngRect rect(double minLat, double minLon, double maxLat, double maxLon) {
        double slack = Math.toDegrees(SLACK_RADIANS);
        double lo = Math.toRadians(Math.max(-90, minLat - slack));
        double hi = Math.toRadians(Math.min(90, maxLat + slack));
        S1Interval lng;
        if (minLon <= maxLon && maxLon - minLon + 2 * slack >= 360) {
            lng = S1Interval.full();
        } else {
            lng = new S1Interval(Math.toRadians(wrap(minLon - slack)), Math.toRadians(wrap(maxLon + slack)));
        }
        return new S2LatLngRect(new R1Interval(lo, hi), lng);
    }

    private static double wrap(double lon) {
        return lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon;
    }

    private static List<CellRange> cover(S2Region region, int maxCells) {
        S2RegionCoverer coverer = S2RegionCoverer.builder().setMaxCells(maxCells).setMaxLevel(INDEX_LEVEL).build();
        ArrayList<S2CellId> cells = new ArrayList<>();
        coverer.getCovering(region, cells);
        List<CellRange> ranges = new ArrayList<>(cells.size());
        for (S2CellId cell : cells) {
            ranges.add(new CellRange(cell.rangeMin().id(), cell.rangeMax().id()));
        }
        return merged(ranges);
    }

    /** Ranges in cell order, overlapping and adjacent ones joined. */
    static List<CellRange> merged(List<CellRange> ranges) {
        List<CellRange> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparing(CellRange::min, Long::compareUnsigned));
        List<CellRange> out = new ArrayList<>(sorted.size());
        for (CellRange range : sorted) {
            if (!out.isEmpty()) {
                CellRange last = out.get(out.size() - 1);
                // Leaf ids are odd: the leaf after max is max + 2.
                if (Long.compareUnsigned(range.min(), last.max() + 2) <= 0) {
                    if (Long.compareUnsigned(range.max(), last.max()) > 0) {
                        out.set(out.size() - 1, new CellRange(last.min(), range.max()));
                    }
                    continue;
                }
            }
            out.add(range);
        }
        return out;
    }
}
