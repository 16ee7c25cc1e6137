package io.spectracache.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spectracache.errors.RetryLaterException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Store handles ({@link StoreHandle}, {@link HandleStores}): one interactive query, then direct reads that answer what
 * key, range and window queries answer, and that refuse to answer once the store closed under them.
 */
class HandleStoresTest {
    private static final String KV = "kv";
    private static final String WINDOWS = "windows";
    private static final String BEHIND = "behind";
    private static final QueryConfig UNCOMMITTED = new QueryConfig(false);

    @TempDir
    Path stateDir;

    /** Each input record "key=value" is put into the three stores; "key=value@t" into the window store at t. */
    private TopologyTestDriver driver() {
        Topology topology = new Topology();
        topology.addSource("source", new StringDeserializer(), new StringDeserializer(), "in");
        topology.addProcessor("work", () -> new Processor<String, String, Void, Void>() {
            private KeyValueStore<String, String> kv;
            private WindowStore<String, String> windows;
            private KeyValueStore<String, String> behind;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                kv = context.getStateStore(KV);
                windows = context.getStateStore(WINDOWS);
                behind = context.getStateStore(BEHIND);
            }

            @Override
            public void process(Record<String, String> record) {
                String[] valueAt = record.value().split("@");
                kv.put(record.key(), valueAt[0]);
                behind.put(record.key(), valueAt[0]);
                windows.put(record.key(), valueAt[0], valueAt.length > 1 ? Long.parseLong(valueAt[1]) : 0);
            }
        }, "source");
        topology.addStateStore(recorded(HandleStores.keyValue(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(KV), Serdes.String(), Serdes.String()).withCachingDisabled())), "work");
        topology.addStateStore(recorded(HandleStores.window(Stores.windowStoreBuilder(Stores.persistentWindowStore(
                WINDOWS, Duration.ofDays(1), Duration.ofMinutes(1), false), Serdes.String(), Serdes.String())
                .withCachingDisabled())), "work");
        topology.addStateStore(recorded(WriteBehindStores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(BEHIND),
                Serdes.String(), Serdes.String())), "work");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return new TopologyTestDriver(topology, props);
    }

    /** The stores built, by name: what Kafka Streams registered (the driver hands out only wrappers of them). */
    private final Map<String, StateStore> built = new HashMap<>();

    private <T extends StateStore> StoreBuilder<T> recorded(StoreBuilder<T> builder) {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<T> withCachingEnabled() {
                builder.withCachingEnabled();
                return this;
            }

            @Override
            public StoreBuilder<T> withCachingDisabled() {
                builder.withCachingDisabled();
                return this;
            }

            @Override
            public StoreBuilder<T> withLoggingEnabled(Map<String, String> config) {
                builder.withLoggingEnabled(config);
                return this;
            }

            @Override
            public StoreBuilder<T> withLoggingDisabled() {
                builder.withLoggingDisabled();
                return this;
            }

            @Override
            public T build() {
                T store = builder.build();
                built.put(store.name(), store);
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
        };
    }

    private static TestInputTopic<String, String> input(TopologyTestDriver driver) {
        return driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
    }

    private static <S> StoreHandle<S> handle(StateStore store, PositionBound bound, QueryConfig config) {
        QueryResult<StoreHandle<S>> result = store.query(StoreHandle.query(), bound, config);
        assertThat(result.isSuccess()).as(String.valueOf(result)).isTrue();
        return result.getResult();
    }

    @Test
    void shouldReadThroughAHandleWhatKeyRangeAndWindowQueriesRead() {
        try (TopologyTestDriver driver = driver()) {
            input(driver).pipeInput("a", "1@1000");
            input(driver).pipeInput("b", "2@2000");
            input(driver).pipeInput("a", "3@3000");
            StateStore kvStore = built.get(KV);
            StoreHandle<ReadOnlyKeyValueStore<String, String>> kv = handle(kvStore, PositionBound.unbounded(), UNCOMMITTED);
            QueryResult<String> asQuery = kvStore.query(KeyQuery.withKey("a"), PositionBound.unbounded(), UNCOMMITTED);
            assertThat(kv.read(() -> kv.store().get("a"))).isEqualTo(asQuery.getResult()).isEqualTo("3");
            List<String> keys = new ArrayList<>();
            try (KeyValueIterator<String, String> all = kv.checked(kv.store().all())) {
                all.forEachRemaining(entry -> keys.add(entry.key + "=" + entry.value));
            }
            assertThat(keys).containsExactly("a=3", "b=2");

            StoreHandle<ReadOnlyWindowStore<String, String>> windows = handle(built.get(WINDOWS),
                    PositionBound.unbounded(), UNCOMMITTED);
            List<KeyValue<Long, String>> a = new ArrayList<>();
            try (WindowStoreIterator<String> fetched = windows.checked(windows.store().fetch("a",
                    java.time.Instant.ofEpochMilli(0), java.time.Instant.ofEpochMilli(5000)))) {
                fetched.forEachRemaining(a::add);
            }
            assertThat(a).containsExactly(KeyValue.pair(1000L, "1"), KeyValue.pair(3000L, "3"));
            assertThat(kv.storeName()).isEqualTo(KV);
            // Below the metered layer: the same entries, serialised.
            ReadOnlyKeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> serialized =
                    kv.<ReadOnlyKeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>>serialized().orElseThrow();
            List<String> raw = new ArrayList<>();
            try (KeyValueIterator<org.apache.kafka.common.utils.Bytes, byte[]> all = kv.checked(serialized.all())) {
                all.forEachRemaining(entry -> raw.add(new String(entry.key.get(), java.nio.charset.StandardCharsets.UTF_8)
                        + "=" + new String(entry.value, java.nio.charset.StandardCharsets.UTF_8)));
            }
            assertThat(raw).containsExactly("a=3", "b=2");
            assertThat(windows.serialized()).isPresent();
        }
    }

    @Test
    void shouldRefuseReadsThroughAHandleOnceItsStoreClosed() {
        StoreHandle<ReadOnlyKeyValueStore<String, String>> kv;
        StoreHandle<ReadOnlyWindowStore<String, String>> windows;
        StoreHandle<ReadOnlyKeyValueStore<String, String>> behind;
        try (TopologyTestDriver driver = driver()) {
            input(driver).pipeInput("a", "1@1000");
            kv = handle(built.get(KV), PositionBound.unbounded(), UNCOMMITTED);
            windows = handle(built.get(WINDOWS), PositionBound.unbounded(), UNCOMMITTED);
            behind = handle(built.get(BEHIND), PositionBound.unbounded(), UNCOMMITTED);
            kv.check();
        }
        // Closed (as when the task moves away): no answer, not even an empty one, only a retry.
        assertThatThrownBy(() -> kv.read(() -> kv.store().get("a"))).isInstanceOf(RetryLaterException.class);
        assertThatThrownBy(() -> windows.read(() -> windows.store().fetch("a", 1000L)))
                .isInstanceOf(RetryLaterException.class);
        assertThatThrownBy(() -> behind.read(() -> behind.store().get("a"))).isInstanceOf(RetryLaterException.class);
        assertThatThrownBy(kv::check).isInstanceOf(RetryLaterException.class).hasMessageContaining("retry");
    }

    @Test
    void shouldRefuseAHandleToACommittedReadAndBeforeItsPositionBound() {
        try (TopologyTestDriver driver = driver()) {
            input(driver).pipeInput("a", "1");
            StateStore kvStore = built.get(KV);
            QueryResult<StoreHandle<Object>> committed = kvStore.query(StoreHandle.query(), PositionBound.unbounded(),
                    new QueryConfig(false, IsolationLevel.READ_COMMITTED));
            assertThat(committed.isFailure()).isTrue();
            assertThat(committed.getFailureReason()).isEqualTo(FailureReason.STORE_EXCEPTION);
            QueryResult<StoreHandle<Object>> ahead = kvStore.query(StoreHandle.query(),
                    PositionBound.at(Position.emptyPosition().withComponent("in", 0, 5)), UNCOMMITTED);
            assertThat(ahead.getFailureReason()).isEqualTo(FailureReason.NOT_UP_TO_BOUND);
            QueryResult<StoreHandle<Object>> reached = kvStore.query(StoreHandle.query(),
                    PositionBound.at(Position.emptyPosition().withComponent("in", 0, 0)), UNCOMMITTED);
            assertThat(reached.isSuccess()).isTrue();
        }
    }

    @Test
    void shouldReadPendingWriteBehindValuesThroughAHandleAsAKeyQueryDoes() {
        try (TopologyTestDriver driver = driver()) {
            input(driver).pipeInput("a", "1");
            @SuppressWarnings("unchecked")
            WriteBehindKeyValueStore<String, String> store = (WriteBehindKeyValueStore<String, String>)
                    built.get(BEHIND);
            StoreHandle<ReadOnlyKeyValueStore<String, String>> behind = handle(store, PositionBound.unbounded(),
                    UNCOMMITTED);
            store.put("a", "pending");
            store.put("c", "new");
            assertThat(behind.read(() -> behind.store().get("a"))).isEqualTo("pending");
            assertThat(behind.read(() -> behind.store().get("c"))).isEqualTo("new");
            // Ranges read the store below and never write out (only the stream thread may).
            List<String> below = new ArrayList<>();
            try (KeyValueIterator<String, String> all = behind.checked(behind.store().all())) {
                all.forEachRemaining(entry -> below.add(entry.key + "=" + entry.value));
            }
            assertThat(below).containsExactly("a=1");
            assertThat(store.pendingKeys()).isEqualTo(2);
        }
    }
}
