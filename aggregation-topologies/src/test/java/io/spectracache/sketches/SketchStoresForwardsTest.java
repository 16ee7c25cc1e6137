package io.spectracache.sketches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.apache.datasketches.hll.Union;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query service reads each partition's windows backwards (so that RocksDB's iterator never steps past a range's
 * last window into the deleted ones after it) and hands them out forwards with {@link SketchStores#forwards}. The
 * order matters: a union with one dense window answers with HIP, which depends on the order coupons arrive, so
 * anything but each partition's windows in key order would change answers.
 */
class SketchStoresForwardsTest {
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;
    private static final DistinctDefinition DEVICES = SketchSettings.defaults().distinct().get(0);
    private static final Bytes LANE = SketchKeys.lane(DEVICES.name(), null);

    @TempDir
    Path stateDir;

    /** Partitions' window stores: one dense day (on the first) and twelve sparse hours of yesterday on each. */
    private List<KeyValueStore<Bytes, SketchWindow>> partitions(long today) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "sketch-stores-forwards");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        MockProcessorContext<Bytes, SketchWindow> context = new MockProcessorContext<>(props);
        Random random = new Random(21);
        List<KeyValueStore<Bytes, SketchWindow>> partitions = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            KeyValueStore<Bytes, SketchWindow> store = Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore("windows-" + p), Serdes.Bytes(), new SketchWindowSerde())
                    .withLoggingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            for (int h = 12; h < 24; h++) {
                store.put(SketchKeys.window(LANE, HOUR, today - DAY + h * HOUR), window(random, 300));
            }
            if (p == 0) {
                store.put(SketchKeys.window(LANE, DAY, today), window(random, 12_000));
            }
            // Another lane's windows right after this one's, as in the store.
            store.put(SketchKeys.window(SketchKeys.lane(DEVICES.name(), "acme"), 60_000, today), window(random, 5));
            partitions.add(store);
        }
        return partitions;
    }

    private static DistinctWindow window(Random random, int items) {
        DistinctWindow window = DistinctWindow.empty();
        for (int i = 0; i < items; i++) {
            window.update(("device-" + random.nextInt(60_000)).getBytes(StandardCharsets.UTF_8));
        }
        return DistinctWindow.fromImage(window.image());
    }

    /** Every partition's range in turn: forwards, backwards then put forwards, or backwards as read (wrong). */
    private static SketchStores reader(List<KeyValueStore<Bytes, SketchWindow>> partitions, String how) {
        return new WindowsOnlyStores() {
            @Override
            public KeyValueIterator<Bytes, SketchWindow> windows(Bytes from, Bytes to) {
                List<KeyValue<Bytes, SketchWindow>> all = new ArrayList<>();
                for (KeyValueStore<Bytes, SketchWindow> partition : partitions) {
                    try (KeyValueIterator<Bytes, SketchWindow> range = partition.range(from, to)) {
                        range.forEachRemaining(all::add);
                    }
                }
                return listed(all);
            }

            @Override
            public List<KeyValue<Bytes, SketchWindow>> allWindows(Bytes from, Bytes to) {
                if (how.equals("forwards")) {
                    return WindowsOnlyStores.super.allWindows(from, to);
                }
                List<KeyValueIterator<Bytes, SketchWindow>> backwards = new ArrayList<>();
                partitions.forEach(partition -> backwards.add(partition.reverseRange(from, to)));
                if (how.equals("backwards, put forwards")) {
                    return SketchStores.forwards(backwards);
                }
                List<KeyValue<Bytes, SketchWindow>> asRead = new ArrayList<>();
                for (KeyValueIterator<Bytes, SketchWindow> partition : backwards) {
                    try (partition) {
                        partition.forEachRemaining(asRead::add);
                    }
                }
                return asRead;
            }
        };
    }

    private static byte[] answer(SketchStores stores, WindowCover cover, DenseWindowCache cache) {
        Union union = new Union(DistinctWindow.LG_K);
        if (cache == null) {
            SketchReads.distinctInto(stores, DEVICES, null, cover, union);
        } else {
            SketchReads.distinctInto(stores, DEVICES, null, cover, union, cache, "partitions 0-1", cover.to());
        }
        return union.toCompactByteArray();
    }

    @Test
    void shouldAnswerTheSameBytesWhenEachPartitionIsReadBackwardsThenPutForwards() {
        long today = Instant.parse("2026-11-30T00:00:00Z").toEpochMilli();
        List<KeyValueStore<Bytes, SketchWindow>> partitions = partitions(today);
        // Yesterday noon to today noon: twelve hours of yesterday, then today's open day (the clock at 11:59).
        WindowCover cover = WindowCover.plan(DEVICES.windows(), today - 12 * HOUR, today + 12 * HOUR,
                today + 12 * HOUR - 60_000);
        assertThat(cover.windows()).hasSize(13);

        for (DenseWindowCache cache : new DenseWindowCache[] {null, new DenseWindowCache(64L << 20)}) {
            byte[] forwards = answer(reader(partitions, "forwards"), cover, cache);
            assertThat(answer(reader(partitions, "backwards, put forwards"), cover, cache))
                    .as("the same answer, byte for byte (cache %s)", cache == null ? "off" : "on").isEqualTo(forwards);
            if (cache == null) {
                // One dense window, merged first: the union answers with HIP, so the hours' order shows in the answer.
                // (With the cache the closed hours come first, as a set of coupons the dense day takes in its own
                // order, whatever the order they were read in.)
                assertThat(answer(reader(partitions, "backwards as read"), cover, cache))
                        .as("the windows as read backwards: another order, another answer").isNotEqualTo(forwards);
            }
        }
        partitions.forEach(KeyValueStore::close);
    }

    @Test
    void shouldCloseEveryPartitionsRangeWhenOneFails() {
        List<Boolean> closed = new ArrayList<>(List.of(false, false, false));
        List<KeyValueIterator<Bytes, String>> ranges = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            int partition = p;
            Iterator<KeyValue<Bytes, String>> entries = List.of(KeyValue.pair(Bytes.wrap(new byte[] {2}), "b"),
                    KeyValue.pair(Bytes.wrap(new byte[] {1}), "a")).iterator();
            ranges.add(new KeyValueIterator<>() {
                @Override
                public boolean hasNext() {
                    if (partition == 1) {
                        throw new IllegalStateException("partition 1 moved");
                    }
                    return entries.hasNext();
                }

                @Override
                public KeyValue<Bytes, String> next() {
                    return entries.next();
                }

                @Override
                public Bytes peekNextKey() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void close() {
                    closed.set(partition, true);
                }
            });
        }

        assertThatThrownBy(() -> SketchStores.forwards(ranges)).hasMessage("partition 1 moved");
        assertThat(closed).containsOnly(true);
    }

    private static <V> KeyValueIterator<Bytes, V> listed(List<KeyValue<Bytes, V>> entries) {
        Iterator<KeyValue<Bytes, V>> all = entries.iterator();
        return new KeyValueIterator<>() {
            @Override
            public boolean hasNext() {
                return all.hasNext();
            }

            @Override
            public KeyValue<Bytes, V> next() {
                return all.next();
            }

            @Override
            public Bytes peekNextKey() {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
            }
        };
    }
}
