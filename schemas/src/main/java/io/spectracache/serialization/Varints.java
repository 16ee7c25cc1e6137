package io.spectracache.serialization;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Variable-length integers for the binary formats we own: unsigned LEB128 ("uvarint") and zig-zag signed
 * ("varlong"), the same encoding as Protocol Buffers and Kafka's record format. Ours rather than Kafka's
 * {@code ByteUtils}, which is internal API and moved between releases.
 *
 * <pre>{@code Varints.writeUnsignedVarint(300, buffer); // two bytes: 0xAC 0x02}</pre>
 */
public final class Varints {
    /** The most bytes an encoded long takes. */
    public static final int MAX_VARLONG_BYTES = 10;

    private Varints() {
    }

    /** How many bytes {@link #writeUnsignedVarint} writes for {@code value}. */
    public static int sizeOfUnsignedVarint(int value) {
        int size = 1;
        while ((value & 0xFFFFFF80) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    /** How many bytes {@link #writeVarlong} writes for {@code value}. */
    public static int sizeOfVarlong(long value) {
        long v = (value << 1) ^ (value >> 63);
        int size = 1;
        while ((v & 0xFFFFFFFFFFFFFF80L) != 0) {
            v >>>= 7;
            size++;
        }
        return size;
    }

    /** Writes {@code value} as an unsigned varint (a negative int takes five bytes). */
    public static void writeUnsignedVarint(int value, ByteBuffer out) {
        while ((value & 0xFFFFFF80) != 0) {
            out.put((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.put((byte) value);
    }

    /** Writes {@code value} zig-zag encoded, so that small negative numbers stay short. */
    public static void writeVarlong(long value, ByteBuffer out) {
        long v = (value << 1) ^ (value >> 63);
        while ((v & 0xFFFFFFFFFFFFFF80L) != 0) {
            out.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.put((byte) v);
    }

    /**
     * Reads an unsigned varint.
     *
     * @throws SerializationException if it runs over five bytes
     */
    public static int readUnsignedVarint(ByteBuffer in) {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte b = in.get();
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new SerializationException("varint longer than 5 bytes");
    }

    /**
     * Reads a zig-zag encoded varlong.
     *
     * @throws SerializationException if it runs over ten bytes
     */
    public static long readVarlong(ByteBuffer in) {
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            byte b = in.get();
            raw |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new SerializationException("varlong longer than 10 bytes");
    }
}
