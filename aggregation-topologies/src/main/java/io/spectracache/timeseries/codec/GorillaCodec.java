package io.spectracache.timeseries.codec;

import io.spectracache.serialization.StatelessSerde;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Compresses a {@link Chunk}: Facebook's Gorilla (Pelkonen et al., "Gorilla: A Fast, Scalable, In-Memory Time Series
 * Database", VLDB 2015), or better where the data allows. No maintained Java library does this, so it is ours;
 * {@code GorillaCodecTest} holds it to this description with property tests and golden chunks, and
 * {@code CodecSpeedBenchmarkTest} and {@code RawBytesPerPointBenchmarkTest} measure it. Stateless and thread-safe.
 *
 * <pre>{@code
 * byte[] bytes = GorillaCodec.encode(Chunk.of(new long[] {1000, 2000}, new double[] {21.5, 21.7}));
 * Chunk same = GorillaCodec.decode(bytes);   // every timestamp and every value's bits, exactly
 * }</pre>
 *
 * <p>Devices report readings with a few decimals on a timer, so per chunk this writes format version 2: values as
 * scaled decimals when every value of the chunk is one (else Gorilla's XOR doubles), each column coded as whichever
 * of a few integer codings is cheapest for that chunk, and timestamps in a byte-aligned section of their own before
 * the values: the chunks of a device's metrics cut from the same events begin with the same bytes, which the block
 * compression of the store (LZ4) can then share. Format version 1, Gorilla as in the paper, is still read.
 *
 * <p>Format version 2 (bit fields most significant bit first):
 * <pre>
 * byte      version = 2
 * uvarint   n, the number of points, at most {@value #MAX_POINTS} (0 ends the chunk here)
 * varlong   t0, the first timestamp (epoch ms, zig-zag)
 * timestamps, if n &gt;= 2 (a bit stream, padded with 0 bits to a whole byte):
 *   '0', or '1' + SIGNED g: the deltas d[i] = t[i] - t[i-1] are all multiples of g (1 if '0')
 *   SEQUENCE of the n-1 integers d[i] / g
 * values (a bit stream, padded with 0 bits to a whole byte):
 *   '0' + 4 bits k + SEQUENCE of the n integers m[i]: decimals, v[i] = (double) m[i] / 10^k (IEEE division, exact)
 *   '1' + XOR: 64 bits v[0], then per further value x = bits(v[i]) XOR bits(v[i-1]):
 *        '0' (x = 0) | '10' + the meaningful bits of x in the current window (its leading and trailing zeros are
 *        at least the window's) | '11' + 5 bits leading zeros (capped at 31) + 6 bits width (64 as 0) + width bits,
 *        which become the window
 *
 * SIGNED: 7 bits w (0..64), then the w low bits of the zig-zag form of the number
 * SEQUENCE of c &gt;= 1 integers x[0..c) (all arithmetic wraps in 64 bits):
 *   2 bits order o: 0 = the integers; 1 = SIGNED x[0], then the differences x[i] - x[i-1];
 *                   2 = SIGNED x[0], SIGNED x[1] - x[0], then the second differences x[i] - 2x[i-1] + x[i-2]
 *   if c - o residuals r[j] remain (none when o = c):
 *   2 bits coder:   0 = SIGNED base, 7 bits w (0..64), then each r[j] - base in w bits
 *                   1 = SIGNED base, 6 bits k, then each r[j] - base (unsigned) in RICE(k)
 *                   2 = 6 bits k, then each zig-zag(r[j]) in RICE(k)
 *                   3 = SIGNED base, 7 bits w (1..64), R in w bits, then each r[j] - base in TRUNCATED(w, R)
 * RICE(k) of u: q = u &gt;&gt;&gt; k; if q &lt; 24: q '1' bits, a '0', then the k low bits of u;
 *               else 24 '1' bits, q in 64 - k bits, then the k low bits of u
 * TRUNCATED(w, R) of x in [0, R], with s = 2^w - 1 - R (unsigned): x in w - 1 bits if x &lt; s, else x + s in w bits
 * </pre>
 * The encoder picks, per column and chunk, the order and coder with the fewest bits (estimated from the mean, then
 * Rice's k refined exactly); for values, decimals unless they cost over 20 bits a value and XOR costs less. A regular
 * timer costs no bits per timestamp (constant deltas, packed at width 0); readings that drift by a few hundredths
 * cost a Rice code of their step; readings drawn uniformly cost about log2 of their range in hundredths.
 *
 * <p>Format version 1 (written until version 2 existed; still read):
 * <pre>
 * byte      version = 1
 * uvarint   n, the number of points (0 ends the chunk here)
 * varlong   t0, the first timestamp (epoch ms, zig-zag)
 * 64 bits   v0, the first value's IEEE 754 bits                      ← the bit stream starts here, most significant
 *                                                                     bit first, padded with 0 bits to a whole byte
 * then for each further point i = 1..n-1:
 *   timestamp, with d = t[i] - t[i-1] and D = d - d_prev (d_prev = 0 for i = 1):
 *     '0'                     D = 0
 *     '10'   + 7 bits         D in [-63, 64]        (stored as D + 63)
 *     '110'  + 9 bits         D in [-255, 256]      (stored as D + 255)
 *     '1110' + 12 bits        D in [-2047, 2048]    (stored as D + 2047)
 *     '1111' + 64 bits        any other D (two's complement)
 *   value, as in version 2's XOR
 * </pre>
 * Timestamps may go backwards in either version (a negative delta is just another integer); the series layer keeps
 * chunks sorted.
 */
public final class GorillaCodec extends StatelessSerde<Chunk> {
    static final byte VERSION_2 = 2;
    /** The most points one chunk may hold: a bound on what a decoder allocates for a corrupt count. */
    public static final int MAX_POINTS = 1 << 20;
    /** Values costing more than this many bits each as decimals are also tried as XOR doubles. */
    private static final double DECIMAL_BITS_WORTH_CHECKING = 20;

    /**
     * Encodes {@code chunk} in format version 2.
     *
     * @throws SerializationException if the chunk has more than {@link #MAX_POINTS} points
     */
    public static byte[] encode(Chunk chunk) {
        int n = chunk.size();
        if (n > MAX_POINTS) {
            throw new SerializationException("a time-series chunk holds at most " + MAX_POINTS + " points, not " + n);
        }
        BitOutput out = new BitOutput(16 + n * 2);
        out.write(VERSION_2, 8);
        out.writeUnsignedVarint(n);
        if (n == 0) {
            return out.toByteArray();
        }
        long[] timestamps = chunk.timestampArray();
        double[] values = chunk.valueArray();
        out.writeVarlong(timestamps[0]);
        long[] integers = new long[n];
        long[] scratch = new long[n];
        if (n >= 2) {
            writeTimestamps(out, timestamps, n, integers, scratch);
            out.padToByte();
        }
        writeValues(out, values, n, integers, scratch);
        out.padToByte();
        return out.toByteArray();
    }

    private static void writeTimestamps(BitOutput out, long[] timestamps, int n, long[] deltas, long[] scratch) {
        long divisor = 0;
        long previous = 0;
        for (int i = 1; i < n; i++) {
            long delta = timestamps[i] - timestamps[i - 1];
            deltas[i - 1] = delta;
            // A regular series repeats its delta: skip the division (tens of cycles) when nothing changed.
            if (divisor != 1 && (delta != previous || i == 1)) {
                divisor = delta == Long.MIN_VALUE ? 1 : gcd(divisor, Math.abs(delta));
            }
            previous = delta;
        }
        if (divisor <= 1) {
            out.write(0, 1);
        } else {
            out.write(1, 1);
            IntegerSequences.writeSigned(out, divisor);
            for (int i = 0; i < n - 1; i++) {
                deltas[i] /= divisor;
            }
        }
        IntegerSequences.write(out, deltas, n - 1, scratch, IntegerSequences.plan(deltas, n - 1));
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long r = a % b;
            a = b;
            b = r;
        }
        return a;
    }

    private static void writeValues(BitOutput out, double[] values, int n, long[] units, long[] scratch) {
        int scale = Decimals.scale(values, n, units);
        if (scale >= 0) {
            IntegerSequences.Plan plan = IntegerSequences.plan(units, n);
            if (plan.bits() <= DECIMAL_BITS_WORTH_CHECKING * n || plan.bits() + 4 <= XorValues.bits(values, n)) {
                out.write(0, 1);
                out.write(scale, 4);
                IntegerSequences.write(out, units, n, scratch, plan);
                return;
            }
        }
        out.write(1, 1);
        XorValues.write(out, values, n);
    }

    /**
     * Decodes a chunk of format version 2 or 1.
     *
     * @throws SerializationException if the bytes are not one (truncated, corrupt, or of another version)
     */
    public static Chunk decode(byte[] data) {
        if (checkVersion(data) == GorillaVersion1.VERSION_1) {
            return GorillaVersion1.decode(data);
        }
        ChunkDecoder exact = ChunkDecoder.exact();
        exact.decode(data);
        return Chunk.adopt(exact.timestamps(), exact.values());
    }

    /**
     * The version byte of a chunk this build reads.
     *
     * @throws SerializationException if the bytes are empty or of another version
     */
    static byte checkVersion(byte[] data) {
        if (data.length == 0) {
            throw new SerializationException("time-series chunk is empty: not even a version byte");
        }
        if (data[0] != GorillaVersion1.VERSION_1 && data[0] != VERSION_2) {
            throw new SerializationException("unknown time-series chunk version " + data[0]
                    + " (this build reads versions 1 and 2)");
        }
        return data[0];
    }

    static void requireEnd(long bitsLeft) {
        if (bitsLeft != 0) {
            throw new SerializationException("time-series chunk has " + (bitsLeft / 8) + " bytes after its last point");
        }
    }

    /** Encodes {@code chunk} in format version 1, for tests and benchmarks that compare the two. */
    static byte[] encodeVersion1(Chunk chunk) {
        return GorillaVersion1.encode(chunk);
    }

    @Override
    public byte[] serialize(String topic, Chunk chunk) {
        return chunk == null ? null : encode(chunk);
    }

    @Override
    public Chunk deserialize(String topic, byte[] data) {
        return data == null ? null : decode(data);
    }
}
