package io.spectracache.spatial;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

/**
 * The query service decides area candidates on the index's raw bytes ({@link IndexSearchStore#hit}); the topology's
 * tests and the property tests go through the serde ({@link SpatialStores#search}'s default). The two must read the
 * same position, tenant, attributes and device, or answers would differ from what those tests prove exact.
 */
class IndexSearchStoreTest {
    private static final SpatialSerdes.IndexedPositionSerde SERDE = new SpatialSerdes.IndexedPositionSerde();

    @Property(tries = 300)
    void shouldReadFromRawBytesExactlyWhatTheSerdeReads(@ForAll @DoubleRange(min = -90, max = 90) double lat,
                                                         @ForAll @DoubleRange(min = -180, max = 180) double lon,
                                                         @ForAll long ts, @ForAll @StringLength(max = 12) String tenant,
                                                         @ForAll @StringLength(min = 1, max = 30) String deviceId,
                                                         @ForAll @Size(max = 4) Map<@StringLength(max = 8) String,
                                                                 @StringLength(max = 8) String> attributes) {
        IndexedPosition position = new IndexedPosition(lat, lon, ts, tenant.isEmpty() ? null : tenant,
                Map.copyOf(attributes));
        Bytes key = CellKeys.indexKey(CellKeys.cellOf(lat, lon), deviceId);
        IndexSearch search = new IndexSearch(CellKeys.everything(), (pLat, pLon) -> pLat + pLon, Long.MIN_VALUE);

        SpatialSearch.Hit hit = IndexSearchStore.hit(key.get(), SERDE.serialize("t", position), search);

        MemoryStores memory = new MemoryStores();
        memory.index.put(key, position);
        List<SpatialSearch.Hit> viaSerde = memory.search(CellKeys.everything(), search.test());
        assertThat(viaSerde).containsExactly(hit);
        assertThat(hit.distanceM()).isEqualTo(lat + lon);
    }

    @Test
    void shouldSkipAPositionTheTestRefusesOrThatIsOlderThanAsked() {
        byte[] key = CellKeys.indexKey(CellKeys.cellOf(1, 2), "d").get();
        byte[] value = SERDE.serialize("t", new IndexedPosition(1, 2, 1_000, "acme", Map.of("k", "v")));

        assertThat(IndexSearchStore.hit(key, value, new IndexSearch(List.of(), (a, b) -> Double.NaN, Long.MIN_VALUE)))
                .isNull();
        assertThat(IndexSearchStore.hit(key, value, new IndexSearch(List.of(), (a, b) -> 0, 1_001))).isNull();
        assertThat(IndexSearchStore.hit(key, value, new IndexSearch(List.of(), (a, b) -> 0, 1_000))).isNotNull();
        assertThat(IndexSearchStore.hit(key, null, new IndexSearch(List.of(), (a, b) -> 0, Long.MIN_VALUE))).isNull();
    }

    @Test
    void shouldDeleteALeftCellsEntryWithoutReadingItFirst() {
        Bytes key = CellKeys.indexKey(CellKeys.cellOf(1, 2), "d");
        byte[] value = SERDE.serialize("t", new IndexedPosition(1, 2, 1_000));
        int[] reads = {0};
        org.apache.kafka.streams.state.internals.InMemoryKeyValueStore below =
                new org.apache.kafka.streams.state.internals.InMemoryKeyValueStore("spatial-index") {
                    @Override
                    public synchronized byte[] get(Bytes k) {
                        reads[0]++;
                        return super.get(k);
                    }

                    @Override
                    public synchronized byte[] delete(Bytes k) {
                        reads[0]++; // the in-memory store's delete reads the old value, as RocksDB's does
                        return super.delete(k);
                    }
                };
        IndexSearchStore store = new IndexSearchStore(below);
        store.put(key, value);

        assertThat(store.delete(key)).as("a blind delete answers no old value").isNull();

        assertThat(reads[0]).as("reads of the store below").isZero();
        assertThat(below.get(key)).isNull();
    }

    @Property(tries = 200)
    void shouldBuildAMovedDevicesKeyEqualToTheKeyBuiltFromItsId(
            @ForAll @DoubleRange(min = -90, max = 90) double lat, @ForAll @DoubleRange(min = -180, max = 180) double lon,
            @ForAll @DoubleRange(min = -90, max = 90) double toLat, @ForAll @DoubleRange(min = -180, max = 180) double toLon,
            @ForAll @StringLength(min = 1, max = 30) String deviceId) {
        long to = CellKeys.cellOf(toLat, toLon);
        Bytes moved = CellKeys.movedKey(to, CellKeys.indexKey(CellKeys.cellOf(lat, lon), deviceId));

        assertThat(moved).isEqualTo(CellKeys.indexKey(to, deviceId));
        assertThat(CellKeys.cellOfKey(moved)).isEqualTo(to);
        assertThat(CellKeys.deviceOfKey(moved)).isEqualTo(deviceId);
    }
}
