package io.spectracache.spatial;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.events.DeviceEvent;
import io.spectracache.events.GeoPoint;
import io.spectracache.state.WriteBehindKeyValueStore;
import io.spectracache.state.WriteBehindStores;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the spatial processor leaves to write out at a commit when devices hop through several cells between two
 * commits (the benchmark's devices jump about a kilometre per event, so nearly every event changes cell): one index
 * entry per device and at most one tombstone, never an entry and a tombstone per cell visited; and the index below
 * always holds exactly one entry per device, at its newest position.
 */
class SpatialProcessorWriteOutTest {
    private static final long T0 = Instant.parse("2026-11-30T12:00:00Z").toEpochMilli();
    /** Points about a kilometre apart around Berlin: each in its own level-16 cell. */
    private static final double[][] HOPS = {{52.520, 13.400}, {52.530, 13.410}, {52.540, 13.420}, {52.550, 13.430},
        {52.560, 13.440}, {52.570, 13.450}};

    @TempDir
    Path stateDir;

    private MockProcessorContext<String, GeofenceTransition> context;
    private KeyValueStore<String, DeviceEntry> devices;
    private KeyValueStore<Bytes, IndexedPosition> index;
    private KeyValueStore<Bytes, FenceMember> members;
    private SpatialProcessor processor;
    private long t = T0;

    @BeforeEach
    void open() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "spatial-write-out");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        context = new MockProcessorContext<>(props, new org.apache.kafka.streams.processor.TaskId(0, 0), stateDir.toFile());
        devices = WriteBehindStores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SpatialTopology.DEVICES_STORE.name()),
                SpatialTopology.DEVICES_STORE.keySerde(), SpatialTopology.DEVICES_STORE.valueSerde()).withLoggingDisabled().build();
        index = WriteBehindStores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SpatialTopology.INDEX_STORE.name()),
                SpatialTopology.INDEX_STORE.keySerde(), SpatialTopology.INDEX_STORE.valueSerde()).withLoggingDisabled().build();
        members = WriteBehindStores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SpatialTopology.MEMBERS_STORE.name()),
                SpatialTopology.MEMBERS_STORE.keySerde(), SpatialTopology.MEMBERS_STORE.valueSerde()).withLoggingDisabled().build();
        for (KeyValueStore<?, ?> store : List.of(devices, index, members)) {
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        processor = newProcessor();
    }

    @AfterEach
    void close() {
        devices.close();
        index.close();
        members.close();
    }

    private SpatialProcessor newProcessor() {
        SpatialProcessor fresh = new SpatialProcessor(SpatialSettings.defaults(), new FenceIndex(0), new SimpleMeterRegistry());
        fresh.init(context);
        return fresh;
    }

    private void move(String device, double[] at) {
        t += 1_000;
        processor.process(new Record<>(device, new DeviceEvent(device, Instant.ofEpochMilli(t), null, null, Map.of(),
                new GeoPoint(at[0], at[1]), Map.of()), t));
    }

    private WriteBehindKeyValueStore<Bytes, IndexedPosition> indexBehind() {
        return SpatialProcessor.writeBehindOf(index);
    }

    private void commit() {
        ((WriteBehindKeyValueStore<?, ?>) devices).flushCache();
        ((WriteBehindKeyValueStore<?, ?>) index).flushCache();
        ((WriteBehindKeyValueStore<?, ?>) members).flushCache();
    }

    /** Every index entry below (written out), as "device@cell". */
    private List<String> indexBelow() {
        List<String> entries = new ArrayList<>();
        try (KeyValueIterator<Bytes, IndexedPosition> all = index.all()) {
            while (all.hasNext()) {
                KeyValue<Bytes, IndexedPosition> entry = all.next();
                entries.add(CellKeys.deviceOfKey(entry.key) + "@" + CellKeys.cellOfKey(entry.key));
            }
        }
        return entries;
    }

    private static String at(String device, double[] point) {
        return device + "@" + CellKeys.cellOf(point[0], point[1]);
    }

    @Test
    void shouldLeaveOneEntryAndOneTombstonePerDeviceWhenItHopsThroughManyCellsBetweenCommits() {
        move("truck-1", HOPS[0]);
        commit();
        for (int i = 1; i < HOPS.length; i++) {
            move("truck-1", HOPS[i]);
        }
        assertThat(indexBehind().pendingKeys()).as("the first cell's tombstone and the newest cell's entry").isEqualTo(2);
        commit();
        assertThat(indexBelow()).containsExactly(at("truck-1", HOPS[HOPS.length - 1]));
    }

    @Test
    void shouldDeleteTheCellWrittenOutBeforeWhenTheDeviceComesBackToItAndLeavesAgain() {
        move("truck-1", HOPS[0]);
        commit();
        move("truck-1", HOPS[1]);
        move("truck-1", HOPS[0]); // back to the cell that is below: its pending tombstone becomes an entry again
        move("truck-1", HOPS[2]); // and leaves it again: it must be deleted below, not merely forgotten
        commit();
        assertThat(indexBelow()).containsExactly(at("truck-1", HOPS[2]));
    }

    @Test
    void shouldNotForgetATombstoneOfADeviceReadBackFromTheStoresWhileItsWritesWerePending() {
        move("truck-1", HOPS[0]);
        commit();
        move("truck-1", HOPS[1]); // HOPS[0]'s tombstone and HOPS[1]'s entry pending
        processor = newProcessor(); // a fresh processor (its cache empty) over the same stores, nothing written out
        move("truck-1", HOPS[0]);
        move("truck-1", HOPS[2]);
        move("truck-1", HOPS[3]);
        commit();
        assertThat(indexBelow()).containsExactly(at("truck-1", HOPS[3]));
        move("truck-1", HOPS[4]);
        move("truck-1", HOPS[5]);
        assertThat(indexBehind().pendingKeys()).as("after a write-out it knows again which cell is below").isEqualTo(2);
        commit();
        assertThat(indexBelow()).containsExactly(at("truck-1", HOPS[5]));
    }

    @Test
    void shouldKeepOneEntryPerDeviceAcrossEarlyWriteOutsAndManyDevices() {
        for (int round = 0; round < 4; round++) {
            for (int d = 0; d < 5; d++) {
                move("truck-" + d, HOPS[(round + d) % HOPS.length]);
            }
            if (round == 1) {
                index.all().close(); // a range read writes everything out mid-commit, as an early write-out does
            }
        }
        commit();
        List<String> expected = new ArrayList<>();
        for (int d = 0; d < 5; d++) {
            expected.add(at("truck-" + d, HOPS[(3 + d) % HOPS.length]));
        }
        assertThat(indexBelow()).containsExactlyInAnyOrderElementsOf(expected);
    }
}
