package io.spectracache.sketches;

import io.spectracache.serialization.StatelessSerde;
import io.spectracache.serialization.Varints;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.datasketches.common.SketchesException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The stored form of a {@link BloomBlock}. Stateless and thread-safe.
 *
 * <p>Format version 1:
 * <pre>
 * byte     version = 1
 * uvarint  blocks in the block's layer
 * varlong  capacity (zig-zag)
 * float64  false-positive rate (IEEE 754, big-endian)
 * varlong  count (zig-zag)
 * uvarint  length of the image, then the image: Apache DataSketches' Bloom filter serial form
 *          ({@code BloomFilter.toByteArray}; an empty filter is its 24-byte header only)
 * </pre>
 * Nothing may follow the image.
 */
public final class BloomBlockSerde extends StatelessSerde<BloomBlock> {
    static final byte VERSION_1 = 1;

    @Override
    public byte[] serialize(String topic, BloomBlock block) {
        if (block == null) {
            return null;
        }
        byte[] image = block.image();
        ByteBuffer out = ByteBuffer.allocate(1 + 5 + 2 * Varints.MAX_VARLONG_BYTES + Double.BYTES + 5 + image.length);
        out.put(VERSION_1);
        Varints.writeUnsignedVarint(block.blocks(), out);
        Varints.writeVarlong(block.capacity(), out);
        out.putDouble(block.falsePositiveRate());
        Varints.writeVarlong(block.count(), out);
        Varints.writeUnsignedVarint(image.length, out);
        out.put(image);
        return Arrays.copyOf(out.array(), out.position());
    }

    @Override
    public BloomBlock deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            byte version = in.get();
            if (version != VERSION_1) {
                throw new SerializationException("unknown Bloom block version " + version);
            }
            int blocks = Varints.readUnsignedVarint(in);
            long capacity = Varints.readVarlong(in);
            double rate = in.getDouble();
            long count = Varints.readVarlong(in);
            int length = Varints.readUnsignedVarint(in);
            if (length < 0 || length != in.remaining()) {
                throw new SerializationException("Bloom block image of " + length + " bytes, " + in.remaining()
                        + " left");
            }
            return BloomBlock.of(blocks, capacity, rate, count, Arrays.copyOfRange(data, in.position(), data.length));
        } catch (BufferUnderflowException | IllegalArgumentException | SketchesException e) {
            throw new SerializationException("not a Bloom block", e);
        }
    }
}
