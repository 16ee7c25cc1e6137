package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import io.spectracache.timeseries.codec.Chunk;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The reads {@link SeriesReads} needs from the stores of {@link TimeSeriesTopology}, on one partition. The query
 * service answers them with Interactive Queries v2 (so a read honours read-your-writes tokens and isolation like every
 * other read); tests with the stores of a {@code TopologyTestDriver} ({@link #of}). Keys are
 * {@link SeriesKeys#seriesPrefix}es; window times are chunk or bucket starts, both ends inclusive.
 */
public interface SeriesStores {
    /**
     * The base of one series' open part from {@code timeseries-open}, or null when the series has no entry. A series
     * has one from its first reading until it is forgotten; the base may be some readings behind:
     * {@link SeriesReads#open} brings it up to date with {@link #tails}.
     */
    OpenSeries open(Bytes series);

    /**
     * The base of one series as {@link #open} reads it, for a raw read: only its generation, clocks and open chunk are
     * to be read (stores that can read the stored bytes leave the tiers' open buckets undecoded, and the series then
     * has no tier). Null when the series has no entry.
     */
    default OpenSeries openRaw(Bytes series) {
        return open(series);
    }

    /** The bases of every series whose key is in {@code [from, to]}, in key order; the caller closes it. */
    KeyValueIterator<Bytes, OpenSeries> openRange(Bytes from, Bytes to);

    /**
     * The entries of {@code timeseries-open} whose key is in {@code [from, to]}, in key order, their values as stored
     * (none decoded): for a reader that needs the keys only. Empty when these stores cannot read without decoding
     * values (then seek with {@link #openRange} and {@code peekNextKey}, as {@link MetricSeriesWalk} does); the caller
     * closes the iterator.
     */
    default Optional<KeyValueIterator<Bytes, byte[]>> openSerialized(Bytes from, Bytes to) {
        return Optional.empty();
    }

    /**
     * The tails of one device's series from {@code timeseries-open-tails} (a key query; the write-behind store answers
     * it from the live object until the commit), or null when it has none.
     *
     * @param devicePrefix {@link SeriesKeys#devicePrefix} of the device
     */
    DeviceTails tails(Bytes devicePrefix);

    /**
     * The tail of one series from {@code timeseries-open-tails}, as {@code tails(devicePrefix).series(metric)} gives
     * it (null when there is none), for a reader of that series alone: stores that can read the stored records decode
     * only this series' entries, not every series of the device.
     *
     * @param devicePrefix {@link SeriesKeys#devicePrefix} of the device
     */
    default OpenSeries tail(Bytes devicePrefix, String metric) {
        DeviceTails tails = tails(devicePrefix);
        return tails == null ? null : tails.series(metric);
    }

    /** The sealed chunks of one series starting in {@code [fromStart, toStart]}, in time order. */
    WindowStoreIterator<Chunk> raw(Bytes series, long fromStart, long toStart);

    /**
     * The sealed chunks of one series starting in {@code [fromStart, toStart]}, in time order, as stored (in
     * {@link io.spectracache.timeseries.codec.GorillaCodec}'s format, none decoded): for a reader that decodes them
     * straight to where their points go ({@link RawPointReader}). Empty when these stores cannot read without
     * decoding values (then read {@link #raw}); the caller closes the iterator.
     */
    default Optional<WindowStoreIterator<byte[]>> rawSerialized(Bytes series, long fromStart, long toStart) {
        return Optional.empty();
    }

    /** The sealed buckets of one series in {@code tier} starting in {@code [fromStart, toStart]}, in time order. */
    WindowStoreIterator<Rollup> tier(RollupTier tier, Bytes series, long fromStart, long toStart);

    /**
     * Reads straight from store objects, such as a {@code TopologyTestDriver}'s.
     *
     * @param tiers the store of each tier by tier name
     */
    static SeriesStores of(ReadOnlyKeyValueStore<Bytes, OpenSeries> open, ReadOnlyKeyValueStore<Bytes, DeviceTails> tails,
                           ReadOnlyWindowStore<Bytes, Chunk> raw,
                           Map<String, ? extends ReadOnlyWindowStore<Bytes, Rollup>> tiers) {
        requireNonNull(open, "open");
        requireNonNull(tails, "tails");
        requireNonNull(raw, "raw");
        Map<String, ? extends ReadOnlyWindowStore<Bytes, Rollup>> byName = Map.copyOf(tiers);
        return new SeriesStores() {
            @Override
            public OpenSeries open(Bytes series) {
                return open.get(series);
            }

            @Override
            public KeyValueIterator<Bytes, OpenSeries> openRange(Bytes from, Bytes to) {
                return open.range(from, to);
            }

            @Override
            public DeviceTails tails(Bytes devicePrefix) {
                return tails.get(devicePrefix);
            }

            @Override
            public WindowStoreIterator<Chunk> raw(Bytes series, long fromStart, long toStart) {
                return raw.fetch(series, Instant.ofEpochMilli(fromStart), Instant.ofEpochMilli(toStart));
            }

            @Override
            public WindowStoreIterator<Rollup> tier(RollupTier tier, Bytes series, long fromStart, long toStart) {
                ReadOnlyWindowStore<Bytes, Rollup> store = byName.get(tier.name());
                if (store == null) {
                    throw new IllegalArgumentException("no store for tier " + tier.name() + "; tiers: " + byName.keySet());
                }
                return store.fetch(series, Instant.ofEpochMilli(fromStart), Instant.ofEpochMilli(toStart));
            }
        };
    }
}
