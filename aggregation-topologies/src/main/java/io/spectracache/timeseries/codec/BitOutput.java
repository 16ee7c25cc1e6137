package io.spectracache.timeseries.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Appends bits, most significant first, into a growing byte array. Bits gather left-aligned in a 64-bit buffer that
 * reaches the array eight bytes at a time, so a write costs a few shifts, not a loop over its bits. Not thread-safe.
 */
final class BitOutput {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private byte[] bytes;
    private int length;     // bytes in the array that hold written bits
    private long buffer;    // bits not yet in the array, left-aligned
    private int free = 64;  // unused low bits of the buffer (1..64)

    BitOutput(int expectedBytes) {
        this.bytes = new byte[Math.max(16, expectedBytes)];
    }

    /** Writes the lowest {@code count} bits of {@code value} (0..64), most significant of them first. */
    void write(long value, int count) {
        if (count == 0) {
            return;
        }
        long bits = count == 64 ? value : value & ((1L << count) - 1);
        if (count < free) {
            buffer |= bits << (free - count);
            free -= count;
            return;
        }
        int rest = count - free;
        buffer |= bits >>> rest;
        spill();
        buffer = rest == 0 ? 0 : bits << (64 - rest);
        free = 64 - rest;
    }

    void writeBit(long bit) {
        write(bit & 1, 1);
    }

    /** Writes {@code ones} one bits (0..64). */
    void writeOnes(int ones) {
        write(-1L, ones);
    }

    /** Writes {@code value} as an unsigned LEB128 varint, a byte at a time (see {@code Varints}). */
    void writeUnsignedVarint(int value) {
        while ((value & 0xFFFFFF80) != 0) {
            write((value & 0x7F) | 0x80, 8);
            value >>>= 7;
        }
        write(value, 8);
    }

    /** Writes {@code value} zig-zag encoded as a varint, a byte at a time (see {@code Varints}). */
    void writeVarlong(long value) {
        long v = (value << 1) ^ (value >> 63);
        while ((v & 0xFFFFFFFFFFFFFF80L) != 0) {
            write((v & 0x7F) | 0x80, 8);
            v >>>= 7;
        }
        write(v, 8);
    }

    /** Pads with zero bits to a whole byte. */
    void padToByte() {
        int used = 64 - free;
        if (used % 8 != 0) {
            write(0, 8 - used % 8);
        }
    }

    /** How many bits have been written. */
    long bitCount() {
        return (long) length * 8 + 64 - free;
    }

    private void spill() {
        if (length + 8 > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + 8));
        }
        LONGS.set(bytes, length, buffer);
        length += 8;
    }

    /** The bits written so far, padded with zero bits to a whole byte. */
    byte[] toByteArray() {
        int tail = (64 - free + 7) / 8;
        byte[] out = Arrays.copyOf(bytes, length + tail);
        for (int i = 0; i < tail; i++) {
            out[length + i] = (byte) (buffer >>> (56 - 8 * i));
        }
        return out;
    }
}
