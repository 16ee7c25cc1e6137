package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import io.spectracache.routing.LocalStores;
import io.spectracache.routing.ReadOptions;
import io.spectracache.state.StoreHandle;
import io.spectracache.state.WriteBehindKeyValueStore;
import io.spectracache.timeseries.codec.Chunk;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * {@link SeriesStores} over this instance's active copy of one partition, read through {@link StoreHandle}s: one
 * interactive query per store on its first read (the open, tails and raw stores; each honours the request's
 * read-your-writes token and finds the partition active here), then direct reads, where {@link LocalSeriesStores} makes one
 * {@code KafkaStreams.query} per read (three per series for a raw read). For the reads of one page of a bulk scan;
 * made again for the next page. Rollup tiers are read as {@link LocalSeriesStores} reads them.
 *
 * <p>Every read answers what {@link LocalSeriesStores} would (a tail's key read sees the write-behind store's pending
 * object), or throws {@link io.spectracache.errors.RetryLaterException} if a store closed or reopened meanwhile (the
 * partition moved or restarted): never a read from a store that changed owner under it. Committed-only reads
 * ({@link ReadOptions#committed()}) cannot use handles: {@link #forPage} gives {@link LocalSeriesStores} for them.
 */
final class HandleSeriesStores implements SeriesStores {
    private final LocalStores stores;
    private final int partition;
    private final ReadOptions read;
    /** Interactive queries: the tiers, and any store that answers no handle. */
    private final SeriesStores queries;
    /** How the tails' stored records read, for a read of one series' tail from them; null: read whole devices. */
    private final DeviceTailsSerde tailRecords;
    // Taken on first use: a reader of keys only needs the open store's. Null once taken: see take().
    private boolean tookOpen;
    private boolean tookTails;
    private boolean tookRaw;
    private StoreHandle<ReadOnlyKeyValueStore<Bytes, OpenSeries>> open;
    private StoreHandle<ReadOnlyKeyValueStore<Bytes, DeviceTails>> tails;
    private StoreHandle<ReadOnlyWindowStore<Bytes, Chunk>> raw;

    private HandleSeriesStores(LocalStores stores, int partition, ReadOptions read, DeviceTailsSerde tailRecords) {
        this.stores = stores;
        this.partition = partition;
        this.read = read;
        this.queries = new LocalSeriesStores(stores, partition, read);
        this.tailRecords = tailRecords;
    }

    /**
     * A handle on {@code storeName}, or null when the store does not answer handle queries (it was not built through
     * {@link io.spectracache.state.HandleStores}): its reads then go through {@link LocalSeriesStores}, as before
     * handles. Seen once, in TimeSeriesIT on a loaded box where tasks were revived after producer errors, for
     * {@code timeseries-open}; the cause is not known, so a read answers rather than fails.
     */
    private <S> StoreHandle<S> take(String storeName) {
        try {
            return stores.query(storeName, StoreHandle.query(), partition, read);
        } catch (IllegalStateException e) {
            if (String.valueOf(e.getMessage()).contains(FailureReason.UNKNOWN_QUERY_TYPE.name())) {
                return null;
            }
            throw e;
        }
    }

    private StoreHandle<ReadOnlyKeyValueStore<Bytes, OpenSeries>> open() {
        if (!tookOpen) {
            open = take(TimeSeriesTopology.OPEN_STORE_NAME);
            tookOpen = true;
        }
        return open;
    }

    private StoreHandle<ReadOnlyKeyValueStore<Bytes, DeviceTails>> tails() {
        if (!tookTails) {
            tails = take(TimeSeriesTopology.TAILS_STORE_NAME);
            tookTails = true;
        }
        return tails;
    }

    private StoreHandle<ReadOnlyWindowStore<Bytes, Chunk>> raw() {
        if (!tookRaw) {
            raw = take(TimeSeriesTopology.RAW_STORE.name());
            tookRaw = true;
        }
        return raw;
    }

    /**
     * The stores of {@code partition} for one page of reads: through handles, or for committed-only reads through
     * {@link LocalSeriesStores}.
     *
     * <p>A read (the first of each store takes its handle) throws {@link io.spectracache.errors.RetryLaterException}
     * if the partition is not active here, not ready, or behind the read's token.
     */
    static SeriesStores forPage(LocalStores stores, int partition, ReadOptions read) {
        return forPage(stores, partition, read, null);
    }

    /**
     * As {@link #forPage(LocalStores, int, ReadOptions)}, reading one series' {@linkplain #tail tail} from the tails'
     * stored records with {@code tailRecords} (the serde of {@code timeseries-open-tails}, for the configured tiers)
     * instead of decoding every series of its device; null to read whole devices.
     */
    static SeriesStores forPage(LocalStores stores, int partition, ReadOptions read, DeviceTailsSerde tailRecords) {
        requireNonNull(stores, "stores");
        requireNonNull(read, "read");
        return read.committed() ? new LocalSeriesStores(stores, partition, read)
                : new HandleSeriesStores(stores, partition, read, tailRecords);
    }

    @Override
    public OpenSeries open(Bytes series) {
        StoreHandle<ReadOnlyKeyValueStore<Bytes, OpenSeries>> open = open();
        if (open == null) {
            return queries.open(series);
        }
        return open.read(() -> open.store().get(series));
    }

    /** The base's stored bytes read up to its tiers ({@link OpenSeriesSerde#deserializeRaw}). */
    @Override
    public OpenSeries openRaw(Bytes series) {
        StoreHandle<ReadOnlyKeyValueStore<Bytes, OpenSeries>> open = open();
        Optional<ReadOnlyKeyValueStore<Bytes, byte[]>> below = open == null ? Optional.empty() : open.serialized();
        if (below.isEmpty()) {
            return open(series);
        }
        byte[] stored = open.read(() -> below.get().get(series));
        return stored == null ? null : OpenSeriesSerde.deserializeRaw(stored);
    }

    @Override
    public KeyValueIterator<Bytes, OpenSeries> openRange(Bytes from, Bytes to) {
        StoreHandle<ReadOnlyKeyValueStore<Bytes, OpenSeries>> open = open();
        if (open == null) {
            return queries.openRange(from, to);
        }
        return open.checked(open.read(() -> open.store().range(from, to)));
    }

    @Override
    public Optional<KeyValueIterator<Bytes, byte[]>> openSerialized(Bytes from, Bytes to) {
        StoreHandle<ReadOnlyKeyValueStore<Bytes, OpenSeries>> open = open();
        if (open == null) {
            return Optional.empty();
        }
        return open.<ReadOnlyKeyValueStore<Bytes, byte[]>>serialized()
                .map(below -> open.checked(open.read(() -> below.range(from, to))));
    }

    @Override
    public DeviceTails tails(Bytes devicePrefix) {
        StoreHandle<ReadOnlyKeyValueStore<Bytes, DeviceTails>> tails = tails();
        if (tails == null) {
            return queries.tails(devicePrefix);
        }
        return tails.read(() -> tails.store().get(devicePrefix));
    }

    /**
     * One series' tail: when its device's tails are not pending write-out, from their stored records below the
     * write-behind store, decoding only this series' entries (a device's records hold every series of it, and a bulk
     * read of one metric would otherwise decode them all for each); else as {@link #tails} reads it.
     */
    @Override
    public OpenSeries tail(Bytes devicePrefix, String metric) {
        StoreHandle<ReadOnlyKeyValueStore<Bytes, DeviceTails>> tails = tails();
        if (tailRecords == null || tails == null
                || !(tails.store() instanceof WriteBehindKeyValueStore.PendingView<Bytes, DeviceTails> view)
                || tails.read(() -> view.isPending(devicePrefix))) {
            return SeriesStores.super.tail(devicePrefix, metric);
        }
        Optional<ReadOnlyKeyValueStore<Bytes, byte[]>> below = tails.serialized();
        if (below.isEmpty()) {
            return SeriesStores.super.tail(devicePrefix, metric);
        }
        List<byte[]> records = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> stored = tails.checked(tails.read(() -> below.get().range(devicePrefix,
                TailSegmentsStore.lastKey(devicePrefix))))) {
            while (stored.hasNext()) {
                records.add(stored.next().value);
            }
        }
        return tailRecords.readSeries(records, devicePrefix, metric);
    }

    @Override
    public WindowStoreIterator<Chunk> raw(Bytes series, long fromStart, long toStart) {
        StoreHandle<ReadOnlyWindowStore<Bytes, Chunk>> raw = raw();
        if (raw == null) {
            return queries.raw(series, fromStart, toStart);
        }
        return raw.checked(raw.read(() -> raw.store().fetch(series, Instant.ofEpochMilli(fromStart),
                Instant.ofEpochMilli(toStart))));
    }

    @Override
    public Optional<WindowStoreIterator<byte[]>> rawSerialized(Bytes series, long fromStart, long toStart) {
        StoreHandle<ReadOnlyWindowStore<Bytes, Chunk>> raw = raw();
        if (raw == null) {
            return Optional.empty();
        }
        // The store below the metered layer is a WindowStore: its fetch by epoch milliseconds skips the Instant form's
        // argument checks, which format their error message on every call (a few per cent of a Flight page).
        return raw.<ReadOnlyWindowStore<Bytes, byte[]>>serialized()
                .map(below -> raw.checked(raw.read(() -> below instanceof WindowStore<Bytes, byte[]> store
                        ? store.fetch(series, fromStart, toStart)
                        : below.fetch(series, Instant.ofEpochMilli(fromStart), Instant.ofEpochMilli(toStart)))));
    }

    @Override
    public WindowStoreIterator<Rollup> tier(RollupTier tier, Bytes series, long fromStart, long toStart) {
        return queries.tier(tier, series, fromStart, toStart);
    }
}
