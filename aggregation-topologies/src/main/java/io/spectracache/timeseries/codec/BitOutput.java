package io.spectracache.timeseries.codec;

import java.util.Arrays;

/**
 * Appends bits, most significant first, into a growing byte array. Bits gather in a 64-bit accumulator and reach
 * the array a byte at a time, so a write costs a few shifts, not a loop over its bits. Not thread-safe.
 */
final class BitOutput {
    private byte[] bytes;
    private int length;       // whole bytes written to the array
    private long pending;     // bits not yet in the array, right-aligned
    private int pendingCount; // how many (0..7 between writes)

    BitOutput(int expectedBytes) {
        this.bytes = new byte[Math.max(16, expectedBytes)];
    }

    /** Writes the lowest {@code count} bits of {@code value} (0..64), most significant of them first. */
    void write(long value, int count) {
        if (count > 56) {
            write(value >>> 32, count - 32);
            write(value, 32);
            return;
        }
        if (count == 0) {
            return;
        }
        long bits = count == 64 ? value : value & ((1L << count) - 1);
        pending = (pending << count) | bits;
        pendingCount += count;
        while (pendingCount >= 8) {
            pendingCount -= 8;
            if (length == bytes.length) {
                bytes = Arrays.copyOf(bytes, bytes.length * 2);
            }
            bytes[length++] = (byte) (pending >>> pendingCount);
        }
        pending &= (1L << pendingCount) - 1;
    }

    void writeBit(long bit) {
        write(bit & 1, 1);
    }

    /** The bits written so far, padded with zero bits to a whole byte. */
    byte[] toByteArray() {
        byte[] out = Arrays.copyOf(bytes, length + (pendingCount > 0 ? 1 : 0));
        if (pendingCount > 0) {
            out[length] = (byte) (pending << (8 - pendingCount));
        }
        return out;
    }
}
