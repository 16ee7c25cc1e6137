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
        if (GorillaCodec.checkVersion(data) == GorillaVersion1.VERSION_1) {
            Chunk chunk = GorillaVersion1.decode(data); // the old format, read once per chunk left from before format 2
            int n = chunk.size();
            ensure(n);
            chunk.copyTo(0, n, timestamps, values, 0);
            return n;
        }
        try {
            ByteBuffer header = ByteBuffer.wrap(data, 1, data.length - 1);
            int n = Varints.readUnsignedVarint(header);
            if (n < 0 || n > GorillaCodec.MAX_POINTS) {
                throw new SerializationException("time-series chunk claims " + Integer.toUnsignedString(n)
                        + " points, more than the " + GorillaCodec.MAX_POINTS + " a chunk may hold");
            }
            ensure(n);
            if (n == 0) {
                GorillaCodec.requireEnd(header.remaining() * 8L);
                return 0;
            }
            timestamps[0] = Varints.readVarlong(header);
            BitInput in = new BitInput(data, header.position(), header.remaining());
            if (n >= 2) {
                readTimestamps(in, n);
                in.skipPadding();
            }
            readValues(in, n);
            in.skipPadding();
            GorillaCodec.requireEnd(in.remaining());
            return n;
        } catch (BufferUnderflowException e) {
            throw new SerializationException("time-series chunk is truncated: it ends inside its header", e);
        } catch (SerializationException e) {
            throw e.getMessage() != null && e.getMessage().startsWith("time-series chunk") ? e
                    : new SerializationException("time-series chunk has a corrupt header: " + e.getMessage(), e);
        }
    }

    /** The timestamps of the last chunk decoded, in {@code [0, n)}: the decoder's own array, overwritten by the next decode. */
    public long[] timestamps() {
        return timestamps;
    }

    /** The values of the last chunk decoded, in {@code [0, n)}: the decoder's own array, overwritten by the next decode. */
    public double[] values() {
        return values;
    }

    private void ensure(int n) {
        if (exact ? timestamps.length != n : timestamps.length < n) {
            int size = exact ? n : Math.max(n, timestamps.length * 2);
            timestamps = new long[size];
            values = new double[size];
        }
    }

    private long[] units(int n) {
        if (units.length < n) {
            units = new long[exact ? n : Math.max(n, units.length * 2)];
        }
        return units;
    }

    private void readTimestamps(BitInput in, int n) {
        long divisor = 1;
        if (in.readBit() == 1) {
            divisor = IntegerSequences.readSigned(in);
            if (divisor < 2) {
                throw new SerializationException("time-series chunk has a timestamp divisor of " + divisor);
            }
        }
        long[] times = timestamps;
        IntegerSequences.read(in, times, 1, n - 1);
        long time = times[0]; // as IntegerSequences: the running sum in a local, not read back from the array
        if (divisor == 1) {
            for (int i = 1; i < n; i++) {
                time += times[i];
                times[i] = time;
            }
        } else {
            for (int i = 1; i < n; i++) {
                time += times[i] * divisor;
                times[i] = time;
            }
        }
    }

    private void readValues(BitInput in, int n) {
        if (in.readBit() == 1) {
            XorValues.read(in, values, 0, n);
            return;
        }
        double power = Decimals.POWERS[(int) in.read(4)];
        long[] integers = units(n);
        IntegerSequences.read(in, integers, 0, n);
        double[] decoded = values;
        // m / 10^k as Java evaluates it (m converted to a double, then an IEEE division), in two loops that the JIT
        // compiles to vector instructions: one division a value took 14 % of a Flight thread's time as one loop.
        for (int i = 0; i < n; i++) {
            decoded[i] = integers[i];
        }
        for (int i = 0; i < n; i++) {
            decoded[i] /= power;
        }
    }
}
