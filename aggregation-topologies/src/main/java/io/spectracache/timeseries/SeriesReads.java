package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import io.spectracache.timeseries.codec.Chunk;
import io.spectracache.timeseries.codec.Chunks;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Reads series from the stores of {@link TimeSeriesTopology} on the instance that owns their device: the sealed part
 * from the window stores, the open part from {@code timeseries-open}, through {@link SeriesStores} (Interactive
 * Queries v2 in the query service, the stores themselves in tests).
 *
 * <pre>{@code
 * Chunk points = SeriesReads.raw(stores, settings.chunkMaxSpan().toMillis(), "truck-0042", "temp", from, to);
 * NavigableMap<Long, Rollup> minutes = SeriesReads.buckets(stores, tier, "truck-0042", "temp", from, to);
 * List<SeriesReads.Listed> metrics = SeriesReads.metrics(stores, settings.tiers(), "truck-0042");
 * }</pre>
 */
public final class SeriesReads {
    private SeriesReads() {
    }

    /**
     * One series of a device as listed: its metric, and the times of its oldest and newest point still kept (in any
     * tier).
     */
    public record Listed(String metric, long first, long last) {
        public Listed {
            requireNonNull(metric, "metric");
        }
    }

    /**
     * The raw points of one series with {@code from <= t < to}, in time order. Never null.
     *
     * @param chunkMaxSpanMs the {@code chunk.max.span} the series was written with: how far before {@code from} a
     *                       chunk holding points in range may start
     */
    public static Chunk raw(SeriesStores stores, long chunkMaxSpanMs, String deviceId, String metric, long from,
                            long to) {
        return raw(stores, chunkMaxSpanMs, SeriesKeys.seriesPrefix(deviceId, metric), from, to);
    }

    /** As {@link #raw(SeriesStores, long, String, String, long, long)}, for a series key. */
    public static Chunk raw(SeriesStores stores, long chunkMaxSpanMs, Bytes key, long from, long to) {
        List<Chunk> parts = new ArrayList<>();
        if (to > from) {
            long earliestStart = from - chunkMaxSpanMs + 1 > from ? Long.MIN_VALUE : from - chunkMaxSpanMs + 1;
            try (WindowStoreIterator<Chunk> chunks = stores.raw(key, Math.max(0, earliestStart), to - 1)) {
                while (chunks.hasNext()) {
                    parts.add(Chunks.between(chunks.next().value, from, to));
                }
            }
            OpenSeries series = stores.open(key);
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
    public static NavigableMap<Long, Rollup> buckets(SeriesStores stores, RollupTier tier, String deviceId,
                                                    String metric, long from, long to) {
        Bytes key = SeriesKeys.seriesPrefix(deviceId, metric);
        NavigableMap<Long, Rollup> buckets = new TreeMap<>();
        if (to <= from) {
            return buckets;
        }
        try (WindowStoreIterator<Rollup> sealed = stores.tier(tier, key, Math.max(0, from), to - 1)) {
            while (sealed.hasNext()) {
                KeyValue<Long, Rollup> bucket = sealed.next();
                buckets.put(bucket.key, bucket.value);
            }
        }
        OpenSeries series = stores.open(key);
        if (series != null) {
            Optional<OpenSeries.Bucket> bucket = series.openBucket(tier.name());
            bucket.filter(b -> b.start() >= from && b.start() < to).ifPresent(b -> buckets.put(b.start(), b.rollup()));
        }
        return buckets;
    }

    /**
     * Every series of {@code deviceId} with a point still kept, in metric order (the key order: by UTF-8 length, then
     * bytes), with its oldest and newest point. The oldest is looked up in the raw store and every tier (one seek
     * each), so this costs a few reads per metric, never a scan of points.
     */
    public static List<Listed> metrics(SeriesStores stores, List<RollupTier> tiers, String deviceId) {
        List<Listed> listed = new ArrayList<>();
        try (KeyValueIterator<Bytes, OpenSeries> series = stores.openRange(SeriesKeys.devicePrefix(deviceId),
                SeriesKeys.deviceRangeEnd(deviceId))) {
            while (series.hasNext()) {
                KeyValue<Bytes, OpenSeries> entry = series.next();
                String metric = SeriesKeys.decodeSeries(entry.key).metric();
                long last = entry.value.latest();
                if (last == Long.MIN_VALUE) {
                    continue;
                }
                long first = oldest(stores, tiers, entry.key, entry.value, last);
                listed.add(new Listed(metric, first, last));
            }
        }
        return listed;
    }

    private static long oldest(SeriesStores stores, List<RollupTier> tiers, Bytes key, OpenSeries open, long last) {
        long first = last;
        Chunk openChunk = open.chunk();
        if (openChunk.size() > 0) {
            first = Math.min(first, openChunk.timestamp(0));
        }
        try (WindowStoreIterator<Chunk> chunks = stores.raw(key, 0, Long.MAX_VALUE)) {
            if (chunks.hasNext()) {
                Chunk chunk = chunks.next().value;
                if (chunk.size() > 0) {
                    first = Math.min(first, chunk.timestamp(0));
                }
            }
        }
        for (RollupTier tier : tiers) {
            try (WindowStoreIterator<Rollup> buckets = stores.tier(tier, key, 0, Long.MAX_VALUE)) {
                if (buckets.hasNext()) {
                    Rollup bucket = buckets.next().value;
                    if (bucket.count() > 0) {
                        first = Math.min(first, bucket.firstAt());
                    }
                }
            }
            Optional<OpenSeries.Bucket> bucket = open.openBucket(tier.name());
            if (bucket.isPresent() && bucket.get().rollup().count() > 0) {
                first = Math.min(first, bucket.get().rollup().firstAt());
            }
        }
        return first;
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
