package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import io.spectracache.routing.LocalStores;
import io.spectracache.routing.ReadOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * {@link SpatialStores} over this instance's active copy of one partition, read with Interactive Queries v2 through
 * {@link LocalStores}: every read honours the request's token and isolation, and fails with a retry-later error when
 * the partition moved. Area searches are one {@link IndexSearch} for every local partition ({@link #all}).
 * The index and the members are read as of the last commit (write-behind: range reads see what
 * was written out), so a position is in answers at most one commit interval after it was processed; a device's entry
 * is read as the stream thread left it.
 */
final class LocalSpatialStores implements SpatialStores {
    private final LocalStores stores;
    private final int partition;
    private final ReadOptions read;

    LocalSpatialStores(LocalStores stores, int partition, ReadOptions read) {
        this.stores = requireNonNull(stores, "stores");
        this.partition = partition;
        this.read = requireNonNull(read, "read");
    }

    int partition() {
        return partition;
    }

    @Override
    public KeyValueIterator<Bytes, IndexedPosition> index(Bytes from, Bytes to) {
        return stores.query(SpatialTopology.INDEX_STORE.name(), RangeQuery.<Bytes, IndexedPosition>withRange(from, to),
                partition, read);
    }

    @Override
    public DevicePosition device(String deviceId) {
        DeviceEntry entry = stores.query(SpatialTopology.DEVICES_STORE.name(), KeyQuery.<String, DeviceEntry>withKey(deviceId),
                partition, read);
        if (entry == null) {
            return null;
        }
        IndexedPosition position = stores.query(SpatialTopology.INDEX_STORE.name(),
                KeyQuery.<Bytes, IndexedPosition>withKey(CellKeys.indexKey(entry.cell(), deviceId)), partition, read);
        return position == null ? null : DevicePosition.of(entry, position);
    }

    /**
     * Every partition of {@code partitions} searched in ONE IQv2 request ({@link LocalStores#queryAll}): an
     * {@link IndexSearch} per partition, in partition order, so a round of a search costs one
     * {@code KafkaStreams.query} whatever the number of local partitions.
     */
    static SpatialSearch.Partitions all(LocalStores stores, Set<Integer> partitions, ReadOptions read) {
        requireNonNull(stores, "stores");
        requireNonNull(read, "read");
        Set<Integer> asked = new TreeSet<>(partitions);
        return (ranges, test) -> new ArrayList<>(stores.queryAll(SpatialTopology.INDEX_STORE.name(),
                new IndexSearch(ranges, test, Long.MIN_VALUE), asked, read).values());
    }

    /** One IQv2 call for every range ({@link IndexSearch}), tested on the store's raw bytes. */
    @Override
    public List<SpatialSearch.Hit> search(List<CellKeys.CellRange> ranges, HitTest test) {
        return stores.query(SpatialTopology.INDEX_STORE.name(), new IndexSearch(ranges, test, Long.MIN_VALUE), partition, read);
    }

    @Override
    public KeyValueIterator<Bytes, FenceMember> members(Bytes from, Bytes to) {
        return stores.query(SpatialTopology.MEMBERS_STORE.name(), RangeQuery.<Bytes, FenceMember>withRange(from, to),
                partition, read);
    }
}
