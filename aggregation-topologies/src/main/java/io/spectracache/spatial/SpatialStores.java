package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The reads {@link SpatialSearch} and the spatial queries need from the stores of {@link SpatialTopology}, on one
 * partition. The query service answers them with Interactive Queries v2 (tokens, isolation and "retry later" as every
 * read); tests with store objects ({@link #of}). Ranges are inclusive at both ends; iterators are the caller's to close.
 */
public interface SpatialStores {
    /** Index entries with keys in {@code [from, to]}, in key order. */
    KeyValueIterator<Bytes, IndexedPosition> index(Bytes from, Bytes to);

    /** A device: its position (index) and entry (cell, memberships); null when it has none. */
    DevicePosition device(String deviceId);

    /** Fence members with keys in {@code [from, to]}, in key order. */
    KeyValueIterator<Bytes, FenceMember> members(Bytes from, Bytes to);

    /**
     * The positions in these cell ranges that the test accepts, with the test's distance. By default, reads each range
     * through {@link #index}; the query service answers it in one {@link IndexSearch} per partition.
     */
    default List<SpatialSearch.Hit> search(List<CellKeys.CellRange> ranges, HitTest test) {
        List<SpatialSearch.Hit> hits = new ArrayList<>();
        for (CellKeys.CellRange range : ranges) {
            try (KeyValueIterator<Bytes, IndexedPosition> entries = index(range.fromKey(), range.toKey())) {
                while (entries.hasNext()) {
                    KeyValue<Bytes, IndexedPosition> entry = entries.next();
                    IndexedPosition at = entry.value;
                    double distance = at == null ? Double.NaN : test.test(at.lat(), at.lon());
                    if (!Double.isNaN(distance)) {
                        hits.add(new SpatialSearch.Hit(CellKeys.deviceOfKey(entry.key), at.lat(), at.lon(), at.ts(), distance,
                                at.tenant(), at.attributes(), 0));
                    }
                }
            }
        }
        return hits;
    }

    /** Reads straight from store objects, such as a {@code TopologyTestDriver}'s. */
    static SpatialStores of(ReadOnlyKeyValueStore<Bytes, IndexedPosition> index,
                            ReadOnlyKeyValueStore<String, DeviceEntry> devices,
                            ReadOnlyKeyValueStore<Bytes, FenceMember> members) {
        requireNonNull(index, "index");
        requireNonNull(devices, "devices");
        requireNonNull(members, "members");
        return new SpatialStores() {
            @Override
            public KeyValueIterator<Bytes, IndexedPosition> index(Bytes from, Bytes to) {
                return index.range(from, to);
            }

            @Override
            public DevicePosition device(String deviceId) {
                DeviceEntry entry = devices.get(deviceId);
                IndexedPosition position = entry == null ? null : index.get(CellKeys.indexKey(entry.cell(), deviceId));
                return position == null ? null : DevicePosition.of(entry, position);
            }

            @Override
            public KeyValueIterator<Bytes, FenceMember> members(Bytes from, Bytes to) {
                return members.range(from, to);
            }
        };
    }
}
