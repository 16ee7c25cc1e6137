package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import io.spectracache.routing.LocalStores;
import io.spectracache.routing.ReadOptions;
import io.spectracache.timeseries.codec.Chunk;
import java.time.Instant;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.WindowKeyQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * {@link SeriesStores} over this instance's active copy of one partition, read with Interactive Queries v2 through
 * {@link LocalStores}: every read honours the request's read-your-writes token and isolation, and fails with a
 * retry-later error (never a Streams exception) when the partition moved.
 *
 * <p>A key read of {@code timeseries-open-tails} sees a device's open series as the stream thread left them (the
 * write-behind store answers from its pending object); {@code timeseries-open} holds each series' base from its first
 * reading on, so a new series is listed at once.
 */
final class LocalSeriesStores implements SeriesStores {
    private final LocalStores stores;
    private final int partition;
    private final ReadOptions read;

    LocalSeriesStores(LocalStores stores, int partition, ReadOptions read) {
        this.stores = requireNonNull(stores, "stores");
        this.partition = partition;
        this.read = requireNonNull(read, "read");
    }

    @Override
    public OpenSeries open(Bytes series) {
        return stores.query(TimeSeriesTopology.OPEN_STORE_NAME, KeyQuery.<Bytes, OpenSeries>withKey(series), partition, read);
    }

    @Override
    public KeyValueIterator<Bytes, OpenSeries> openRange(Bytes from, Bytes to) {
        return stores.query(TimeSeriesTopology.OPEN_STORE_NAME, RangeQuery.<Bytes, OpenSeries>withRange(from, to),
                partition, read);
    }

    @Override
    public DeviceTails tails(Bytes devicePrefix) {
        return stores.query(TimeSeriesTopology.TAILS_STORE_NAME, KeyQuery.<Bytes, DeviceTails>withKey(devicePrefix),
                partition, read);
    }

    @Override
    public WindowStoreIterator<Chunk> raw(Bytes series, long fromStart, long toStart) {
        return stores.query(TimeSeriesTopology.RAW_STORE.name(), WindowKeyQuery.<Bytes, Chunk>withKeyAndWindowStartRange(
                series, Instant.ofEpochMilli(fromStart), Instant.ofEpochMilli(toStart)), partition, read);
    }

    @Override
    public WindowStoreIterator<Rollup> tier(RollupTier tier, Bytes series, long fromStart, long toStart) {
        return stores.query(TimeSeriesTopology.tierStore(tier).name(), WindowKeyQuery.<Bytes, Rollup>withKeyAndWindowStartRange(
                series, Instant.ofEpochMilli(fromStart), Instant.ofEpochMilli(toStart)), partition, read);
    }
}
