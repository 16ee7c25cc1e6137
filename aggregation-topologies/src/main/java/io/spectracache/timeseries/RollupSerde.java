package io.spectracache.timeseries;

import io.spectracache.serialization.StatelessSerde;
import io.spectracache.serialization.Varints;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.datasketches.common.SketchesArgumentException;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The stored form of a {@link Rollup}. Stateless and thread-safe.
 *
 * <p>Format version 2, what every bucket writes:
 * <pre>
 * byte     version = 2
 * then the packed form:
 * varlong  count (zig-zag)
 * float64  sum, min, max               (IEEE 754, big-endian; min/max are +Inf/-Inf when count = 0)
 * varlong  firstAt, then float64 first
 * varlong  lastAt, then float64 last
 * uvarint  n, the number of items the KLL sketch retains
 * uvarint  length + the sketch's compact serial form (Apache DataSketches', which it keeps stable across versions)
 *          without its last 8 n bytes, its items
 * n        {@link PackedValues} (to the end): the items, each the IEEE 754 bits the form holds little-endian there
 * </pre>
 * The compact form is the head followed by the n items, each written back as 8 little-endian bytes: exactly the bytes
 * the sketch serialised to. It is put together (and checked) only when the bucket's sketch is needed; reading checks
 * only that the n items are all there. The items are most of a bucket's bytes and sensors send decimals with a few
 * digits: packed, a minute of two-decimal readings takes about 2–3 bytes a reading instead of 8. An open bucket inside
 * an {@link OpenSeries} base (version 3, see {@link OpenSeriesSerde}) takes the packed form, without the version.
 *
 * <p>Format version 1, written before and still read: the version byte (1), the same fields up to {@code last}, then
 * the sketch's compact serial form whole, up to the end.
 */
public final class RollupSerde extends StatelessSerde<Rollup> {
    static final byte VERSION_1 = 1;
    static final byte VERSION_2 = 2;

    @Override
    public byte[] serialize(String topic, Rollup rollup) {
        if (rollup == null) {
            return null;
        }
        ByteWriter out = new ByteWriter();
        out.put(VERSION_2);
        writePacked(rollup, out);
        return out.toByteArray();
    }

    /** Writes {@code rollup} in the packed form (see above). */
    static void writePacked(Rollup rollup, ByteWriter out) {
        writeFields(rollup, out);
        Rollup.Packed unchanged = rollup.unchangedPacked();
        if (unchanged != null) {
            // Read packed and not changed since: its bytes as they are, without putting the sketch together.
            out.unsigned(unchanged.count());
            out.bytes(unchanged.head());
            out.raw(unchanged.items(), 0, unchanged.items().length);
            return;
        }
        byte[] sketch = rollup.sketchForm();
        int items = KllDoublesSketch.wrap(Memory.wrap(sketch)).getNumRetained();
        if (items < 0 || 8L * items > sketch.length) {
            items = 0;
        }
        int head = sketch.length - 8 * items;
        out.unsigned(items);
        out.unsigned(head);
        out.raw(sketch, 0, head);
        ByteBuffer form = ByteBuffer.wrap(sketch).order(ByteOrder.LITTLE_ENDIAN);
        PackedValues.Writer values = new PackedValues.Writer(out);
        for (int i = 0; i < items; i++) {
            values.writeBits(form.getLong(head + 8 * i));
        }
    }

    private static void writeFields(Rollup rollup, ByteWriter out) {
        out.signed(rollup.count());
        out.float64(rollup.sum());
        out.float64(rollup.count() == 0 ? Double.POSITIVE_INFINITY : rollup.min());
        out.float64(rollup.count() == 0 ? Double.NEGATIVE_INFINITY : rollup.max());
        out.signed(rollup.firstAt());
        out.float64(rollup.count() == 0 ? 0 : rollup.first());
        out.signed(rollup.lastAt());
        out.float64(rollup.count() == 0 ? 0 : rollup.last());
    }

