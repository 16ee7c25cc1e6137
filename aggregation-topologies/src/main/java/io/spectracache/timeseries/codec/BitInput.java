package io.spectracache.timeseries.codec;

import org.apache.kafka.common.errors.SerializationException;

/** Reads bits, most significant first, from a byte array region. Not thread-safe. */
final class BitInput {
    private final byte[] bytes;
    private final long endBit;
    private long position;

    BitInput(byte[] bytes, int offset, int length) {
        this.bytes = bytes;
        this.position = (long) offset * 8;
        this.endBit = (long) (offset + length) * 8;
    }

    /** Reads {@code count} bits (0..64) as an unsigned number. */
    long read(int count) {
        if (count > endBit - position) {
            throw new SerializationException("time-series chunk ends in the middle of a point");
        }
        long value = 0;
        int left = count;
        while (left > 0) {
            int index = (int) (position >>> 3);
            int offsetInByte = (int) (position & 7);
            int available = 8 - offsetInByte;
            int take = Math.min(available, left);
            int bits = ((bytes[index] & 0xFF) >>> (available - take)) & ((1 << take) - 1);
            value = (value << take) | bits;
            position += take;
            left -= take;
        }
        return value;
    }

    long readBit() {
        return read(1);
    }

    /** The bits left before the end of the region. */
    long remaining() {
        return endBit - position;
    }
}
