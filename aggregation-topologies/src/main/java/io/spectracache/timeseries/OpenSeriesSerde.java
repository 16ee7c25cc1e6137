package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import io.spectracache.serialization.Varints;
import io.spectracache.timeseries.codec.Chunk;
import io.spectracache.timeseries.codec.GorillaCodec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The stored form of an {@link OpenSeries}, for the tiers it is built with: a tier in the bytes that is no longer
 * configured is dropped, a configured tier missing from the bytes starts empty. Thread-safe.
 *
 * <p>Format version 1:
 * <pre>
 * byte     version = 1
 * varlong  latest point time (zig-zag), then varlong the newest sealed point time
 * uvarint  length, then the open chunk in {@link GorillaCodec}'s format
 * uvarint  number of tiers, then per tier:
 *   uvarint length + UTF-8 name, varlong newest sealed bucket start, byte 1 if a bucket is open else 0,
 *   and if open: varlong its start, uvarint length + the bucket in {@link RollupSerde}'s format
 * </pre>
 */
public final class OpenSeriesSerde implements Serde<OpenSeries>, Serializer<OpenSeries>, Deserializer<OpenSeries> {
    static final byte VERSION_1 = 1;

    private final String[] tierNames;
    private final RollupSerde rollups = new RollupSerde();

    /** @param tierNames the configured tiers, finest first */
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
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            ByteBuffer scratch = ByteBuffer.allocate(2 * Varints.MAX_VARLONG_BYTES + 5);
            scratch.put(VERSION_1);
            Varints.writeVarlong(series.latest(), scratch);
            Varints.writeVarlong(series.newestSealedPoint(), scratch);
            flush(scratch, out);
            writeBytes(GorillaCodec.encode(series.chunk()), out);
            Varints.writeUnsignedVarint(series.tierCount(), scratch);
            flush(scratch, out);
            for (int tier = 0; tier < series.tierCount(); tier++) {
                writeBytes(series.tierName(tier).getBytes(StandardCharsets.UTF_8), out);
                Varints.writeVarlong(series.newestSealedBucket(tier), scratch);
                Rollup open = series.bucket(tier);
                scratch.put((byte) (open == null ? 0 : 1));
                if (open != null) {
                    Varints.writeVarlong(series.bucketStart(tier), scratch);
                }
                flush(scratch, out);
                if (open != null) {
                    writeBytes(rollups.serialize(topic, open), out);
                }
            }
            return out.toByteArray();
        }
    }

    private static void flush(ByteBuffer scratch, ByteArrayOutputStream out) {
        out.write(scratch.array(), 0, scratch.position());
        scratch.clear();
    }

    private static void writeBytes(byte[] bytes, ByteArrayOutputStream out) {
        ByteBuffer length = ByteBuffer.allocate(5);
        Varints.writeUnsignedVarint(bytes.length, length);
        out.write(length.array(), 0, length.position());
        out.write(bytes, 0, bytes.length);
    }

    @Override
    public OpenSeries deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            byte version = in.get();
            if (version != VERSION_1) {
                throw new SerializationException("unknown open-series version " + version);
            }
            OpenSeries series = empty();
            long latest = Varints.readVarlong(in);
            long newestSealed = Varints.readVarlong(in);
            Chunk chunk = GorillaCodec.decode(readBytes(in));
            series.restore(latest, newestSealed, chunk);
            int tiers = Varints.readUnsignedVarint(in);
            if (tiers < 0 || tiers > in.remaining()) {
                throw new SerializationException("open series claims " + tiers + " tiers");
            }
            for (int i = 0; i < tiers; i++) {
                String name = new String(readBytes(in), StandardCharsets.UTF_8);
                long newestSealedBucket = Varints.readVarlong(in);
                byte hasOpen = in.get();
                if (hasOpen != 0 && hasOpen != 1) {
                    throw new SerializationException("open series has a bad open-bucket flag " + hasOpen);
                }
                long start = hasOpen == 1 ? Varints.readVarlong(in) : 0;
                Rollup open = hasOpen == 1 ? rollups.deserialize(topic, readBytes(in)) : null;
                int tier = Arrays.asList(tierNames).indexOf(name);
                if (tier >= 0) {
                    series.restoreTier(tier, newestSealedBucket, start, open);
                }
            }
            if (in.hasRemaining()) {
                throw new SerializationException("open series has bytes after its last tier");
            }
            return series;
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new SerializationException("not a valid open series: " + e.getMessage(), e);
        }
    }

    private static byte[] readBytes(ByteBuffer in) {
        int length = Varints.readUnsignedVarint(in);
        if (length < 0 || length > in.remaining()) {
            throw new SerializationException("open series field of " + length + " bytes exceeds the record");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    @Override
    public Serializer<OpenSeries> serializer() {
        return this;
    }

    @Override
    public Deserializer<OpenSeries> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure
    }

    @Override
    public void close() {
        // nothing to release
    }
}
