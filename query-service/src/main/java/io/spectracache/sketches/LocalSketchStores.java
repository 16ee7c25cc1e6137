package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import io.spectracache.routing.LocalStores;
import io.spectracache.routing.ReadOptions;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * {@link SketchStores} over this instance's active copy of one partition, read with Interactive Queries v2 through
 * {@link LocalStores}: every read honours the request's read-your-writes token and isolation, and fails with a
 * retry-later error (never a Streams exception) when the partition moved. Range reads answer iterators the caller
 * closes ({@link SketchReads} does).
 */
final class LocalSketchStores implements SketchStores {
    private final LocalStores stores;
    private final int partition;
    private final ReadOptions read;

    LocalSketchStores(LocalStores stores, int partition, ReadOptions read) {
        this.stores = requireNonNull(stores, "stores");
        this.partition = partition;
        this.read = requireNonNull(read, "read");
    }

    @Override
    public KeyValueIterator<Bytes, SketchWindow> windows(Bytes from, Bytes to) {
        return stores.query(SketchesTopology.WINDOWS_STORE.name(), RangeQuery.<Bytes, SketchWindow>withRange(from, to),
                partition, read);
    }

    @Override
    public SeenRange seen(Bytes key) {
        return stores.query(SketchesTopology.SEEN_STORE.name(), KeyQuery.<Bytes, SeenRange>withKey(key), partition, read);
    }

    @Override
    public KeyValueIterator<Bytes, SeenRange> seen(Bytes from, Bytes to) {
        return stores.query(SketchesTopology.SEEN_STORE.name(), RangeQuery.<Bytes, SeenRange>withRange(from, to),
                partition, read);
    }

    @Override
    public BloomBlock block(Bytes key) {
        return stores.query(SketchesTopology.FILTERS_STORE.name(), KeyQuery.<Bytes, BloomBlock>withKey(key), partition,
                read);
    }

    @Override
    public KeyValueIterator<Bytes, BloomBlock> blocks(Bytes from, Bytes to) {
        return stores.query(SketchesTopology.FILTERS_STORE.name(), RangeQuery.<Bytes, BloomBlock>withRange(from, to),
                partition, read);
    }
}
