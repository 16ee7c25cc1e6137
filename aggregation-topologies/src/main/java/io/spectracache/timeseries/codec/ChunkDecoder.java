package io.spectracache.timeseries.codec;

import io.spectracache.serialization.Varints;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Decodes stored chunks ({@link GorillaCodec}'s bytes) into arrays it keeps and reuses, for a reader that copies
 * each chunk's points straight on (a bulk read writing them into Arrow buffers): no arrays and no {@link Chunk} per
 * chunk. The points are the ones {@link GorillaCodec#decode} gives, bit for bit (it decodes with this class), and so
 * are the errors. Not thread-safe: one per reading thread.
 *
 * <pre>{@code
 * ChunkDecoder decoder = new ChunkDecoder();
 * int n = decoder.decode(bytes);            // points [0, n) of timestamps() and values(), until the next decode
 * sink.accept(decoder.timestamps(), decoder.values(), 0, n);
 * }</pre>
 */
public final class ChunkDecoder {
    /** A sealed chunk's size at the default settings, with room for a late merge. */
    private static final int INITIAL_POINTS = 256;

    /** Arrays of exactly the chunk's size, new for each chunk (for {@link GorillaCodec#decode}), or reused. */
    private final boolean exact;
    private long[] timestamps;
    private double[] values;
    private long[] units;
    /** Where the second chunk of the last pair begins. */
    private int split;

    /** A decoder that reuses its arrays from chunk to chunk. */
    public ChunkDecoder() {
        this(false, INITIAL_POINTS);
    }

    private ChunkDecoder(boolean exact, int size) {
        this.exact = exact;
        this.timestamps = new long[size];
        this.values = new double[size];
        this.units = new long[size];
    }

    /** A decoder whose arrays are made anew for its one chunk, exactly its size: a {@link Chunk} may adopt them. */
    static ChunkDecoder exact() {
        return new ChunkDecoder(true, 0);
    }

    /**
     * Decodes {@code data} into {@link #timestamps()} and {@link #values()} from index 0, replacing what the previous
     * call decoded.
     *
     * @return the number of points
     * @throws SerializationException if the bytes are not a chunk (as {@link GorillaCodec#decode})
     */
    public int decode(byte[] data) {
        return decodeAt(data, 0);
    }

    /**
     * Decodes two chunks, {@code first}'s points into {@link #timestamps()} and {@link #values()} from index 0 and
     * {@code second}'s right after them (from {@link #split()}), replacing what the previous call decoded: the points
     * {@link #decode} gives for each, decoded together (their integer codes interleaved, which is faster than one
     * after the other; see {@link IntegerSequences#readPair}).
     *
     * @return the number of points of both
     * @throws SerializationException if either is not a chunk
     */
    public int decode(byte[] first, byte[] second) {
        if (GorillaCodec.checkVersion(first) != GorillaCodec.VERSION_2
                || GorillaCodec.checkVersion(second) != GorillaCodec.VERSION_2) {
            split = decodeAt(first, 0);
            return split + decodeAt(second, split);
        }
        try {
            ByteBuffer firstHeader = header(first);
            int firstSize = size(firstHeader);
            ByteBuffer secondHeader = header(second);
            int secondSize = size(secondHeader);
            if (firstSize < 2 || secondSize < 2) {
                split = decodeAt(first, 0);
                return split + decodeAt(second, split);
            }
            int n = firstSize + secondSize;
            ensure(0, n);
            timestamps[0] = Varints.readVarlong(firstHeader);
            timestamps[firstSize] = Varints.readVarlong(secondHeader);
            BitInput a = new BitInput(first, firstHeader.position(), firstHeader.remaining());
            BitInput b = new BitInput(second, secondHeader.position(), secondHeader.remaining());
            long aDivisor = readDivisor(a);
            long bDivisor = readDivisor(b);
            IntegerSequences.readPair(a, timestamps, 1, firstSize - 1, b, timestamps, firstSize + 1, secondSize - 1);
            sumTimestamps(0, firstSize, aDivisor);
            sumTimestamps(firstSize, secondSize, bDivisor);
            a.skipPadding();
            b.skipPadding();
            boolean aXor = a.readBit() == 1;
            boolean bXor = b.readBit() == 1;
            if (!aXor && !bXor) {
                double aPower = Decimals.POWERS[(int) a.read(4)];
                double bPower = Decimals.POWERS[(int) b.read(4)];
                long[] integers = units(n);
                IntegerSequences.readPair(a, integers, 0, firstSize, b, integers, firstSize, secondSize);
                toDecimals(integers, 0, 0, firstSize, aPower);
                toDecimals(integers, firstSize, firstSize, secondSize, bPower);
            } else {
                readValues(a, aXor, 0, firstSize);
                readValues(b, bXor, firstSize, secondSize);
            }
            a.skipPadding();
            b.skipPadding();
            GorillaCodec.requireEnd(a.remaining());
            GorillaCodec.requireEnd(b.remaining());
            split = firstSize;
            return n;
        } catch (BufferUnderflowException e) {
            throw new SerializationException("time-series chunk is truncated: it ends inside its header", e);
        } catch (SerializationException e) {
            throw headerError(e);
        }
    }

    /** Where the second chunk of the last {@link #decode(byte[], byte[])} begins: the first's number of points. */
    public int split() {
        return split;
    }

    /** Decodes {@code data} into the arrays from index {@code at} (those before kept); the number of points. */
    private int decodeAt(byte[] data, int at) {
        if (GorillaCodec.checkVersion(data) == GorillaVersion1.VERSION_1) {
            Chunk chunk = GorillaVersion1.decode(data); // the old format, read once per chunk left from before format 2
            int n = chunk.size();
            ensure(at, n);
            chunk.copyTo(0, n, timestamps, values, at);
            return n;
        }
        try {
            ByteBuffer header = header(data);
            int n = size(header);
            ensure(at, n);
            if (n == 0) {
                GorillaCodec.requireEnd(header.remaining() * 8L);
                return 0;
            }
            timestamps[at] = Varints.readVarlong(header);
            BitInput in = new BitInput(data, header.position(), header.remaining());
            if (n >= 2) {
                long divisor = readDivisor(in);
                IntegerSequences.read(in, timestamps, at + 1, n - 1);
                sumTimestamps(at, n, divisor);
                in.skipPadding();
            }
            readValues(in, in.readBit() == 1, at, n);
            in.skipPadding();
            GorillaCodec.requireEnd(in.remaining());
            return n;
        } catch (BufferUnderflowException e) {
            throw new SerializationException("time-series chunk is truncated: it ends inside its header", e);
        } catch (SerializationException e) {
            throw headerError(e);
        }
    }

    private static ByteBuffer header(byte[] data) {
        return ByteBuffer.wrap(data, 1, data.length - 1);
    }

    /** The chunk's number of points, from its header. */
    private static int size(ByteBuffer header) {
        int n = Varints.readUnsignedVarint(header);
        if (n < 0 || n > GorillaCodec.MAX_POINTS) {
            throw new SerializationException("time-series chunk claims " + Integer.toUnsignedString(n)
                    + " points, more than the " + GorillaCodec.MAX_POINTS + " a chunk may hold");
        }
        return n;
    }

    /** Our own messages as they are; a varint's error said to be the header's. */
    private static SerializationException headerError(SerializationException e) {
        return e.getMessage() != null && e.getMessage().startsWith("time-series chunk") ? e
                : new SerializationException("time-series chunk has a corrupt header: " + e.getMessage(), e);
    }

    /** The timestamps of the last chunk decoded, in {@code [0, n)}: the decoder's own array, overwritten by the next decode. */
    public long[] timestamps() {
        return timestamps;
    }

    /** The values of the last chunk decoded, in {@code [0, n)}: the decoder's own array, overwritten by the next decode. */
    public double[] values() {
        return values;
    }

    /** Room for points {@code [at, at + n)}, keeping those before {@code at}. */
    private void ensure(int at, int n) {
        int size = at + n;
        if (exact ? timestamps.length != size : timestamps.length < size) {
            int length = exact ? size : Math.max(size, timestamps.length * 2);
            timestamps = java.util.Arrays.copyOf(timestamps, length);
            values = java.util.Arrays.copyOf(values, length);
        }
    }

    private long[] units(int n) {
        if (units.length < n) {
            units = new long[exact ? n : Math.max(n, units.length * 2)];
        }
        return units;
    }

    private static long readDivisor(BitInput in) {
        long divisor = 1;
        if (in.readBit() == 1) {
            divisor = IntegerSequences.readSigned(in);
            if (divisor < 2) {
                throw new SerializationException("time-series chunk has a timestamp divisor of " + divisor);
            }
        }
        return divisor;
    }

    /** Turns the deltas in {@code timestamps[at + 1, at + n)} into times after {@code timestamps[at]}. */
    private void sumTimestamps(int at, int n, long divisor) {
        long[] times = timestamps;
        long time = times[at]; // as IntegerSequences: the running sum in a local, not read back from the array
        int end = at + n;
        if (divisor == 1) {
            for (int i = at + 1; i < end; i++) {
                time += times[i];
                times[i] = time;
            }
        } else {
            for (int i = at + 1; i < end; i++) {
                time += times[i] * divisor;
                times[i] = time;
            }
        }
    }

    /** Reads the values after their first bit ({@code xor}) into {@code values[at, at + n)}. */
    private void readValues(BitInput in, boolean xor, int at, int n) {
        if (xor) {
            XorValues.read(in, values, at, n);
            return;
        }
        double power = Decimals.POWERS[(int) in.read(4)];
        long[] integers = units(n);
        IntegerSequences.read(in, integers, 0, n);
        toDecimals(integers, 0, at, n, power);
    }

    /**
     * {@code values[at + i] = integers[from + i] / power} for {@code i < n}: m / 10^k as Java evaluates it (m
     * converted to a double, then an IEEE division), in two loops that the JIT compiles to vector instructions (one
     * division a value took 14 % of a Flight thread's time as one loop).
     */
    private void toDecimals(long[] integers, int from, int at, int n, double power) {
        double[] decoded = values;
        for (int i = 0; i < n; i++) {
            decoded[at + i] = integers[from + i];
        }
        for (int i = 0; i < n; i++) {
            decoded[at + i] /= power;
        }
    }
}
