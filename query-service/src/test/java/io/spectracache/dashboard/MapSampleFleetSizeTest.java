package io.spectracache.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.devices.DeviceState;
import io.spectracache.devices.DeviceStateStore;
import io.spectracache.events.DeviceEvent;
import io.spectracache.events.GeoPoint;
import io.spectracache.serialization.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 11's "the page stays responsive with 1 M devices": the map's sample over a real RocksDB {@code device-state}
 * store (through {@link TopologyTestDriver}) of twenty thousand devices, then of a million. The scan reads the store
 * as the device scan does on a partition (a range from the cursor, stopping after a page), and the test counts the
 * entries it reads: the same at both sizes, so the cost of a refresh does not grow with the fleet.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class MapSampleFleetSizeTest {
    private static final Logger LOG = LoggerFactory.getLogger(MapSampleFleetSizeTest.class);
    private static final int SMALL = 20_000;
    private static final int LARGE = 1_000_000;
    private static final int REFRESHES = 20;

    private Path stateDir;
    private TopologyTestDriver driver;
    private KeyValueStore<String, DeviceState> store;
    private final AtomicLong entriesRead = new AtomicLong();

    @BeforeEach
    void openStore() throws IOException {
        stateDir = Files.createTempDirectory("spectracache-map-fleet-");
        Topology topology = new Topology();
        topology.addSource("events", Serdes.String().deserializer(), Serdes.String().deserializer(), "events");
        topology.addProcessor("holder", () -> new Processor<String, String, Void, Void>() {
            @Override
            public void process(Record<String, String> record) {
                // the store is filled by the test, not by records
            }
        }, "events");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DeviceStateStore.SPEC.name()),
                DeviceStateStore.SPEC.keySerde(), DeviceStateStore.SPEC.valueSerde()).withLoggingDisabled(), "holder");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "map-fleet-size");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(topology, props);
        store = driver.getKeyValueStore(DeviceStateStore.SPEC.name());
    }

    @AfterEach
    void deleteStore() throws IOException {
        if (driver != null) {
            driver.close();
        }
        try (Stream<Path> files = Files.walk(stateDir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private void fill(int from, int to) {
        Instant at = Instant.parse("2026-11-30T10:00:00Z");
        for (int i = from; i < to; i++) {
            String id = String.format("dev-%07d", i);
            GeoPoint where = new GeoPoint(-60 + (i % 12_000) / 100.0, -170 + (i % 34_000) / 100.0);
            DeviceEvent event = new DeviceEvent(id, at, "e" + i, "acme", Map.of(), where, Map.of());
            store.put(id, new DeviceState(id, event, at, at, 1, Map.of(), where));
        }
    }

    /** A page of the device scan on one partition: a range from the cursor (exclusive), at most {@code limit}. */
    private MapSample.Page scan(String cursor, int limit) {
        List<DeviceState> page = new ArrayList<>(limit);
        try (KeyValueIterator<String, DeviceState> entries = cursor == null ? store.all() : store.range(cursor, null)) {
            while (entries.hasNext() && page.size() < limit) {
                KeyValue<String, DeviceState> entry = entries.next();
                entriesRead.incrementAndGet();
                if (!entry.key.equals(cursor)) {
                    page.add(entry.value);
                }
            }
            boolean more = entries.hasNext();
            return new MapSample.Page(page, more && !page.isEmpty() ? page.get(page.size() - 1).deviceId() : null);
        }
    }

    /** Per refresh: entries read, nanoseconds, answer bytes; and the devices shown over all refreshes. */
    private record Cost(long[] reads, long[] nanos, int maxBytes, int maxDevices, Set<String> shown) {
        long medianMicros() {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            return sorted[sorted.length / 2] / 1_000;
        }
    }

    private Cost refreshes(MapSample sample) throws IOException {
        long[] reads = new long[REFRESHES];
        long[] nanos = new long[REFRESHES];
        int maxBytes = 0;
        int maxDevices = 0;
        Set<String> shown = new HashSet<>();
        for (int r = 0; r < REFRESHES; r++) {
            long before = entriesRead.get();
            long started = System.nanoTime();
            MapSample.Answer answer = sample.refresh();
            byte[] json = Json.mapper().writeValueAsBytes(answer);
            nanos[r] = System.nanoTime() - started;
            reads[r] = entriesRead.get() - before;
            maxBytes = Math.max(maxBytes, json.length);
            maxDevices = Math.max(maxDevices, answer.devices().size());
            answer.devices().forEach(point -> shown.add(point.deviceId()));
        }
        return new Cost(reads, nanos, maxBytes, maxDevices, shown);
    }

    @Test
    void shouldReadTheSameFewEntriesPerRefreshWithAMillionDevicesAsWithTwentyThousand() throws IOException {
        AtomicLong clock = new AtomicLong();
        fill(0, SMALL);
        MapSample small = new MapSample(Dashboard.MAP_CAPACITY, Dashboard.MAP_PAGE, this::scan,
                () -> clock.addAndGet(MapSample.MIN_REFRESH_NANOS));
        refreshes(small); // warm up the JIT and the store's blocks
        Cost atSmall = refreshes(small);

        fill(SMALL, LARGE);
        MapSample large = new MapSample(Dashboard.MAP_CAPACITY, Dashboard.MAP_PAGE, this::scan,
                () -> clock.addAndGet(MapSample.MIN_REFRESH_NANOS));
        Cost atLarge = refreshes(large);

        LOG.info("map sample per refresh: {} devices: median {} µs, at most {} entries read, answer at most {} bytes "
                        + "({} devices); {} devices: median {} µs, at most {} entries read, answer at most {} bytes ({} devices)",
                SMALL, atSmall.medianMicros(), Arrays.stream(atSmall.reads()).max().orElse(0), atSmall.maxBytes(),
                atSmall.maxDevices(), LARGE, atLarge.medianMicros(), Arrays.stream(atLarge.reads()).max().orElse(0),
                atLarge.maxBytes(), atLarge.maxDevices());
        assertThat(Arrays.stream(atLarge.reads()).boxed().toList()).as("entries read per refresh, a million devices")
                .allSatisfy(reads -> assertThat(reads).isBetween(1L, Dashboard.MAP_PAGE + 1L));
        assertThat(Arrays.stream(atLarge.reads()).max().orElse(0))
                .as("the most entries one refresh reads does not grow with the fleet")
                .isEqualTo(Arrays.stream(atSmall.reads()).max().orElse(0));
        assertThat(atLarge.maxDevices()).isEqualTo(Dashboard.MAP_CAPACITY);
        assertThat(atLarge.maxBytes()).as("what the page receives").isLessThan(Dashboard.MAP_CAPACITY * 80);
        assertThat(atLarge.shown()).as("the window moves on: every refresh shows devices not shown before")
                .hasSize(REFRESHES * Dashboard.MAP_PAGE);
    }
}
