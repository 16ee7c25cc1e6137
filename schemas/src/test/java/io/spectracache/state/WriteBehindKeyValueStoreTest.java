package io.spectracache.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The write-behind store (issue 7): per event object work only, one changelog record per key per commit, and
 * reads that see the pending writes. {@link TopologyTestDriver} commits after every input record, so each test
 * does its writes for one input record inside one processor call.
 */
class WriteBehindKeyValueStoreTest {
    private static final String STORE = "wb";
    private static final String CHANGELOG = "app-" + STORE + "-changelog";

    @Test
    void shouldWriteEachKeyOncePerCommitWithItsLatestValue() {
        List<TestRecord<String, String>> changelog = run(2, (store, out) -> {
            store.put("a", "1");
            store.put("a", "2");
            store.put("b", "3");
            store.put("a", "4");
        }).changelog;
        assertThat(changelog).extracting(TestRecord::key, TestRecord::value)
                .containsExactlyInAnyOrder(tuple("a", "4"), tuple("b", "3"));
    }

    @Test
    void shouldReadItsOwnPendingWritesAndDeletes() {
        Result result = run(100, (store, out) -> {
            store.put("a", "1");
            out.add("get a=" + store.get("a"));
            assertThat(store.delete("a")).isEqualTo("1");
            out.add("after delete a=" + store.get("a"));
            out.add("putIfAbsent=" + store.putIfAbsent("b", "2") + "," + store.putIfAbsent("b", "3"));
        });
        assertThat(result.seen).containsExactly("get a=1", "after delete a=null", "putIfAbsent=null,2");
        assertThat(result.changelog).extracting(TestRecord::key, TestRecord::value)
                .containsExactlyInAnyOrder(tuple("a", null), tuple("b", "2"));
    }

    @Test
    void shouldWritePendingValuesOutBeforeARangeRead() {
        Result result = run(100, (store, out) -> {
            store.put("a", "1");
            store.put("b", "2");
            try (KeyValueIterator<String, String> all = store.all()) {
                all.forEachRemaining(entry -> out.add(entry.key + "=" + entry.value));
            }
        });
        assertThat(result.seen).as("the store below holds them only once written out").containsExactly("a=1", "b=2");
    }

    @Test
    void shouldWriteNeitherValueNorTombstoneForAKeyDiscardedBeforeItsFirstWriteOut() {
        Result result = run(100, (store, out) -> {
            out.add("writeOuts=" + built.writeOuts());
            store.put("a", "1");
            store.put("b", "2");
            built.discard("a");
            out.add("get a=" + store.get("a"));
            try (KeyValueIterator<String, String> all = store.all()) {
                all.forEachRemaining(entry -> out.add(entry.key + "=" + entry.value));
            }
            out.add("writeOuts=" + built.writeOuts());
        });
        assertThat(result.seen).containsExactly("writeOuts=0", "get a=null", "b=2", "writeOuts=1");
        assertThat(result.changelog).extracting(TestRecord::key, TestRecord::value).containsExactly(tuple("b", "2"));
    }

    @Test
    void shouldWriteOutEarlyWhenTooManyKeysArePending() {
        Result result = run(2, (store, out) -> {
            store.put("a", "1");
            store.put("b", "2");
            out.add("pending=" + built.pendingKeys());
            store.put("c", "3");
            out.add("pending=" + built.pendingKeys());
        });
        assertThat(result.seen).containsExactly("pending=2", "pending=0");
        assertThat(result.changelog).hasSize(3);
    }

    @Test
    void shouldAnswerKeyQueriesForPendingKeysFromMemoryWithItsPosition() {
        Result result = run(100, (store, out) -> {
            store.put("a", "1");
            QueryResult<String> latest = store.query(KeyQuery.withKey("a"), PositionBound.unbounded(), new QueryConfig(false));
            out.add("latest=" + latest.getResult() + " at " + latest.getPosition().getPartitionPositions("in"));
            QueryResult<String> committed = store.query(KeyQuery.<String, String>withKey("a"), PositionBound.unbounded(),
                    new QueryConfig(false, IsolationLevel.READ_COMMITTED));
            out.add("committed=" + (committed.isSuccess() ? committed.getResult() : committed.getFailureReason()));
            QueryResult<String> ahead = store.query(KeyQuery.withKey("a"),
                    PositionBound.at(Position.emptyPosition().withComponent("in", 0, 5)), new QueryConfig(false));
            out.add("ahead=" + (ahead.isSuccess() ? ahead.getResult() : ahead.getFailureReason()));
        });
        assertThat(result.seen).containsExactly("latest=1 at {0=0}", "committed=null", "ahead=NOT_UP_TO_BOUND");
    }

