package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import io.spectracache.state.PositionBounds;
import io.spectracache.storage.ForwardingKeyValueStore;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The innermost layer of {@code spatial-devices} over its RocksDB store: everything passes through, except a
 * {@link FenceQuery}, which it answers from the instance's {@link FenceIndex} (a custom IQv2 query type, as KIP-796
 * lets a store define). So the fence catalog is read through the same query path, owners and readiness as every
 * other store, though Kafka Streams keeps the fences themselves in a global store that IQv2 cannot reach.
 */
final class FenceCatalogStore extends ForwardingKeyValueStore {
    private final FenceIndex fences;

    FenceCatalogStore(KeyValueStore<Bytes, byte[]> inner, FenceIndex fences) {
        super(inner);
        this.fences = requireNonNull(fences, "fences");
    }

    /** A supplier of RocksDB stores each wrapped in this layer. */
    static KeyValueBytesStoreSupplier supplier(KeyValueBytesStoreSupplier rocks, FenceIndex fences) {
        return ForwardingKeyValueStore.supplier(rocks, inner -> new FenceCatalogStore(inner, fences));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        if (query instanceof FenceQuery catalog) {
            Position seen = fences.position();
            if (!PositionBounds.reached(seen, positionBound)) {
                return QueryResult.notUpToBound(seen, positionBound, null);
            }
            QueryResult<R> result = QueryResult.forResult((R) catalog.answer(fences.current()));
            result.setPosition(seen);
            return result;
        }
        return super.query(query, positionBound, config);
    }
}
