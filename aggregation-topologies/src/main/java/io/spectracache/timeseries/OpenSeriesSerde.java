package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import io.spectracache.serialization.StatelessSerde;
import io.spectracache.serialization.Varints;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The stored forms of an {@link OpenSeries}, for the tiers it is built with. As a serde, the <em>base</em>: the whole
 * open state, what {@code timeseries-open} holds (written when a series is created and when the processor starts a
 * new base). Inside {@link DeviceTailsSerde}, the <em>tail</em>: the clocks and the operations since the base. A
 * tier in the bytes that is no longer configured is dropped, a configured tier missing from the bytes starts empty.
 * Thread-safe.
 *
 * <p>Format version 3 (the base), what every base writes:
 * <pre>
 * byte     version = 3
 * varlong  generation (at least 1)
 * varlong  latest point time, then varlong the newest sealed point time
 * uvarint  number of points of the open chunk, then per point: varlong its time minus the previous point's (the
 *          first: minus 0), then its value as {@link PackedValues} (one sequence over the chunk's values)
 * uvarint  number of tiers, then per tier:
 *   uvarint length + UTF-8 name, varlong newest sealed bucket start, byte 1 if a bucket is open else 0,
 *   and if open: varlong its start, uvarint length + the bucket in {@link RollupSerde}'s packed form
 * </pre>
 * A base is the whole open state, rewritten every so many readings, and most of it is values: the open chunk's and
 * the sketch items of the open buckets (the hour's sketch holds hundreds). Version 3 writes them as decimals relative
 * to the value before (2–3 bytes for a two-decimal reading, 1–2 for a sketch's sorted items) where version 2 wrote
 * 8–9 bytes each, so a base takes about a third of the bytes.
 *
 * <p>Format version 2, written before and still read: the same but each chunk value as uvarlong its IEEE 754 bits XOR
 * the previous point's (the first: XOR 0), and each open bucket as uvarint length + the bucket in
 * {@link RollupSerde}'s format. (Version 1, one record holding everything and rewritten every commit, is gone.)
 *
 * The tail (no version of its own: {@link DeviceTailsSerde}'s):
 * <pre>
 * uvarint  number of tiers, then per tier: uvarint length + UTF-8 name, varlong newest sealed bucket start
 * varlong  latest point time, then varlong the newest sealed point time
 * byte     1 if a chunk point or a bucket is open, else 0
 * varlong  the generation of the base the operations continue (0: none, they start from an empty series)
 * uvarint  number of operations, uvarint their length in bytes, then the operations in {@link OpenLog}'s format
 *          (format 2; format 1 in device tails of version 1), tier numbers in them indexing the tiers as listed above
 * </pre>
 * (varlong: zig-zag LEB128; uvarint, uvarlong: LEB128, as {@link Varints}.)
 */
public final class OpenSeriesSerde extends StatelessSerde<OpenSeries> {
    static final byte VERSION_2 = 2;
    static final byte VERSION_3 = 3;

    private final String[] tierNames;
    private final RollupSerde rollups = new RollupSerde();

    /**
     * The base form, what {@code timeseries-open} holds.
     *
     * @param tierNames the configured tiers, finest first
     */
    public OpenSeriesSerde(String... tierNames) {
        this.tierNames = requireNonNull(tierNames, "tierNames").clone();
    }

    /** A new, empty series for the configured tiers. */
    OpenSeries empty() {
        return new OpenSeries(tierNames);
    }

    @Override
    public byte[] serialize(String topic, OpenSeries series) {
        if (series == null) {
            return null;
        }
        synchronized (series) {
            ByteWriter out = new ByteWriter();
            out.put(VERSION_3);
            writeBase(series, out);
            return out.toByteArray();
        }
    }

    /** Writes the tail of {@code series}, which the caller holds the monitor of. */
    void writeTail(OpenSeries series, ByteWriter out) {
        long[] newestSealed = series.newestSealedBuckets();
        out.unsigned(series.tierCount());
        for (int tier = 0; tier < series.tierCount(); tier++) {
            out.bytes(series.tierName(tier).getBytes(StandardCharsets.UTF_8));
            out.signed(newestSealed[tier]);
        }
        out.signed(series.latest());
        out.signed(series.newestSealedPoint());
        out.put((byte) (series.hasOpenParts() ? 1 : 0));
        out.signed(series.generation());
        OpenLog log = series.log();
        out.unsigned(log.operations());
        out.bytes(log.encoded());
    }

    private static void writeBase(OpenSeries series, ByteWriter out) {
        if (!series.isComplete()) {
            throw new IllegalStateException("an incomplete open series has no base form");
        }
        out.signed(series.generation());
        out.signed(series.latest());
        out.signed(series.newestSealedPoint());
        var chunk = series.chunk();
        out.unsigned(chunk.size());
        long previousTime = 0;
        PackedValues.Writer values = new PackedValues.Writer(out);
        for (int i = 0; i < chunk.size(); i++) {
            out.signed(chunk.timestamp(i) - previousTime);
            values.write(chunk.value(i));
            previousTime = chunk.timestamp(i);
        }
        out.unsigned(series.tierCount());
        for (int tier = 0; tier < series.tierCount(); tier++) {
            out.bytes(series.tierName(tier).getBytes(StandardCharsets.UTF_8));
            out.signed(series.newestSealedBucket(tier));
            Rollup open = series.bucket(tier);
            out.put((byte) (open == null ? 0 : 1));
            if (open != null) {
                out.signed(series.bucketStart(tier));
                ByteWriter bucket = new ByteWriter();
                RollupSerde.writePacked(open, bucket);
                out.bytes(bucket.toByteArray());
            }
        }
    }

    @Override
    public OpenSeries deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            byte version = in.get();
            if (version != VERSION_2 && version != VERSION_3) {
                throw new SerializationException("unknown open-series version " + version);
            }
            OpenSeries series = readBase(topic, in, version);
            if (in.hasRemaining()) {
                throw new SerializationException("open series has " + in.remaining() + " bytes after its end");
            }
            return series;
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new SerializationException("not a valid open series: " + e.getMessage(), e);
        }
    }

    /**
     * The raw part of a base, as {@link #deserialize} reads it (generation, clocks and open chunk), without its tiers:
     * their open buckets' sketches are neither decoded nor checked. For a raw read ({@link SeriesReads#openChunk}),
     * which needs the open chunk only: the series has no tier, so only its chunk and generation are to be read.
     *
     * @throws SerializationException if the bytes up to the tiers are not a base
     */
    static OpenSeries deserializeRaw(byte[] data) {
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            byte version = in.get();
            if (version != VERSION_2 && version != VERSION_3) {
                throw new SerializationException("unknown open-series version " + version);
            }
            OpenSeries series = new OpenSeries(new String[0]);
            readChunk(in, version, series);
            return series;
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new SerializationException("not a valid open series: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a tail (an incomplete series) as {@link #writeTail} wrote it, its operations in {@code logFormat}
     * ({@link OpenLog#FORMAT_1} or {@link OpenLog#FORMAT_2}).
     */
    OpenSeries readTail(ByteBuffer in, int logFormat) {
        OpenSeries series = empty();
        int tiers = count(in, "tiers");
        int[] toConfigured = new int[tiers];
        boolean same = tiers == tierNames.length;
        long[] newestSealed = new long[tierNames.length];
        Arrays.fill(newestSealed, Long.MIN_VALUE);
        for (int i = 0; i < tiers; i++) {
            String name = new String(readBytes(in), StandardCharsets.UTF_8);
            long sealed = Varints.readVarlong(in);
            toConfigured[i] = Arrays.asList(tierNames).indexOf(name);
            same &= toConfigured[i] == i;
            if (toConfigured[i] >= 0) {
                newestSealed[toConfigured[i]] = sealed;
            }
        }
        long latest = Varints.readVarlong(in);
        long newestSealedPoint = Varints.readVarlong(in);
        byte open = in.get();
        if (open != 0 && open != 1) {
            throw new SerializationException("open series has a bad open-parts flag " + open);
        }
        long generation = Varints.readVarlong(in);
        if (generation < 0) {
            throw new SerializationException("open series continues base generation " + generation);
        }
        int operations = count(in, "operations");
        OpenLog log = OpenLog.of(readBytes(in), operations, tiers, logFormat);
        if (!same) {
            log = log.remapped(toConfigured);
        }
        series.restoreTail(generation, latest, newestSealedPoint, open == 1, log);
        for (int tier = 0; tier < tierNames.length; tier++) {
            series.sealedBucket(tier, newestSealed[tier]);
        }
        return series;
    }

    private OpenSeries readBase(String topic, ByteBuffer in, byte version) {
        OpenSeries series = empty();
        readChunk(in, version, series);
        int tiers = count(in, "tiers");
        for (int i = 0; i < tiers; i++) {
            String name = new String(readBytes(in), StandardCharsets.UTF_8);
            long newestSealedBucket = Varints.readVarlong(in);
            byte hasOpen = in.get();
            if (hasOpen != 0 && hasOpen != 1) {
                throw new SerializationException("open series has a bad open-bucket flag " + hasOpen);
            }
            long start = hasOpen == 1 ? Varints.readVarlong(in) : 0;
            Rollup open = hasOpen == 1 ? bucket(topic, readBytes(in), version) : null;
            int tier = Arrays.asList(tierNames).indexOf(name);
            if (tier >= 0) {
                series.restoreTier(tier, newestSealedBucket, start, open);
            }
        }
        return series;
    }

    /** Reads a base's generation, clocks and open chunk into {@code series}. */
    private static void readChunk(ByteBuffer in, byte version, OpenSeries series) {
        long generation = Varints.readVarlong(in);
        if (generation < 1) {
            throw new SerializationException("open-series base has generation " + generation);
        }
        long latest = Varints.readVarlong(in);
        long newestSealedPoint = Varints.readVarlong(in);
        int points = count(in, "points");
        long[] timestamps = new long[points];
        double[] values = new double[points];
        long previousTime = 0;
        long previousBits = 0;
        PackedValues.Reader packed = new PackedValues.Reader(in);
        for (int i = 0; i < points; i++) {
            previousTime += Varints.readVarlong(in);
            if (version == VERSION_2) {
                previousBits ^= PackedValues.readUnsigned(in);
            } else {
                previousBits = packed.readBits();
            }
            if (i > 0 && previousTime <= timestamps[i - 1]) {
                throw new SerializationException("open chunk times are not increasing at point " + i);
            }
            timestamps[i] = previousTime;
            values[i] = Double.longBitsToDouble(previousBits);
        }
        series.restoreBase(generation, latest, newestSealedPoint, timestamps, values);
    }

    private Rollup bucket(String topic, byte[] stored, byte version) {
        if (version == VERSION_2) {
            return rollups.deserialize(topic, stored);
        }
        return RollupSerde.readPacked(ByteBuffer.wrap(stored));
    }

    /** A count that cannot exceed the bytes left (each counted item takes at least one). */
    static int count(ByteBuffer in, String what) {
        int count = Varints.readUnsignedVarint(in);
        if (count < 0 || count > in.remaining()) {
            throw new SerializationException("open series claims " + count + " " + what);
        }
        return count;
    }


    static byte[] readBytes(ByteBuffer in) {
        byte[] bytes = new byte[readLength(in)];
        in.get(bytes);
        return bytes;
    }

    /** Reads a field's length, checked to fit in what is left of the record; the field's bytes follow. */
    static int readLength(ByteBuffer in) {
        int length = Varints.readUnsignedVarint(in);
        if (length < 0 || length > in.remaining()) {
            throw new SerializationException("open series field of " + length + " bytes exceeds the record");
        }
        return length;
    }
}
