package io.spectracache.spatial;

import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

/** One partition's spatial stores in sorted maps, in RocksDB's byte order: the index as {@link SpatialTopology} keys it. */
final class MemoryStores implements SpatialStores {
    final NavigableMap<Bytes, IndexedPosition> index = new TreeMap<>();
    final Map<String, DeviceEntry> devices = new TreeMap<>();
    final NavigableMap<Bytes, FenceMember> members = new TreeMap<>();

    /** Files a device at a position, as the processor does (one entry, moved with its cell). */
    void put(String deviceId, double lat, double lon, long ts) {
        DeviceEntry previous = devices.get(deviceId);
        if (previous != null) {
            index.remove(CellKeys.indexKey(previous.cell(), deviceId));
        }
        long cell = CellKeys.cellOf(lat, lon);
        index.put(CellKeys.indexKey(cell, deviceId), new IndexedPosition(lat, lon, ts));
        devices.put(deviceId, new DeviceEntry(cell, java.util.List.of()));
    }

    @Override
    public KeyValueIterator<Bytes, IndexedPosition> index(Bytes from, Bytes to) {
        return iterator(index.subMap(from, true, to, true));
    }

    @Override
    public DevicePosition device(String deviceId) {
        DeviceEntry entry = devices.get(deviceId);
        return entry == null ? null : DevicePosition.of(entry, index.get(CellKeys.indexKey(entry.cell(), deviceId)));
    }

    @Override
    public KeyValueIterator<Bytes, FenceMember> members(Bytes from, Bytes to) {
        return iterator(members.subMap(from, true, to, true));
    }

    private static <V> KeyValueIterator<Bytes, V> iterator(NavigableMap<Bytes, V> range) {
        Iterator<Map.Entry<Bytes, V>> entries = range.entrySet().iterator();
        return new KeyValueIterator<>() {
            @Override
            public void close() {
            }

            @Override
            public Bytes peekNextKey() {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean hasNext() {
                return entries.hasNext();
            }

            @Override
            public KeyValue<Bytes, V> next() {
                Map.Entry<Bytes, V> entry = entries.next();
                return KeyValue.pair(entry.getKey(), entry.getValue());
            }
        };
    }
}
