package io.spectracache.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The de-duplication memory on its own (issue 7): one record per device per commit, never a drop on a mere hash
 * match, lazy loading after memory is lost, the memory budget, and expiry by whole segments.
 */
class DedupStoreTest {
    private static final long WINDOW_MS = 1_000;
    private static final long T0 = 1_795_946_400_000L;

    private final List<DedupStore> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(DedupStore::close);
    }

    private DedupStore store(long maxIds) {
        return store(new DedupStore.Budget(maxIds), DeviceIds::hash);
    }

    private DedupStore store(DedupStore.Budget budget, java.util.function.ToLongFunction<String> hash) {
        WindowStore<String, IdBatch> inner = Stores.windowStoreBuilder(
                        Stores.inMemoryWindowStore("ingest-dedup", Duration.ofMillis(2 * WINDOW_MS + 1), Duration.ofMillis(WINDOW_MS), false),
                        Serdes.String(), IdBatch.Serde.INSTANCE)
                .withLoggingDisabled().withCachingDisabled().build();
        DedupStore store = new DedupStore(inner, WINDOW_MS, budget, hash);
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        opened.add(store);
        return store;
    }

    private static List<KeyValue<Windowed<String>, IdBatch>> records(DedupStore store) {
        List<KeyValue<Windowed<String>, IdBatch>> records = new ArrayList<>();
        try (KeyValueIterator<Windowed<String>, IdBatch> all = store.wrapped().all()) {
            all.forEachRemaining(records::add);
        }
        return records;
    }

    @Test
    void shouldWriteOneRecordPerDevicePerCommitNotOnePerEvent() {
        DedupStore store = store(1_000);
        for (int i = 0; i < 5; i++) {
            assertThat(store.seenElseRemember("truck-1", "e-" + i, T0 + i)).isFalse();
        }
        for (int i = 0; i < 3; i++) {
            assertThat(store.seenElseRemember("truck-2", "e-" + i, T0 + i)).isFalse();
        }
        assertThat(records(store)).as("nothing is written between commits").isEmpty();

        store.flushCache();

        assertThat(records(store)).extracting(r -> r.key.key() + ":" + r.value.size())
                .containsExactlyInAnyOrder("truck-1:5", "truck-2:3");
        store.flushCache();
        assertThat(records(store)).as("a commit with nothing new writes nothing").hasSize(2);
    }

    @Test
    void shouldDropOnlyTheSameIdWhenEveryIdHasTheSameHash() {
        DedupStore store = store(new DedupStore.Budget(1_000), id -> 42L);

        assertThat(store.seenElseRemember("truck-1", "a", T0)).isFalse();
        assertThat(store.seenElseRemember("truck-1", "b", T0 + 1)).as("same hash, another id, pending").isFalse();
        assertThat(store.seenElseRemember("truck-1", "a", T0 + 2)).as("the same id, pending").isTrue();
        store.flushCache();
        assertThat(store.seenElseRemember("truck-1", "b", T0 + 3)).as("the same id, in the store").isTrue();
        assertThat(store.seenElseRemember("truck-1", "c", T0 + 4)).as("same hash, another id, in the store").isFalse();
        assertThat(store.seenElseRemember("truck-2", "a", T0 + 5)).as("another device").isFalse();
    }

    @Test
    void shouldLoadADeviceFromTheStoreOnItsFirstEventOnceMemoryIsLost() {
        DedupStore store = store(1_000);
        store.seenElseRemember("truck-1", "e-1", T0);
        store.seenElseRemember("truck-1", "e-2", T0 + 10);
        store.flushCache();

        store.clearCache(); // what becoming a standby does; a restart starts the same way, with nothing in memory
        assertThat(store.heldIds()).isZero();

        assertThat(store.seenElseRemember("truck-1", "e-2", T0 + 20)).isTrue();
        assertThat(store.heldIds()).as("the device's ids, loaded on its first event").isEqualTo(2);
        assertThat(store.seenElseRemember("truck-1", "e-3", T0 + 30)).isFalse();
    }

    @Test
    void shouldForgetWhatWasNotCommittedWhenMemoryIsCleared() {
        DedupStore store = store(1_000);
        store.seenElseRemember("truck-1", "e-1", T0);

        store.clearCache(); // the transaction these ids belonged to is not committed: the event will come again

        assertThat(store.seenElseRemember("truck-1", "e-1", T0)).isFalse();
    }

    @Test
    void shouldStayWithinTheBudgetByEvictingTheDevicesLeastRecentlySeenAndStillDropTheirResends() {
        DedupStore.Budget budget = new DedupStore.Budget(10);
        DedupStore store = store(budget, DeviceIds::hash);
        for (int device = 0; device < 40; device++) {
            store.seenElseRemember("truck-" + device, "e-1", T0 + device);
            assertThat(budget.held()).isLessThanOrEqualTo(10);
        }

        for (int device = 0; device < 40; device++) {
            assertThat(store.seenElseRemember("truck-" + device, "e-1", T0 + 40 + device)).as("truck-%d", device).isTrue();
        }
        store.close();
        opened.remove(store);
        assertThat(budget.held()).as("a closed store gives its share back").isZero();
    }

    @Test
    void shouldLetDevicesWhoseIdsAreAllAWindowBehindLeaveMemoryAtTheNextCommit() {
        DedupStore store = store(1_000);
        store.seenElseRemember("truck-1", "e-1", T0);
        store.seenElseRemember("truck-2", "e-1", T0 + 1);
        store.flushCache();
        assertThat(store.heldDevices()).isEqualTo(2);

        store.seenElseRemember("truck-3", "e-1", T0 + 3 * WINDOW_MS);
        store.flushCache();

        assertThat(store.heldDevices()).isEqualTo(1);
        assertThat(store.heldIds()).isEqualTo(1);
    }

    /**
     * Regression (issue 7): a device that sends more ids within one commit interval than fit in a Kafka record (a
     * replayed backlog) must not make one oversized batch, which would fail the transaction.
     */
    @Test
    void shouldSplitTheIdsOfOneCommitIntoBatchesThatStayFarBelowKafkasRecordLimit() {
        DedupStore store = store(1_000_000);
        String longId = "x".repeat(1_000);
        for (int i = 0; i < 2_000; i++) {
            store.seenElseRemember("truck-1", longId + i, T0 + i % 10);
        }

        store.flushCache();

        List<KeyValue<Windowed<String>, IdBatch>> records = records(store);
        assertThat(records).hasSizeGreaterThan(1);
        assertThat(records).allSatisfy(r -> assertThat(IdBatch.Serde.INSTANCE.serialize("t", r.value).length)
                .isLessThanOrEqualTo(DedupStore.MAX_BATCH_BYTES));
        assertThat(records.stream().mapToInt(r -> r.value.size()).sum()).isEqualTo(2_000);
        assertThat(records.stream().map(r -> r.key.window().start()).distinct().count())
                .as("every batch has a window start of its own, so none overwrites another").isEqualTo(records.size());
        assertThat(store.seenElseRemember("truck-1", longId + 7, T0 + 20)).isTrue();
    }

    @Test
    void shouldTreatTheWindowAsInclusiveOnBothSides() {
        DedupStore store = store(1_000);
        store.seenElseRemember("truck-1", "e-1", T0 + WINDOW_MS);

        assertThat(store.seenElseRemember("truck-1", "e-1", T0)).as("a window before").isTrue();
        assertThat(store.seenElseRemember("truck-1", "e-1", T0 + 2 * WINDOW_MS)).as("a window after").isTrue();
        assertThat(store.seenElseRemember("truck-1", "e-1", T0 + 2 * WINDOW_MS + 1)).as("past it").isFalse();
    }
}
