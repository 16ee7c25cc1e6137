package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import io.spectracache.errors.RetryLaterException;
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
 * from the window stores, the open part from {@code timeseries-open} (bases) and {@code timeseries-open-tails} (what
 * changed since, per device), through {@link SeriesStores} (Interactive Queries v2 in the query service, the stores
 * themselves in tests).
 *
 * <pre>{@code
 * Chunk points = SeriesReads.raw(stores, settings.chunkMaxSpan().toMillis(), "truck-0042", "temp", from, to);
 * NavigableMap<Long, Rollup> minutes = SeriesReads.buckets(stores, tier, "truck-0042", "temp", from, to);
 * List<SeriesReads.Listed> metrics = SeriesReads.metrics(stores, settings.tiers(), "truck-0042");
 * }</pre>
 */
public final class SeriesReads {
    /** Times a tail and its base are read again while the base is older than the tail. */
    static final int OPEN_READ_ATTEMPTS = 4;

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

    /**
     * As {@link #raw(SeriesStores, long, String, String, long, long)}, for a series key.
     *
     * <p>The open chunk is read first, then the sealed ones that start before it: a chunk sealed in between is then
     * either the open chunk as read (starting at or after its first point) or newer, and neither appears twice.
     */
    public static Chunk raw(SeriesStores stores, long chunkMaxSpanMs, Bytes key, long from, long to) {
        return concat(rawParts(stores, chunkMaxSpanMs, key, from, to));
    }

    /**
     * As {@link #raw(SeriesStores, long, Bytes, long, long)}, as the runs of points it is made of, in time order and
     * not joined (a bulk reader copies them once, straight to where they go). Never null; runs may be empty.
     */
    public static List<Chunk> rawParts(SeriesStores stores, long chunkMaxSpanMs, Bytes key, long from, long to) {
        List<Chunk> parts = new ArrayList<>();
        if (to > from) {
            Chunk openChunk = openChunk(stores, key);
            long openFirst = openChunk.size() == 0 ? Long.MAX_VALUE : openChunk.timestamp(0);
            long earliestStart = from - chunkMaxSpanMs + 1 > from ? Long.MIN_VALUE : from - chunkMaxSpanMs + 1;
            try (WindowStoreIterator<Chunk> chunks = stores.raw(key, Math.max(0, earliestStart), to - 1)) {
                while (chunks.hasNext()) {
                    KeyValue<Long, Chunk> chunk = chunks.next();
                    if (chunk.key < openFirst) {
                        parts.add(Chunks.between(chunk.value, from, to));
                    }
                }
            }
            parts.add(Chunks.between(openChunk, from, to));
        }
        return parts;
    }

    /**
     * The open part of one series, {@linkplain OpenSeries#isComplete() complete} and current: the live object while
     * its device's tails wait for the commit, else its base ({@link SeriesStores#open}) with its tail
     * ({@link SeriesStores#tails}) replayed on it. Null when the series has none.
     *
     * @throws RetryLaterException if the base stayed older than the tail over several reads (it cannot, short of a
     *                             store that lost its latest writes)
     */
    public static OpenSeries open(SeriesStores stores, Bytes key) {
        SeriesKeys.SeriesId id = SeriesKeys.decodeSeries(key);
        Bytes device = SeriesKeys.devicePrefix(id.deviceId());
        for (int attempt = 1; ; attempt++) {
            // The tail first: the base is written before a tail refers to it, so one read after is as new or newer.
            OpenSeries tail = stores.tail(device, id.metric());
            if (tail != null && tail.isComplete()) {
                return tail;
            }
            OpenSeries base = stores.open(key);
            if (base == null || tail == null || base.generation() > tail.generation()) {
                // None; or nothing logged since the base; or a base written after the tail was read, which holds it.
                return base;
            }
            if (base.generation() == tail.generation() && tail.completeOn(base)) {
                return tail;
            }
            if (attempt == OPEN_READ_ATTEMPTS) {
                throw RetryLaterException.notReady("the open part of series " + id + " continues base "
                        + tail.generation() + " but its store holds " + base.generation() + "; retry");
            }
        }
    }

    /**
     * The open chunk of one series, current, as {@link #open} would give it but without its buckets (no rollup is
     * decoded or replayed): what a raw read needs. Empty when the series has none.
     *
     * @throws RetryLaterException as {@link #open}
     */
    static Chunk openChunk(SeriesStores stores, Bytes key) {
        SeriesKeys.SeriesId id = SeriesKeys.decodeSeries(key);
        Bytes device = SeriesKeys.devicePrefix(id.deviceId());
        for (int attempt = 1; ; attempt++) {
            // As open(): the tail first, then the base it continues. Only this series' tail: a raw read needs no other.
            OpenSeries tail = stores.tail(device, id.metric());
            if (tail != null && tail.isComplete()) {
                return tail.chunk();
            }
            OpenSeries base = stores.openRaw(key); // its chunk only: a raw read decodes no sketch
            if (base == null || tail == null || base.generation() > tail.generation()) {
                return base == null ? Chunk.of(new long[0], new double[0]) : base.chunk();
            }
            Chunk chunk = base.generation() == tail.generation() ? tail.chunkOn(base) : null;
            if (chunk != null) {
                return chunk;
            }
            if (attempt == OPEN_READ_ATTEMPTS) {
                throw RetryLaterException.notReady("the open part of series " + id + " continues base "
                        + tail.generation() + " but its store holds " + base.generation() + "; retry");
            }
        }
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
        // The open bucket first: if it is sealed before the store is read, the store's copy is skipped for it.
        OpenSeries series = open(stores, key);
        Optional<OpenSeries.Bucket> open = series == null ? Optional.empty() : series.openBucket(tier.name());
        try (WindowStoreIterator<Rollup> sealed = stores.tier(tier, key, Math.max(0, from), to - 1)) {
            while (sealed.hasNext()) {
                KeyValue<Long, Rollup> bucket = sealed.next();
                if (open.isEmpty() || bucket.key != open.get().start()) {
                    buckets.put(bucket.key, bucket.value);
                }
            }
        }
        open.filter(b -> b.start() >= from && b.start() < to).ifPresent(b -> buckets.put(b.start(), b.rollup()));
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
                OpenSeries open = open(stores, entry.key);
                if (open == null || open.latest() == Long.MIN_VALUE) {
                    continue;
                }
                long last = open.latest();
                listed.add(new Listed(metric, oldest(stores, tiers, entry.key, open, last), last));
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
        return Chunks.concat(parts);
    }
}
