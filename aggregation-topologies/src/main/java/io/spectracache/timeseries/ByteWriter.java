package io.spectracache.timeseries;

import java.util.Arrays;

/**
 * A growable byte array with the varint writers of our formats (not a {@code ByteArrayOutputStream}, whose
 * synchronised one-byte writes cost more than the encoding). Varints as {@code io.spectracache.serialization.Varints}
 * reads them: LEB128, zig-zag for signed values.
 */
final class ByteWriter {
    private byte[] bytes = new byte[256];
    private int length;

    void put(byte b) {
        room(1);
        bytes[length++] = b;
    }

    void signed(long value) {
        unsigned((value << 1) ^ (value >> 63));
    }

    void unsigned(long value) {
        room(10);
        while ((value & ~0x7FL) != 0) {
            bytes[length++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        bytes[length++] = (byte) value;
    }

    /** Writes {@code value}'s IEEE 754 bits, big-endian (as {@link java.nio.ByteBuffer#putDouble} does). */
    void float64(double value) {
        long bits = Double.doubleToRawLongBits(value);
        room(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            bytes[length++] = (byte) (bits >>> shift);
        }
    }

    /** Bytes written so far. */
    int length() {
        return length;
    }

    /** Writes the length of {@code more} (uvarint), then {@code more}. */
    void bytes(byte[] more) {
        unsigned(more.length);
        raw(more, 0, more.length);
    }

    void raw(byte[] more, int offset, int count) {
        room(count);
        System.arraycopy(more, offset, bytes, length, count);
        length += count;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    private void room(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
