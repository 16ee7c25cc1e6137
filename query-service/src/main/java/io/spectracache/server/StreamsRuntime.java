package io.spectracache.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.capability.Capability;
import io.spectracache.health.Readiness;
import io.spectracache.ingest.DeadLetterExceptionHandler;
import io.spectracache.routing.Instance;
import io.spectracache.routing.LocalPartitions;
import io.spectracache.storage.TieredRocksDbConfigSetter;
import io.spectracache.topics.StoreSpec;
import io.spectracache.topics.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Kafka Streams application of one instance: its properties, its lifecycle and its readiness. */
final class StreamsRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsRuntime.class);

    private final KafkaStreams streams;
    private final LocalPartitions partitions;
    private final List<StoreSpec<?, ?>> queryableStores;
    private final ThreadFailures failures;
    private final Instance self;
    private final Duration closeTimeout;

    private StreamsRuntime(KafkaStreams streams, LocalPartitions partitions, List<StoreSpec<?, ?>> queryableStores,
                           ThreadFailures failures, Instance self, Duration closeTimeout) {
        this.streams = streams;
        this.partitions = partitions;
        this.queryableStores = queryableStores;
        this.failures = failures;
        this.self = self;
        this.closeTimeout = closeTimeout;
    }

    static StreamsRuntime create(List<Capability> capabilities, SpectraConfig config, String bootstrapServers,
                                 Instance self, MeterRegistry registry, ToIntFunction<TopicSpec<?, ?>> partitionsOf) {
        Properties props = properties(config, bootstrapServers, self, registry);
        Topology topology = TopologyComposer.compose(capabilities, config, registry, partitionsOf, props);
        LOG.debug("topology:\n{}", topology.describe());
        KafkaStreams streams = new GuardedMetricsKafkaStreams(topology, props);
        ThreadFailures failures = new ThreadFailures(registry,
                Duration.ofMillis(config.getLong(SpectraConfig.READINESS_FAILURE_WINDOW_MS_CONFIG)), Clock.systemUTC());
        streams.setUncaughtExceptionHandler(error -> {
            // Bad input never gets here (validation and the dead-letter handler catch it); this is a bug or
            // a broker problem, and a fresh thread resumes from the last commit without losing anything.
            LOG.error("stream thread failed; replacing it", error);
            failures.replaced(error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        // Readiness waits for the stores the topology has: a capability switched off by its settings adds none.
        Set<String> built = new HashSet<>();
        topology.describe().subtopologies().forEach(subtopology -> subtopology.nodes().forEach(node -> {
            if (node instanceof TopologyDescription.Processor processor) {
                built.addAll(processor.stores());
            }
        }));
        List<StoreSpec<?, ?>> stores = Capabilities.queryableStores(capabilities).stream()
                .filter(store -> built.contains(store.name())).toList();
        return new StreamsRuntime(streams, new LocalPartitions(streams, topology.describe()), stores, failures, self,
                ReliabilitySettings.from(config.originals()).streamsCloseTimeout());
    }

    static Properties properties(SpectraConfig config, String bootstrapServers, Instance self, MeterRegistry registry) {
        Properties props = new Properties();
        props.putAll(config.kafkaClientOverrides());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.getString(SpectraConfig.APPLICATION_ID_CONFIG));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.toString());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.dataDir().resolve("streams").toAbsolutePath().toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.getString(SpectraConfig.PROCESSING_GUARANTEE_CONFIG));
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.getLong(SpectraConfig.COMMIT_INTERVAL_MS_CONFIG));
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getInt(SpectraConfig.STREAM_THREADS_CONFIG));
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.getInt(SpectraConfig.STANDBY_REPLICAS_CONFIG));
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.getShort(SpectraConfig.TOPIC_REPLICATION_FACTOR_CONFIG));
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L * 1024 * 1024);
        // A new instance warms up its share of state before it takes over; check every minute (the least Kafka
        // allows) instead of every ten, so scaling out shows within a minute or two.
        props.put(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG, 60_000L);
        // Tasks read two topics (raw events and the few that needed a repartition hop) and join nothing, so they
        // never need to hold one back for the other's timestamps. At the default (0) Streams checks, and formats a
        // log line about, every empty partition before each record: 6 % of the stream thread when measured.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG),
                producerLingerMs(config.getLong(SpectraConfig.COMMIT_INTERVAL_MS_CONFIG)));
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2000);
        // Per-store RocksDB options: LZ4 for the hot series stores, ZSTD for the rollup tiers, defaults for the rest.
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, TieredRocksDbConfigSetter.class);
        props.putAll(DeadLetterExceptionHandler.streamsConfig(config.topicPrefix(), registry));
        // No global stores exist; enabling it only silences a start-up warning and keeps behaviour uniform.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        props.putAll(ReliabilitySettings.from(config.originals()).streamsProperties(config.dataDir()));
        props.putAll(config.streamsOverrides());
        return props;
    }

    /**
     * How long the stream threads' producer lets a batch fill: half the commit interval, at most Kafka Streams' own
     * default of 100 ms. Under exactly-once a record becomes visible at its transaction's commit, which flushes the
     * producer, so lingering costs no latency there; it only gathers the records a partition gets between commits into
     * fewer, larger batches. Changelogs that are written a record now and then (a series' base, a sealed chunk or bucket)
     * were otherwise sent every few milliseconds, each a produce request's append on the broker: against the 5 ms this
     * was, the producer's and the broker's CPU per event fall by 0.7 µs with series off and 1.1 µs with series on
     * (BENCHMARKS.md, runs 105–106, three pairs each). Under at-least-once the linger is a delay before downstream
     * consumers see a record, hence no more than half a commit interval.
     */
    static long producerLingerMs(long commitIntervalMs) {
        return Math.min(100, commitIntervalMs / 2);
    }

    void start() {
        streams.start();
    }

    KafkaStreams kafkaStreams() {
        return streams;
    }

    LocalPartitions partitions() {
        return partitions;
    }

    /** Ready when the streams run and every queryable store answers on every partition it holds active here. */
    Readiness readiness() {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING) {
            return new Readiness(false, state.name(), "Kafka Streams is " + state.name());
        }
        Optional<String> failure = failures.recentFailure();
        if (failure.isPresent()) {
            return new Readiness(false, state.name(), failure.get());
        }
        for (StoreSpec<?, ?> spec : queryableStores) {
            String store = spec.name();
            try {
                Set<Integer> active = partitions.activeOf(store);
                if (active.isEmpty()) {
                    // Nothing to serve locally: reads are forwarded, which works only once some instance holds the
                    // store (right after a start or a rebalance, no instance may hold it yet).
                    // And if the group assigned partitions to this instance that it has not started yet, not ready.
                    boolean assignedHereNotStarted = false;
                    boolean heldElsewhere = false;
                    for (StreamsMetadata metadata : streams.streamsMetadataForStore(store)) {
                        boolean here = Instance.of(metadata.hostInfo()).equals(self);
                        assignedHereNotStarted |= here && !metadata.topicPartitions().isEmpty();
                        heldElsewhere |= !here && !metadata.topicPartitions().isEmpty();
                    }
                    if (assignedHereNotStarted || !heldElsewhere) {
                        return new Readiness(false, state.name(), assignedHereNotStarted
                                ? "store " + store + " is assigned here but not started yet"
                                : "no instance holds store " + store + " yet");
                    }
                    continue;
                }
                StateQueryResult<Object> result = streams.query(StateQueryRequest.inStore(store)
                        .withQuery(KeyQuery.withKey(probeKey(spec)))
                        .withPartitions(active)
                        .requireActive());
                for (Map.Entry<Integer, QueryResult<Object>> partition : result.getPartitionResults().entrySet()) {
                    if (partition.getValue().isFailure()) {
                        return new Readiness(false, state.name(), "store " + store + " partition "
                                + partition.getKey() + ": " + partition.getValue().getFailureReason());
                    }
                }
            } catch (RuntimeException e) {
                return new Readiness(false, state.name(), "store " + store + " does not answer yet");
            }
        }
        return new Readiness(true, state.name(), "streams running, stores answering");
    }

    /** A key of the store's own type to probe it with (its key serde reading the bytes of "readiness-probe"). */
    private static Object probeKey(StoreSpec<?, ?> store) {
        return store.keySerde().deserializer().deserialize(store.name(), "readiness-probe".getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        // Leaving the group lets the partitions move at once: to the other instances, or back to this one when it
        // restarts, instead of after the session timeout (45 s) of a member that is gone. A static member leaves too
        // (KIP-1092). Bounded: past the timeout the threads are abandoned, which is no worse than a crash.
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(closeTimeout));
    }
}