    /**
     * Reads a bucket in the packed form from {@code in}, which must end with it. The sketch is put together when
     * first needed ({@link Rollup#sketch()}), and checked then: here only that its items are all there.
     */
    static Rollup readPacked(ByteBuffer in) {
        long count = Varints.readVarlong(in);
        double sum = in.getDouble();
        double min = in.getDouble();
        double max = in.getDouble();
        long firstAt = Varints.readVarlong(in);
        double first = in.getDouble();
        long lastAt = Varints.readVarlong(in);
        double last = in.getDouble();
        int items = OpenSeriesSerde.count(in, "sketch items");
        byte[] head = OpenSeriesSerde.readBytes(in);
        if (count < 0 || head.length < 8) {
            throw new SerializationException("not a valid packed rollup");
        }
        // Checked now (cheaply: the values' lengths only) so that a torn record fails where it is read.
        int itemsStart = in.position();
        PackedValues.skip(in, items);
        if (in.hasRemaining()) {
            throw new SerializationException("packed rollup has " + in.remaining() + " bytes after its sketch items");
        }
        byte[] packed = new byte[in.position() - itemsStart];
        in.position(itemsStart);
        in.get(packed);
        return Rollup.restorePacked(count, sum, min, max, firstAt, first, lastAt, last, head, packed, items);
    }

    /**
     * The compact form of a packed sketch: {@code head}, then the {@code items} values of {@code packed} (which
     * must hold exactly them) as 8 little-endian bytes each.
     *
     * @throws SerializationException if {@code packed} does not hold exactly that many values
     */
    static byte[] unpack(byte[] head, byte[] packed, int items) {
        try {
            ByteBuffer form = ByteBuffer.allocate(head.length + 8 * items).order(ByteOrder.LITTLE_ENDIAN);
            form.put(head);
            ByteBuffer in = ByteBuffer.wrap(packed);
            PackedValues.Reader values = new PackedValues.Reader(in);
            for (int i = 0; i < items; i++) {
                form.putLong(values.readBits());
            }
            if (in.hasRemaining()) {
                throw new SerializationException("packed rollup sketch has " + in.remaining() + " bytes after its items");
            }
            return form.array();
        } catch (java.nio.BufferUnderflowException e) {
            throw new SerializationException("packed rollup sketch ends inside its items", e);
        }
    }

    @Override
    public Rollup deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            byte version = in.get();
            if (version == VERSION_2) {
                return readPacked(in);
            }
            if (version != VERSION_1) {
                throw new SerializationException("unknown rollup version " + version);
            }
            long count = Varints.readVarlong(in);
            double sum = in.getDouble();
            double min = in.getDouble();
            double max = in.getDouble();
            long firstAt = Varints.readVarlong(in);
            double first = in.getDouble();
            long lastAt = Varints.readVarlong(in);
            double last = in.getDouble();
            if (count < 0 || !in.hasRemaining()) {
                throw new SerializationException("not a valid rollup");
            }
            int sketchBytes = in.remaining();
            if (sketchBytes < 8 || (data[in.position() + 3] & 4) != 0 && sketchBytes < 16) {
                throw new SerializationException("rollup sketch is truncated");
            }
            // Checked through a read-only view (its header only, no copy); decoded when a quantile needs it.
            Memory form = Memory.wrap(data).region(in.position(), sketchBytes);
            KllDoublesSketch view = KllDoublesSketch.wrap(form);
            if (view.getSerializedSizeBytes() != sketchBytes) {
                throw new SerializationException("rollup sketch has " + sketchBytes + " bytes, its form "
                        + view.getSerializedSizeBytes());
            }
            if (view.getN() != count) {
                throw new SerializationException("rollup counts " + count + " points but its sketch " + view.getN());
            }
            return Rollup.restore(count, sum, min, max, firstAt, first, lastAt, last, form);
        } catch (java.nio.BufferUnderflowException | SketchesArgumentException | IllegalArgumentException e) {
            throw new SerializationException("not a valid rollup: " + e.getMessage(), e);
        }
    }
}