    @Test
    void shouldMoveThePositionToEachRecordWhateverNumberOfPutsItMakes() {
        Result result = run(100, 3, (store, out) -> {
            store.put("a", "1");
            store.put("b", "2");
            store.put("a", "3");
            QueryResult<String> latest = store.query(KeyQuery.withKey("a"), PositionBound.unbounded(), new QueryConfig(false));
            out.add(latest.getResult() + " at " + latest.getPosition().getPartitionPositions("in"));
        });
        assertThat(result.seen).containsExactly("3 at {0=0}", "3 at {0=1}", "3 at {0=2}");
    }

    @Test
    void shouldRefuseTheRecordCacheBelowIt() {
        assertThatThrownBy(() -> WriteBehindStores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE),
                Serdes.String(), Serdes.String()).withCachingEnabled())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    /** The store the topology built last (processors see it through Kafka Streams' read-write decorator). */
    private static WriteBehindKeyValueStore<String, String> built;

    private record Result(List<String> seen, List<TestRecord<String, String>> changelog) {
    }

    private static Result run(int maxPendingKeys, BiConsumer<KeyValueStore<String, String>, List<String>> work) {
        return run(maxPendingKeys, 1, work);
    }

    /** Pipes {@code records} records through a processor that calls {@code work} for each. */
    private static Result run(int maxPendingKeys, int records,
                              BiConsumer<KeyValueStore<String, String>, List<String>> work) {
        List<String> seen = new ArrayList<>();
        Topology topology = new Topology();
        topology.addSource("source", new StringDeserializer(), new StringDeserializer(), "in");
        topology.addProcessor("work", () -> new Processor<String, String, Void, Void>() {
            private KeyValueStore<String, String> store;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                store = context.getStateStore(STORE);
            }

            @Override
            public void process(Record<String, String> record) {
                work.accept(store, seen);
            }
        }, "source");
        StoreBuilder<KeyValueStore<String, String>> builder = WriteBehindStores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(STORE), Serdes.String(), Serdes.String(), maxPendingKeys);
        topology.addStateStore(new StoreBuilder<KeyValueStore<String, String>>() {
            @Override
            public StoreBuilder<KeyValueStore<String, String>> withCachingEnabled() {
                return builder.withCachingEnabled();
            }

            @Override
            public StoreBuilder<KeyValueStore<String, String>> withCachingDisabled() {
                return builder.withCachingDisabled();
            }

            @Override
            public StoreBuilder<KeyValueStore<String, String>> withLoggingEnabled(Map<String, String> config) {
                return builder.withLoggingEnabled(config);
            }

            @Override
            public StoreBuilder<KeyValueStore<String, String>> withLoggingDisabled() {
                return builder.withLoggingDisabled();
            }

            @Override
            public KeyValueStore<String, String> build() {
                KeyValueStore<String, String> store = builder.build();
                built = (WriteBehindKeyValueStore<String, String>) store;
                return store;
            }

            @Override
            public Map<String, String> logConfig() {
                return builder.logConfig();
            }

            @Override
            public boolean loggingEnabled() {
                return builder.loggingEnabled();
            }

            @Override
            public String name() {
                return builder.name();
            }
        }, "work");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            var in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
            for (int i = 0; i < records; i++) {
                in.pipeInput("k", "v");
            }
            List<TestRecord<String, String>> changelog = driver
                    .createOutputTopic(CHANGELOG, new StringDeserializer(), new StringDeserializer()).readRecordsToList();
            return new Result(seen, changelog);
        }
    }
}
