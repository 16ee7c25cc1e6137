package io.spectracache.timeseries.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Reads bits, most significant first, from a byte array region. A read takes the next eight bytes as one long, so
 * it costs a few shifts whatever its width. Reading past the region's end throws Kafka's
 * {@link SerializationException} (never an index exception). Not thread-safe.
 */
final class BitInput {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

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
        if (count == 0) {
            return 0;
        }
        require(count);
        int index = (int) (position >>> 3);
        int shift = (int) (position & 7);
        long value = (window(index) << shift) >>> (64 - count);
        if (count + shift > 64) {
            int extra = count + shift - 64;
            value |= (bytes[index + 8] & 0xFF) >>> (8 - extra);
        }
        position += count;
        return value;
    }

    long readBit() {
        return read(1);
    }

    /**
     * Counts one bits up to {@code max} (at most 56): returns {@code max} having read {@code max} ones, or fewer
     * having read them and the zero bit that ended them.
     */
    int readOnes(int max) {
        int index = (int) (position >>> 3);
        long bits = window(index) << (position & 7);
        int ones = Long.numberOfLeadingZeros(~bits);
        if (ones >= max) {
            require(max);
            position += max;
            return max;
        }
        require(ones + 1);
        position += ones + 1;
        return ones;
    }

    /**
     * Reads Rice codes into {@code values[from, end)}: per code, ones up to {@code escape} (as {@link #readOnes}),
     * then if it escaped the quotient in {@code 64 - k} bits, then {@code k} low bits; each value is {@code base + u},
     * or the zig-zag decoding of {@code u} when {@code zigzag}. The same bits and values as those calls one by one;
     * faster because the codes are taken from a 64-bit register refilled every few codes, so that one code's length
     * is all the next one waits for (not a load from memory as well).
     */
    void readRice(long[] values, int from, int end, int k, int escape, long base, boolean zigzag) {
        long at = position;
        long lowMask = (1L << k) - 1; // k <= 63
        long buffer = 0; // the bits from `at` on, first bit most significant; only the first `valid` are known
        int valid = 0;
        for (int i = from; i < end; i++) {
            int ones = Long.numberOfLeadingZeros(~buffer);
            int length = ones + 1 + k;
            if (length > valid || ones >= escape) {
                int index = (int) (at >>> 3);
                if (index + 8 <= bytes.length) {
                    buffer = (long) LONGS.get(bytes, index) << (at & 7);
                    valid = 57; // at least 57 bits of the eight bytes follow `at`; shifts stay below 64
                    ones = Long.numberOfLeadingZeros(~buffer);
                    length = ones + 1 + k;
                } else {
                    valid = 0;
                }
                if (length > valid || ones >= escape) {
                    // Near the end of the bytes, an escaped quotient or a very long code: one field at a time.
                    position = at;
                    long quotient = readOnes(escape);
                    if (quotient == escape) {
                        quotient = read(64 - k);
                    }
                    long u = (quotient << k) | read(k);
                    values[i] = zigzag ? (u >>> 1) ^ -(u & 1) : base + u;
                    at = position;
                    valid = 0;
                    buffer = 0;
                    continue;
                }
            }
            long u = ((long) ones << k) | ((buffer >>> (64 - length)) & lowMask);
            buffer <<= length;
            valid -= length;
            at += length;
            values[i] = zigzag ? (u >>> 1) ^ -(u & 1) : base + u;
        }
        if (at > endBit) {
            throw new SerializationException("time-series chunk is truncated: it ends in the middle of a point");
        }
        position = at;
    }

    /**
     * Reads two runs of Rice codes at once: {@code a}'s into {@code aValues[aFrom, aEnd)} as
     * {@code a.readRice(aValues, aFrom, aEnd, aK, escape, aBase, aZigzag)} reads them, and {@code b}'s likewise; the
     * same bits and values. One stream's codes form one chain of dependent steps (a code's length is where the next
     * begins); interleaving two streams in one loop lets the processor decode one while the other waits, about 1.5
     * times as many codes a second as one stream alone. Where either stream needs more than the register's fast path
     * (an escaped quotient, its last eight bytes), or the shorter run ends, the rest of each is read alone.
     */
    static void readRicePair(BitInput a, long[] aValues, int aFrom, int aEnd, int aK, long aBase, boolean aZigzag,
                             BitInput b, long[] bValues, int bFrom, int bEnd, int bK, long bBase, boolean bZigzag,
                             int escape) {
        byte[] aBytes = a.bytes;
        byte[] bBytes = b.bytes;
        long aAt = a.position;
        long bAt = b.position;
        long aMask = (1L << aK) - 1; // k <= 63
        long bMask = (1L << bK) - 1;
        // The registers hold their bits inverted (leading ones counted as leading zeros: one instruction less a code),
        // `valid` of them known; all ones (no bits) to start with.
        long aBits = -1L;
        long bBits = -1L;
        int aValid = 0;
        int bValid = 0;
        int pairs = Math.min(aEnd - aFrom, bEnd - bFrom);
        int i = 0;
        for (; i < pairs; i++) {
            int aOnes = Long.numberOfLeadingZeros(aBits);
            int aLength = aOnes + 1 + aK;
            if (aLength > aValid || aOnes >= escape) {
                int index = (int) (aAt >>> 3);
                if (index + 8 > aBytes.length) {
                    break;
                }
                aBits = ~((long) LONGS.get(aBytes, index) << (aAt & 7));
                aValid = 57;
                aOnes = Long.numberOfLeadingZeros(aBits);
                aLength = aOnes + 1 + aK;
                if (aLength > aValid || aOnes >= escape) {
                    break;
                }
            }
            int bOnes = Long.numberOfLeadingZeros(bBits);
            int bLength = bOnes + 1 + bK;
            if (bLength > bValid || bOnes >= escape) {
                int index = (int) (bAt >>> 3);
                if (index + 8 > bBytes.length) {
                    break;
                }
                bBits = ~((long) LONGS.get(bBytes, index) << (bAt & 7));
                bValid = 57;
                bOnes = Long.numberOfLeadingZeros(bBits);
                bLength = bOnes + 1 + bK;
                if (bLength > bValid || bOnes >= escape) {
                    break;
                }
            }
            long aU = ((long) aOnes << aK) | ((~aBits >>> (64 - aLength)) & aMask);
            long bU = ((long) bOnes << bK) | ((~bBits >>> (64 - bLength)) & bMask);
            aBits <<= aLength;
            bBits <<= bLength;
            aValid -= aLength;
            bValid -= bLength;
            aAt += aLength;
            bAt += bLength;
            aValues[aFrom + i] = aZigzag ? (aU >>> 1) ^ -(aU & 1) : aBase + aU;
            bValues[bFrom + i] = bZigzag ? (bU >>> 1) ^ -(bU & 1) : bBase + bU;
        }
        // Codes [0, i) of each are read (a break leaves both before their code i); the rest one stream at a time.
        a.position = aAt;
        b.position = bAt;
        a.readRice(aValues, aFrom + i, aEnd, aK, escape, aBase, aZigzag);
        b.readRice(bValues, bFrom + i, bEnd, bK, escape, bBase, bZigzag);
    }

    /**
     * Reads {@code end - from} integers of {@code width} bits (1..64) in truncated binary of range {@code shortCodes}
     * (as {@code IntegerSequences} writes them: {@code width - 1} bits, and one more when those are not below
     * {@code shortCodes}) into {@code values}, each plus {@code base}; from a register as {@link #readRice}.
     */
    void readTruncated(long[] values, int from, int end, int width, long shortCodes, long base) {
        long at = position;
        long buffer = 0;
        int valid = 0;
        for (int i = from; i < end; i++) {
            if (valid < width) {
                int index = (int) (at >>> 3);
                if (width > 57 || index + 8 > bytes.length) {
                    // Near the end of the bytes, or codes too wide for the register: one field at a time.
                    position = at;
                    long y = read(width - 1);
                    values[i] = base + (Long.compareUnsigned(y, shortCodes) < 0 ? y : ((y << 1) | readBit()) - shortCodes);
                    at = position;
                    valid = 0;
                    continue;
                }
                buffer = (long) LONGS.get(bytes, index) << (at & 7);
                valid = 57;
            }
            long y = width == 1 ? 0 : buffer >>> (65 - width);
            int length = width - 1;
            if (Long.compareUnsigned(y, shortCodes) >= 0) {
                y = (buffer >>> (64 - width)) - shortCodes;
                length = width;
            }
            values[i] = base + y;
            buffer <<= length;
            valid -= length;
            at += length;
        }
        if (at > endBit) {
            throw new SerializationException("time-series chunk is truncated: it ends in the middle of a point");
        }
        position = at;
    }

    /** Reads {@code end - from} unsigned integers of {@code width} bits (0..64) into {@code values}, each plus {@code base}. */
    void readPacked(long[] values, int from, int end, int width, long base) {
        if (width == 0) {
            java.util.Arrays.fill(values, from, end, base);
            return;
        }
        require((long) width * (end - from));
        long at = position;
        long buffer = 0;
        int valid = 0;
        for (int i = from; i < end; i++) {
            if (valid < width) {
                int index = (int) (at >>> 3);
                if (width > 57 || index + 8 > bytes.length) {
                    position = at;
                    values[i] = base + read(width);
                    at = position;
                    valid = 0;
                    continue;
                }
                buffer = (long) LONGS.get(bytes, index) << (at & 7);
                valid = 57;
            }
            values[i] = base + (buffer >>> (64 - width));
            buffer <<= width;
            valid -= width;
            at += width;
        }
        position = at;
    }

    /** Skips the bits up to the next whole byte, which must all be zero. */
    void skipPadding() {
        int pad = (int) ((8 - (position & 7)) & 7);
        if (read(pad) != 0) {
            throw new SerializationException("time-series chunk has non-zero padding bits");
        }
    }

    /** The bits left before the end of the region. */
    long remaining() {
        return endBit - position;
    }

    private void require(long count) {
        if (count > endBit - position) {
            throw new SerializationException("time-series chunk is truncated: it ends in the middle of a point");
        }
    }

    /** The eight bytes from {@code index}, zeros past the end of the array. */
    private long window(int index) {
        if (index + 8 <= bytes.length) {
            return (long) LONGS.get(bytes, index);
        }
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (index + i < bytes.length ? bytes[index + i] & 0xFF : 0);
        }
        return value;
    }
}
