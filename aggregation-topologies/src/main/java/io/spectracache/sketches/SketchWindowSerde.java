package io.spectracache.sketches;

import io.spectracache.serialization.StatelessSerde;
import io.spectracache.serialization.Varints;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.datasketches.common.SketchesException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The stored form of a {@link SketchWindow}. Stateless and thread-safe.
 *
 * <p>Format version 1:
 * <pre>
 * byte     version = 1
 * byte     kind: 1 = distinct count, 2 = top-K
 * uvarint  length of the image, then the image: Apache DataSketches' own serial form, which DataSketches keeps
 *          stable across versions: for a distinct count the compact HLL image ({@code HllSketch.toCompactByteArray}),
 *          for a top-K the frequent-items image of strings ({@code ItemsSketch.toByteArray(ArrayOfStringsSerDe)})
 * </pre>
 * Nothing may follow the image.
 */
public final class SketchWindowSerde extends StatelessSerde<SketchWindow> {
    static final byte VERSION_1 = 1;
    static final byte KIND_DISTINCT = 1;
    static final byte KIND_TOP_K = 2;

    @Override
    public byte[] serialize(String topic, SketchWindow window) {
        if (window == null) {
            return null;
        }
        byte[] image = window.image();
        ByteBuffer out = ByteBuffer.allocate(2 + Varints.sizeOfUnsignedVarint(image.length) + image.length);
        out.put(VERSION_1);
        out.put(window instanceof DistinctWindow ? KIND_DISTINCT : KIND_TOP_K);
        Varints.writeUnsignedVarint(image.length, out);
        out.put(image);
        return out.array();
    }

    @Override
    public SketchWindow deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            byte version = in.get();
            if (version != VERSION_1) {
                throw new SerializationException("unknown sketch window version " + version);
            }
            byte kind = in.get();
            int length = Varints.readUnsignedVarint(in);
            if (length < 0 || length != in.remaining()) {
                throw new SerializationException("sketch window image of " + length + " bytes, " + in.remaining()
                        + " left");
            }
            byte[] image = Arrays.copyOfRange(data, in.position(), data.length);
            return switch (kind) {
                case KIND_DISTINCT -> DistinctWindow.fromImage(image);
                case KIND_TOP_K -> TopKWindow.fromImage(image);
                default -> throw new SerializationException("unknown sketch window kind " + kind);
            };
        } catch (BufferUnderflowException | IllegalArgumentException | SketchesException e) {
            throw new SerializationException("not a sketch window", e);
        }
    }
}
