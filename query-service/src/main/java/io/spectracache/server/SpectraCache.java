package io.spectracache.server;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spectracache.broker.EmbeddedKafka;
import io.spectracache.rest.HealthRoutes;
import io.spectracache.rest.RestApi;
import io.spectracache.rest.RestServer;
import io.spectracache.routing.LocalStores;
import io.spectracache.routing.PeerClient;
import io.spectracache.routing.Router;
import io.spectracache.simulator.FleetSimulator;
import io.spectracache.simulator.SimulatorSettings;
import io.spectracache.topics.Topics;
import io.spectracache.writes.CacheWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running SpectraCache instance: (optionally) the embedded broker, the topics, the Kafka Streams
 * application with every capability topology, the REST API, and (optionally) the fleet simulator.
 *
 * <pre>{@code
 * try (SpectraCache cache = SpectraCache.start(SpectraConfig.of(Map.of()))) {
 *     cache.awaitReady(Duration.ofSeconds(60));
 *     System.out.println("REST on port " + cache.restPort());
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops the parts in the reverse order of starting, and never deletes local state: a
 * restart on the same data directory resumes where it stopped.
 */
public final class SpectraCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpectraCache.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final String bootstrapServers;
    private final StreamsRuntime streams;
    private final RestServer rest;
    private final PrometheusMeterRegistry registry;

    private SpectraCache(SpectraConfig config) {
        try {
            started.push(DataDirLock.acquire(config.dataDir())); // first: a second instance on this dir touches nothing
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        started.push(registry::close);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        started.push(gc);

        Map<String, Object> clientOverrides = config.kafkaClientOverrides();
        if (config.embeddedKafka()) {
            EmbeddedKafka broker = EmbeddedKafka.start(config.dataDir().resolve("kafka"),
                    config.getInt(SpectraConfig.EMBEDDED_KAFKA_PORT_CONFIG),
                    config.getInt(SpectraConfig.EMBEDDED_CONTROLLER_PORT_CONFIG), Map.of());
            started.push(broker);
            bootstrapServers = broker.bootstrapServers();
        } else {
            bootstrapServers = config.getString(SpectraConfig.BOOTSTRAP_SERVERS_CONFIG);
        }
        TopicSetup topics = TopicSetup.ensure(bootstrapServers, clientOverrides, config.topicPrefix(),
                config.getInt(SpectraConfig.TOPIC_PARTITIONS_CONFIG),
                config.getShort(SpectraConfig.TOPIC_REPLICATION_FACTOR_CONFIG));

        int restPort = config.getInt(SpectraConfig.REST_PORT_CONFIG);
        if (restPort == 0) {
            restPort = freePort(); // application.server must name the port before the streams start
        }
        HostInfo self = new HostInfo(config.getString(SpectraConfig.ADVERTISED_HOST_CONFIG), restPort);
        streams = StreamsRuntime.create(config, bootstrapServers, self, registry, topics::partitionsOf);
        started.push(streams);
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams.kafkaStreams());
        streamsMetrics.bindTo(registry);
        started.push(streamsMetrics);

        Producer<String, byte[]> producer = cacheProducer(bootstrapServers, clientOverrides);
        started.push(() -> producer.close(Duration.ofSeconds(1))); // unbounded by default while a broker is away
        PeerClient peers = new PeerClient(self, Duration.ofMillis(config.getLong(SpectraConfig.QUERY_PEER_TIMEOUT_MS_CONFIG)));
        ExecutorService scatterPool = Executors.newCachedThreadPool(daemonThreads("spectra-scatter"));
        started.push(scatterPool::shutdownNow);
        Router router = new Router(streams.kafkaStreams(), self);
        LocalStores stores = new LocalStores(streams.kafkaStreams(), streams.partitions(), Duration.ofMillis(config.getLong(SpectraConfig.QUERY_WAIT_MS_CONFIG)));
        CacheWriter writer = new CacheWriter(producer, Topics.KV_WRITES.name(config.topicPrefix()),
                Duration.ofMillis(config.getLong(SpectraConfig.QUERY_PEER_TIMEOUT_MS_CONFIG) * 5));

        streams.start();
        guardAgainstHangingTransactions(config, clientOverrides);
        rest = RestServer.start(config.getString(SpectraConfig.REST_HOST_CONFIG), restPort,
                config.getInt(SpectraConfig.KV_MAX_VALUE_BYTES_CONFIG),
                config.getInt(SpectraConfig.REST_THREADS_CONFIG),
                RestApi.v1(router, stores, peers, writer, scatterPool, () -> topics.partitionsOf(Topics.KV_WRITES),
                        streams::readiness, registry),
                registry);
        started.push(rest);

        int devices = config.getInt(SpectraConfig.SIMULATE_DEVICES_CONFIG);
        if (devices > 0) {
            FleetSimulator simulator = FleetSimulator.connect(bootstrapServers, clientOverrides, SimulatorSettings.defaults()
                    .withTopicPrefix(config.topicPrefix())
                    .withDevices(devices)
                    .withEventsPerSecond(config.getInt(SpectraConfig.SIMULATE_RATE_CONFIG)));
            started.push(simulator);
            simulator.start();
        }
        LOG.info("SpectraCache started: REST http://{}:{} Kafka {}{}", self.host(), restPort, bootstrapServers,
                devices > 0 ? ", simulating " + devices + " devices" : "");
        } catch (RuntimeException e) {
            close(); // whatever started before the failure
            throw e;
        }
    }

    /**
     * Starts an instance. Returns once every part has started; the stores may still be restoring, see
     * {@link #awaitReady(Duration)}. On failure, whatever had started is stopped again.
     */
    public static SpectraCache start(SpectraConfig config) {
        requireNonNull(config, "config");
        return new SpectraCache(config);
    }

    /** Waits until {@code /health/ready} would answer 200; false if {@code timeout} passed first. */
    public boolean awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (streams.readiness().ready()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    public HealthRoutes.Readiness readiness() {
        return streams.readiness();
    }

    /** The port the REST API listens on. */
    public int restPort() {
        return rest.port();
    }

    /** The Kafka cluster this instance uses, embedded or not. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Every meter of this instance, the same that {@code GET /metrics} shows. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed; continuing with the rest", part.getClass().getSimpleName(), e);
            }
        }
    }

    // Issue 6, item 10: a hanging transaction on a changelog stops its store's restoration for good.
    private void guardAgainstHangingTransactions(SpectraConfig config, Map<String, Object> clientOverrides) {
        Duration age = ReliabilitySettings.from(config.originals()).hangingTransactionAge();
        if (!age.isZero()) {
            started.push(HangingTransactionGuard.start(bootstrapServers, clientOverrides,
                    config.getString(SpectraConfig.APPLICATION_ID_CONFIG),
                    List.of(Topics.EVENTS.name(config.topicPrefix()), Topics.EVENTS_DLQ.name(config.topicPrefix())), age, registry));
        }
    }

    private static Producer<String, byte[]> cacheProducer(String bootstrapServers, Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>(overrides);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "spectracache-cache-writer");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static ThreadFactory daemonThreads(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the REST API", e);
        }
    }
}
