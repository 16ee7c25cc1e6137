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
 * <p>A key read of {@code timeseries-open} sees the open part as the stream thread left it (the write-behind store
 * answers from its pending object); a range read sees it as of the last commit, so a series created in the last
 * commit interval is listed after that commit.
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
