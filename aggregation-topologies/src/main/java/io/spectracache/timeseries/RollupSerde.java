package io.spectracache.timeseries;

import io.spectracache.serialization.StatelessSerde;
import io.spectracache.serialization.Varints;
import java.nio.ByteBuffer;
import org.apache.datasketches.common.SketchesArgumentException;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The stored form of a {@link Rollup}. Stateless and thread-safe.
 *
 * <p>Format version 1:
 * <pre>
 * byte     version = 1
 * varlong  count (zig-zag)
 * float64  sum, min, max               (IEEE 754, big-endian; min/max are +Inf/-Inf when count = 0)
 * varlong  firstAt, then float64 first
 * varlong  lastAt, then float64 last
 * bytes    the KLL sketch in Apache DataSketches' compact serial form (up to the end), which DataSketches keeps
 *          stable across versions
 * </pre>
 */
public final class RollupSerde extends StatelessSerde<Rollup> {
    static final byte VERSION_1 = 1;

    @Override
    public byte[] serialize(String topic, Rollup rollup) {
        if (rollup == null) {
            return null;
        }
        byte[] sketch = rollup.sketchForm();
        ByteBuffer out = ByteBuffer.allocate(1 + 3 * Varints.MAX_VARLONG_BYTES + 5 * Double.BYTES + sketch.length);
        out.put(VERSION_1);
        Varints.writeVarlong(rollup.count(), out);
        out.putDouble(rollup.sum());
        out.putDouble(rollup.count() == 0 ? Double.POSITIVE_INFINITY : rollup.min());
        out.putDouble(rollup.count() == 0 ? Double.NEGATIVE_INFINITY : rollup.max());
        Varints.writeVarlong(rollup.firstAt(), out);
        out.putDouble(rollup.count() == 0 ? 0 : rollup.first());
        Varints.writeVarlong(rollup.lastAt(), out);
        out.putDouble(rollup.count() == 0 ? 0 : rollup.last());
        out.put(sketch);
        return java.util.Arrays.copyOf(out.array(), out.position());
    }

    @Override
    public Rollup deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            byte version = in.get();
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
