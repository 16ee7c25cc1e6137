package io.spectracache.timeseries.codec;

import java.util.Arrays;

/** Appends bits, most significant first, into a growing byte array. Not thread-safe. */
final class BitOutput {
    private byte[] bytes;
    private long bitCount;

    BitOutput(int expectedBytes) {
        this.bytes = new byte[Math.max(16, expectedBytes)];
    }

    /** Writes the lowest {@code count} bits of {@code value} (0..64), most significant of them first. */
    void write(long value, int count) {
        for (int i = count - 1; i >= 0; i--) {
            writeBit((value >>> i) & 1L);
        }
    }

    void writeBit(long bit) {
        int index = (int) (bitCount >>> 3);
        if (index == bytes.length) {
            bytes = Arrays.copyOf(bytes, bytes.length * 2);
        }
        if (bit != 0) {
            bytes[index] |= (byte) (0x80 >>> (bitCount & 7));
        }
        bitCount++;
    }

    /** The bits written so far, padded with zero bits to a whole byte. */
    byte[] toByteArray() {
        return Arrays.copyOf(bytes, (int) ((bitCount + 7) >>> 3));
    }
}
