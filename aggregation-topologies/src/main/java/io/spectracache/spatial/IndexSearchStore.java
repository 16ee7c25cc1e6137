package io.spectracache.spatial;

import io.spectracache.storage.ForwardingKeyValueStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The innermost layer of {@code spatial-index} over its RocksDB store: everything passes through, except an
 * {@link IndexSearch}, which it answers by running the store's own raw range query for each cell range (so isolation
 * level and position bound are the store's) and reading each candidate's position straight from the value bytes;
 * only hits are decoded into {@link SpatialSearch.Hit}s.
 */
final class IndexSearchStore extends ForwardingKeyValueStore {

    IndexSearchStore(KeyValueStore<Bytes, byte[]> inner) {
        super(inner);
    }

    /** A supplier of RocksDB stores each wrapped in this layer. */
    static KeyValueBytesStoreSupplier supplier(KeyValueBytesStoreSupplier rocks) {
        return ForwardingKeyValueStore.supplier(rocks, IndexSearchStore::new);
    }

    /**
     * Deletes without reading the old value first, and answers null: RocksDB's own delete reads the value it removes
     * (a point lookup, then the metered layer decodes it), which the write-behind layer above never needs (it reads
     * the current value itself when asked for it). A commit tombstones the cell each moving device left, so this
     * saves a lookup and a decode per moved device per commit.
     */
    @Override
    public byte[] delete(Bytes key) {
        wrapped().put(key, null);
        return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        if (!(query instanceof IndexSearch search)) {
            return super.query(query, positionBound, config);
        }
        if (positionBound.isUnbounded() && config.getIsolationLevel() == IsolationLevel.READ_UNCOMMITTED
                && !search.ranges().isEmpty()) {
            return (QueryResult<R>) (QueryResult<?>) latest(search);
        }
        List<SpatialSearch.Hit> hits = new ArrayList<>();
        QueryResult<KeyValueIterator<Bytes, byte[]>> last = null;
        for (CellKeys.CellRange range : search.ranges()) {
            last = wrapped().query(RangeQuery.withRange(range.fromKey(), range.toKey()), positionBound, config);
            if (last.isFailure()) {
                return (QueryResult<R>) (QueryResult<?>) last;
            }
            try (KeyValueIterator<Bytes, byte[]> entries = last.getResult()) {
                while (entries.hasNext()) {
                    KeyValue<Bytes, byte[]> entry = entries.next();
                    SpatialSearch.Hit hit = hit(entry.key.get(), entry.value, search);
                    if (hit != null) {
                        hits.add(hit);
                    }
                }
            }
        }
        QueryResult<R> result = QueryResult.forResult((R) hits);
        if (last != null) {
            result.setPosition(last.getPosition());
        }
        return result;
    }

    /**
     * The common read (no position bound, the latest state): opens an iterator per range under ONE hold of the store's
     * monitor (RocksDBStore's range is synchronized on the store; re-entering is free), then reads them outside it.
     * Through IQv2 each range would take the store's position monitor and then its own monitor: with many concurrent
     * searches on few cores those monitors convoy (measured: most of a query's time was spent blocked on them).
     */
    private QueryResult<List<SpatialSearch.Hit>> latest(IndexSearch search) {
        KeyValueStore<Bytes, byte[]> store = wrapped();
        List<KeyValueIterator<Bytes, byte[]>> iterators = new ArrayList<>(search.ranges().size());
        List<SpatialSearch.Hit> hits = new ArrayList<>();
        try {
            synchronized (store) {
                for (CellKeys.CellRange range : search.ranges()) {
                    iterators.add(store.range(range.fromKey(), range.toKey()));
                }
            }
            for (KeyValueIterator<Bytes, byte[]> entries : iterators) {
                while (entries.hasNext()) {
                    KeyValue<Bytes, byte[]> entry = entries.next();
                    SpatialSearch.Hit hit = hit(entry.key.get(), entry.value, search);
                    if (hit != null) {
                        hits.add(hit);
                    }
                }
            }
        } finally {
            iterators.forEach(KeyValueIterator::close);
        }
        QueryResult<List<SpatialSearch.Hit>> result = QueryResult.forResult(hits);
        result.setPosition(getPosition());
        return result;
    }

    /** The hit a raw entry makes, or null when it is not one (decoding only what the test needs first). */
    static SpatialSearch.Hit hit(byte[] key, byte[] value, IndexSearch search) {
        if (value == null || value.length < SpatialSerdes.IndexedPositionSerde.FIXED_BYTES) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(value);
        if (in.get() != SpatialSerdes.VERSION) {
            return null;
        }
        double lat = in.getDouble();
        double lon = in.getDouble();
        long ts = in.getLong();
        if (ts < search.minTs()) {
            return null;
        }
        double distance = search.test().test(lat, lon);
        if (Double.isNaN(distance)) {
            return null;
        }
        String[] tenant = new String[1];
        Map<String, String> attributes = SpatialSerdes.IndexedPositionSerde.readTenantAndAttributes(in, tenant);
        String device = new String(key, CellKeys.CELL_BYTES, key.length - CellKeys.CELL_BYTES, StandardCharsets.UTF_8);
        return new SpatialSearch.Hit(device, lat, lon, ts, distance, tenant[0], attributes, 0);
    }
}
