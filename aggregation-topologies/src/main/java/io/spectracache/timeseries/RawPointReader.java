package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import io.spectracache.timeseries.codec.Chunk;
import io.spectracache.timeseries.codec.ChunkDecoder;
import io.spectracache.timeseries.codec.Chunks;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Reads the raw points of series for a bulk writer: the points {@link SeriesReads#raw} answers, in the same order,
 * handed to a {@link PointSink} chunk by chunk instead of joined into a {@link Chunk}. Where the stores give the
 * sealed chunks as stored ({@link SeriesStores#rawSerialized}), each is decoded from its bytes into arrays this reader
 * reuses ({@link ChunkDecoder}) and handed on from there: no arrays, no {@code Chunk} and no copy per chunk before the
 * sink's own. Not thread-safe: one per reading thread (a page of a bulk read).
 *
 * <pre>{@code
 * RawPointReader reader = new RawPointReader();
 * int given = reader.read(stores, chunkMaxSpanMs, SeriesKeys.seriesPrefix("truck-0042", "temp"), from, to, 32_768,
 *         (timestamps, values, offset, n) -> ...);
 * }</pre>
 */
public final class RawPointReader {
    private final ChunkDecoder decoder = new ChunkDecoder();
    /** Points of a chunk that came decoded (the open chunk; sealed ones from stores that give no bytes). */
    private long[] timestamps = new long[256];
    private double[] values = new double[256];

    /**
     * Hands {@code sink} the first {@code limit} raw points of one series with {@code from <= t < to}, in time order
     * (those of {@link SeriesReads#raw(SeriesStores, long, Bytes, long, long)}, read the same way: the open chunk first,
     * then the sealed chunks that start before it).
     *
     * @param chunkMaxSpanMs the {@code chunk.max.span} the series was written with
     * @return how many points {@code sink} took, at most {@code limit}
     * @throws io.spectracache.errors.RetryLaterException as {@link SeriesReads#raw}
     */
    public int read(SeriesStores stores, long chunkMaxSpanMs, Bytes key, long from, long to, int limit, PointSink sink) {
        requireNonNull(sink, "sink");
        if (to <= from || limit <= 0) {
            return 0;
        }
        Chunk openChunk = SeriesReads.openChunk(stores, key);
        long openFirst = openChunk.size() == 0 ? Long.MAX_VALUE : openChunk.timestamp(0);
        long earliestStart = from - chunkMaxSpanMs + 1 > from ? Long.MIN_VALUE : from - chunkMaxSpanMs + 1;
        long fromStart = Math.max(0, earliestStart);
        int given = 0;
        Optional<WindowStoreIterator<byte[]>> stored = stores.rawSerialized(key, fromStart, to - 1);
        if (stored.isPresent()) {
            try (WindowStoreIterator<byte[]> chunks = stored.get()) {
                // Two chunks at a time: decoded together, their codes interleaved (ChunkDecoder), which is faster.
                byte[] held = null;
                while (given < limit && chunks.hasNext()) {
                    KeyValue<Long, byte[]> chunk = chunks.next();
                    if (chunk.key >= openFirst) {
                        continue;
                    }
                    if (held == null) {
                        held = chunk.value;
                        continue;
                    }
                    int n = decoder.decode(held, chunk.value);
                    held = null;
                    int split = decoder.split();
                    given += give(decoder.timestamps(), decoder.values(), 0, split, from, to, limit - given, sink);
                    if (given < limit) {
                        given += give(decoder.timestamps(), decoder.values(), split, n - split, from, to, limit - given,
                                sink);
                    }
                }
                if (held != null && given < limit) {
                    int n = decoder.decode(held);
                    given += give(decoder.timestamps(), decoder.values(), 0, n, from, to, limit - given, sink);
                }
            }
        } else {
            try (WindowStoreIterator<Chunk> chunks = stores.raw(key, fromStart, to - 1)) {
                while (given < limit && chunks.hasNext()) {
                    KeyValue<Long, Chunk> chunk = chunks.next();
                    if (chunk.key < openFirst) {
                        given += giveDecoded(chunk.value, from, to, limit - given, sink);
                    }
                }
            }
        }
        if (given < limit) {
            given += giveDecoded(openChunk, from, to, limit - given, sink);
        }
        return given;
    }

    private int giveDecoded(Chunk chunk, long from, long to, int max, PointSink sink) {
        int n = chunk.size();
        if (n == 0) {
            return 0;
        }
        if (timestamps.length < n) {
            timestamps = new long[Math.max(n, timestamps.length * 2)];
            values = new double[timestamps.length];
        }
        chunk.copyTo(0, n, timestamps, values, 0);
        return give(timestamps, values, 0, n, from, to, max, sink);
    }

    /**
     * Hands on the points of {@code [at, at + n)} (in time order) with {@code from <= t < to}, at most {@code max}.
     */
    private static int give(long[] timestamps, double[] values, int at, int n, long from, long to, int max,
                            PointSink sink) {
        int start = Chunks.lowerBound(timestamps, at, at + n, from);
        int end = Chunks.lowerBound(timestamps, at, at + n, to);
        int count = Math.min(end - start, max);
        if (count <= 0) {
            return 0;
        }
        sink.accept(timestamps, values, start, count);
        return count;
    }
}
