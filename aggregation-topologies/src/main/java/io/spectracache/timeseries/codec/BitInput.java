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
        long value = 0;
        for (int i = 0; i < count; i++) {
            value = (value << 1) | readBit();
        }
        return value;
    }

    long readBit() {
        if (position >= endBit) {
            throw new SerializationException("time-series chunk ends in the middle of a point");
        }
        long bit = (bytes[(int) (position >>> 3)] >>> (7 - (position & 7))) & 1;
        position++;
        return bit;
    }

    /** The bits left before the end of the region. */
    long remaining() {
        return endBit - position;
    }
}
