package io.spectracache.timeseries;

import io.spectracache.timeseries.codec.Chunk;
import io.spectracache.timeseries.codec.Chunks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Reads one series from the stores of {@link TimeSeriesTopology} on the instance that owns its device: the sealed
 * part from the window stores, the open part from {@code timeseries-open}. The query side calls these with the
 * stores it gets from Kafka Streams ({@code streams.store(StoreQueryParameters.fromNameAndType(name,
 * QueryableStoreTypes.windowStore()))}, or the same reads as IQv2 {@code WindowKeyQuery} / {@code KeyQuery}).
 *
 * <pre>{@code
 * Chunk points = SeriesReads.raw(open, raw, settings.chunkMaxSpan().toMillis(), "truck-0042", "temp", from, to);
 * NavigableMap<Long, Rollup> minutes = SeriesReads.buckets(open, tier1m, tier, "truck-0042", "temp", from, to);
 * }</pre>
 */
public final class SeriesReads {
    private SeriesReads() {
    }

    /**
     * The raw points of one series with {@code from <= t < to}, in time order. Never null.
     *
     * @param chunkMaxSpanMs the {@code chunk.max.span} the series was written with: how far before {@code from} a
     *                       chunk holding points in range may start
     */
    public static Chunk raw(ReadOnlyKeyValueStore<Bytes, OpenSeries> open, ReadOnlyWindowStore<Bytes, Chunk> raw,
                            long chunkMaxSpanMs, String deviceId, String metric, long from, long to) {
        Bytes key = SeriesKeys.seriesPrefix(deviceId, metric);
        List<Chunk> parts = new ArrayList<>();
        if (to > from) {
            long earliestStart = from - chunkMaxSpanMs + 1 > from ? Long.MIN_VALUE : from - chunkMaxSpanMs + 1;
            try (WindowStoreIterator<Chunk> chunks = raw.fetch(key, Instant.ofEpochMilli(Math.max(0, earliestStart)),
                    Instant.ofEpochMilli(to - 1))) {
                while (chunks.hasNext()) {
                    parts.add(Chunks.between(chunks.next().value, from, to));
                }
            }
            OpenSeries series = open.get(key);
            if (series != null) {
                parts.add(Chunks.between(series.chunk(), from, to));
            }
        }
        return concat(parts);
    }

    /**
     * The buckets of one tier of one series whose start is in {@code [from, to)}, by start, sealed and open.
     * Never null; the rollups are the caller's to change.
     */
    public static NavigableMap<Long, Rollup> buckets(ReadOnlyKeyValueStore<Bytes, OpenSeries> open,
                                                    ReadOnlyWindowStore<Bytes, Rollup> tierStore, RollupTier tier,
                                                    String deviceId, String metric, long from, long to) {
        Bytes key = SeriesKeys.seriesPrefix(deviceId, metric);
        NavigableMap<Long, Rollup> buckets = new TreeMap<>();
        if (to <= from) {
            return buckets;
        }
        try (WindowStoreIterator<Rollup> sealed = tierStore.fetch(key, Instant.ofEpochMilli(Math.max(0, from)),
                Instant.ofEpochMilli(to - 1))) {
            while (sealed.hasNext()) {
                KeyValue<Long, Rollup> bucket = sealed.next();
                buckets.put(bucket.key, bucket.value);
            }
        }
        OpenSeries series = open.get(key);
        if (series != null) {
            Optional<OpenSeries.Bucket> bucket = series.openBucket(tier.name());
            bucket.filter(b -> b.start() >= from && b.start() < to).ifPresent(b -> buckets.put(b.start(), b.rollup()));
        }
        return buckets;
    }

    private static Chunk concat(List<Chunk> parts) {
        int n = 0;
        for (Chunk part : parts) {
            n += part.size();
        }
        long[] timestamps = new long[n];
        double[] values = new double[n];
        int at = 0;
        for (Chunk part : parts) {
            for (int i = 0; i < part.size(); i++) {
                timestamps[at] = part.timestamp(i);
                values[at] = part.value(i);
                at++;
            }
        }
        return Chunk.of(timestamps, values);
    }
}
