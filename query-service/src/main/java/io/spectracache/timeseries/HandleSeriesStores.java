package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import io.spectracache.routing.LocalStores;
import io.spectracache.routing.ReadOptions;
import io.spectracache.state.StoreHandle;
import io.spectracache.timeseries.codec.Chunk;
import java.time.Instant;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * {@link SeriesStores} over this instance's active copy of one partition, read through {@link StoreHandle}s: three
 * interactive queries when it is made (the open, tails and raw stores; each honours the request's read-your-writes
 * token and finds the partition active here), then direct reads, where {@link LocalSeriesStores} makes one
 * {@code KafkaStreams.query} per read (three per series for a raw read). For the reads of one page of a bulk scan;
 * made again for the next page. Rollup tiers are read as {@link LocalSeriesStores} reads them.
 *
 * <p>Every read answers what {@link LocalSeriesStores} would (a tail's key read sees the write-behind store's pending
 * object), or throws {@link io.spectracache.errors.RetryLaterException} if a store closed or reopened meanwhile (the
 * partition moved or restarted): never a read from a store that changed owner under it. Committed-only reads
 * ({@link ReadOptions#committed()}) cannot use handles: {@link #forPage} gives {@link LocalSeriesStores} for them.
 */
final class HandleSeriesStores implements SeriesStores {
    private final StoreHandle<ReadOnlyKeyValueStore<Bytes, OpenSeries>> open;
    private final StoreHandle<ReadOnlyKeyValueStore<Bytes, DeviceTails>> tails;
    private final StoreHandle<ReadOnlyWindowStore<Bytes, Chunk>> raw;
    private final SeriesStores tiers;

    private HandleSeriesStores(LocalStores stores, int partition, ReadOptions read) {
        this.open = stores.query(TimeSeriesTopology.OPEN_STORE_NAME, StoreHandle.query(), partition, read);
        this.tails = stores.query(TimeSeriesTopology.TAILS_STORE_NAME, StoreHandle.query(), partition, read);
        this.raw = stores.query(TimeSeriesTopology.RAW_STORE.name(), StoreHandle.query(), partition, read);
        this.tiers = new LocalSeriesStores(stores, partition, read);
    }

    /**
     * The stores of {@code partition} for one page of reads: through handles, or for committed-only reads through
     * {@link LocalSeriesStores}.
     *
     * @throws io.spectracache.errors.RetryLaterException if the partition is not active here, not ready, or behind
     *                                                     the read's token
     */
    static SeriesStores forPage(LocalStores stores, int partition, ReadOptions read) {
        requireNonNull(stores, "stores");
        requireNonNull(read, "read");
        return read.committed() ? new LocalSeriesStores(stores, partition, read)
                : new HandleSeriesStores(stores, partition, read);
    }

    @Override
    public OpenSeries open(Bytes series) {
        return open.read(() -> open.store().get(series));
    }

    @Override
    public KeyValueIterator<Bytes, OpenSeries> openRange(Bytes from, Bytes to) {
        return open.checked(open.read(() -> open.store().range(from, to)));
    }

    @Override
    public DeviceTails tails(Bytes devicePrefix) {
        return tails.read(() -> tails.store().get(devicePrefix));
    }

    @Override
    public WindowStoreIterator<Chunk> raw(Bytes series, long fromStart, long toStart) {
        return raw.checked(raw.read(() -> raw.store().fetch(series, Instant.ofEpochMilli(fromStart),
                Instant.ofEpochMilli(toStart))));
    }

    @Override
    public WindowStoreIterator<Rollup> tier(RollupTier tier, Bytes series, long fromStart, long toStart) {
        return tiers.tier(tier, series, fromStart, toStart);
    }
}
