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
import io.spectracache.capability.Capability;
import io.spectracache.capability.ServingContext;
import io.spectracache.cluster.ClusterRoutes;
import io.spectracache.cluster.ClusterStatus;
import io.spectracache.flight.FlightDataset;
import io.spectracache.flight.FlightEndpointServer;
import io.spectracache.flight.FlightSettings;
import io.spectracache.dashboard.Dashboard;
import io.spectracache.health.Readiness;
import io.spectracache.observability.MetricsConventions;
import io.spectracache.observability.StoreMeters;
import io.spectracache.query.QueryService;
import io.spectracache.query.TokenCheck;
import io.spectracache.query.TopicTail;
import io.spectracache.rest.ClientAccess;
import io.spectracache.rest.HealthRoutes;
import io.spectracache.rest.InternalQueryRoutes;
import io.spectracache.rest.RestOptions;
import io.spectracache.rest.RestServer;
import io.spectracache.rest.RouteGroup;
import io.spectracache.routing.EndOffsetTokenCheck;
import io.spectracache.routing.Instance;
import io.spectracache.routing.LocalStores;
import io.spectracache.routing.PeerClient;
import io.spectracache.routing.Router;
import io.spectracache.simulator.FleetSimulator;
import io.spectracache.simulator.SimulatorSettings;
import io.spectracache.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running SpectraCache instance, started in four named stages, each closed in reverse order:
 * <ol>
 *   <li><b>infrastructure</b>: meters, the embedded broker (unless an external cluster is configured), the topics
 *       every capability declares;</li>
 *   <li><b>streams</b>: the one Kafka Streams application with every capability's topology;</li>
 *   <li><b>query services</b>: routing, the peer client, the query service over every capability's queries, the
 *       shared producer for writes;</li>
 *   <li><b>servers</b>: REST (health, the internal query API, every capability's routes), Arrow Flight (every
 *       capability's datasets; loopback only in protected mode), and the optional fleet simulator.</li>
 * </ol>
 *
 * <pre>{@code
 * try (SpectraCache cache = SpectraCache.start(SpectraConfig.of(Map.of()))) {
 *     cache.awaitReady(Duration.ofSeconds(60));
 *     System.out.println("REST on port " + cache.restPort());
 * }
 * }</pre>
 *
 * <p>{@link #close()} never deletes local state: a restart on the same data directory resumes where it stopped.
 */
public final class SpectraCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpectraCache.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final List<Capability> capabilities;
    private PrometheusMeterRegistry registry;
    private String bootstrapServers;
    private TopicSetup topics;
    private Instance self;
    private StreamsRuntime streams;
    private QueryService queries;
    private Router router;
    private ServingContext serving;
    private RestServer rest;
    private FlightEndpointServer flight;
    private PeerClient peers;
    private ClusterStatus cluster;

    private SpectraCache(SpectraConfig config, List<Capability> capabilities) {
        this.capabilities = capabilities;
        try {
            started.push(DataDirLock.acquire(config.dataDir())); // first: a second instance on this dir touches nothing
            startInfrastructure(config);
            startStreams(config);
            startQueryServices(config);
            startServers(config);
            LOG.info("SpectraCache started: REST http://{} Kafka {}, capabilities {}", self, bootstrapServers,
                    capabilities.stream().map(Capability::name).toList());
        } catch (RuntimeException e) {
            close(); // whatever started before the failure
            throw e;
        }
    }

    /**
     * Starts an instance with every capability of this release. Returns once every part has started; the stores may
     * still be restoring, see {@link #awaitReady(Duration)}. On failure, whatever had started is stopped again.
     */
    public static SpectraCache start(SpectraConfig config) {
        requireNonNull(config, "config");
        return new SpectraCache(config, Capabilities.all());
    }

    private void startInfrastructure(SpectraConfig config) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        started.push(registry::close);
        MetricsConventions.applyTo(registry); // before any meter: Prometheus' base units and counter names
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        started.push(gc);
        if (config.embeddedKafka()) {
            EmbeddedKafka broker = EmbeddedKafka.start(config.dataDir().resolve("kafka"),
                    config.getInt(SpectraConfig.EMBEDDED_KAFKA_PORT_CONFIG),
                    config.getInt(SpectraConfig.EMBEDDED_CONTROLLER_PORT_CONFIG), Map.of());
            started.push(broker);
            bootstrapServers = broker.bootstrapServers();
        } else {
            bootstrapServers = config.getString(SpectraConfig.BOOTSTRAP_SERVERS_CONFIG);
        }
        topics = TopicSetup.ensure(Capabilities.topics(capabilities, config), bootstrapServers, config.kafkaClientOverrides(),
                config.topicPrefix(), config.getInt(SpectraConfig.TOPIC_PARTITIONS_CONFIG),
                config.getShort(SpectraConfig.TOPIC_REPLICATION_FACTOR_CONFIG));
    }

    private void startStreams(SpectraConfig config) {
        int restPort = config.getInt(SpectraConfig.REST_PORT_CONFIG);
        // application.server must name the REST port before the streams start, so "any port" is chosen now
        self = new Instance(config.getString(SpectraConfig.ADVERTISED_HOST_CONFIG), restPort == 0 ? freePort() : restPort);
        streams = StreamsRuntime.create(capabilities, config, bootstrapServers, self, registry, topics::partitionsOf);
        started.push(streams);
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams.kafkaStreams());
        streamsMetrics.bindTo(registry);
        started.push(streamsMetrics);
    }

    private void startQueryServices(SpectraConfig config) {
        capabilities.forEach(capability -> started.push(capability::close)); // closed after the servers that use them
        Producer<String, byte[]> writes = writesProducer(bootstrapServers, config.kafkaClientOverrides());
        started.push(() -> writes.close(Duration.ofSeconds(1))); // unbounded by default while a broker is away
        ExecutorService scatterPool = Executors.newCachedThreadPool(daemonThreads("spectra-scatter"));
        started.push(scatterPool::shutdownNow);
        peers = new PeerClient(self, Duration.ofMillis(config.getLong(SpectraConfig.QUERY_PEER_TIMEOUT_MS_CONFIG)));
        LocalStores stores = new LocalStores(streams.kafkaStreams(), streams.partitions(),
                Duration.ofMillis(config.getLong(SpectraConfig.QUERY_WAIT_MS_CONFIG)),
                config.getInt(SpectraConfig.QUERY_MAX_WAITING_READS_CONFIG));
        Admin admin = Admin.create(adminProperties(bootstrapServers, config.kafkaClientOverrides()));
        started.push(() -> admin.close(Duration.ofSeconds(2)));
        TokenCheck tokens = new EndOffsetTokenCheck(admin, topics.partitionCounts(),
                Duration.ofMillis(config.getLong(SpectraConfig.QUERY_PEER_TIMEOUT_MS_CONFIG)));
        router = new Router(streams.kafkaStreams(), self);
        queries = new QueryService(router, stores, peers, scatterPool,
                topics::partitionsOf, tokens, Capabilities.queries(capabilities));
        cluster = new ClusterStatus(streams.kafkaStreams(), streams.partitions(), self, peers, registry, scatterPool,
                java.time.Clock.systemUTC());
        started.push(new StoreMeters(cluster, registry, streams.kafkaStreams()::metrics,
                topologyOfTopic(config)).start(5));
        TopicTail tail = new TopicTail(bootstrapServers, config.kafkaClientOverrides(), "spectracache-topic-tail");
        started.push(tail);
        serving = new ServingContext(config, queries, registry, writes,
                Duration.ofMillis(config.getLong(SpectraConfig.WRITE_TIMEOUT_MS_CONFIG)), config.topicPrefix(), tail);
    }

    private void startServers(SpectraConfig config) {
        streams.start();
        guardAgainstHangingTransactions(config);
        List<RouteGroup> routes = new ArrayList<>();
        routes.add(new HealthRoutes(streams::readiness, registry));
        routes.add(new InternalQueryRoutes(queries, this::flightPort));
        capabilities.forEach(capability -> routes.addAll(capability.routes(serving)));
        routes.add(new ClusterRoutes(cluster));
        Dashboard dashboard = Dashboard.start(cluster, queries, bootstrapServers, config.kafkaClientOverrides(),
                Topics.EVENTS_DLQ.name(config.topicPrefix()));
        routes.add(dashboard.routes());
        ClientAccess access = config.getBoolean(SpectraConfig.REST_PROTECTED_MODE_CONFIG)
                ? ClientAccess.protectedMode(router::members) : ClientAccess.open();
        try {
            rest = RestServer.start(new RestOptions(config.getString(SpectraConfig.REST_HOST_CONFIG), self.port(),
                    config.getLong(SpectraConfig.REST_MAX_BODY_BYTES_CONFIG),
                    config.getInt(SpectraConfig.REST_THREADS_CONFIG),
                    Duration.ofMillis(config.getLong(SpectraConfig.REST_IDLE_TIMEOUT_MS_CONFIG)), access), routes, registry);
        } catch (RuntimeException e) {
            dashboard.close();
            throw e;
        }
        started.push(rest);
        // Closed before the REST server stops: the live feed must never write to a page whose request Jetty recycled.
        started.push(dashboard);
        FlightSettings flightSettings = FlightSettings.from(config);
        if (flightSettings.enabled()) {
            // Flight has no credentials yet: in protected mode it listens on loopback only, as REST answers loopback only.
            boolean protectedMode = config.getBoolean(SpectraConfig.REST_PROTECTED_MODE_CONFIG);
            String flightHost = protectedMode ? "127.0.0.1" : config.getString(SpectraConfig.REST_HOST_CONFIG);
            List<FlightDataset> datasets = capabilities.stream().flatMap(c -> c.flightDatasets(config).stream()).toList();
            flight = FlightEndpointServer.start(flightHost, protectedMode ? "127.0.0.1" : self.host(),
                    flightSettings.port(), queries, datasets, registry,
                    // In protected mode every Flight endpoint listens on loopback: only a peer on this machine is reachable.
                    peer -> !protectedMode || isLoopback(peer.host()) ? peers.flightPort(peer) : -1);
            started.push(flight);
            LOG.info("Arrow Flight on grpc+tcp://{}:{}{}", flightHost, flight.port(),
                    protectedMode ? " (loopback only: protected mode)" : "");
        }

        int devices = config.getInt(SpectraConfig.SIMULATE_DEVICES_CONFIG);
        if (devices > 0) {
            FleetSimulator simulator = FleetSimulator.connect(bootstrapServers, config.kafkaClientOverrides(),
                    SimulatorSettings.defaults()
                            .withTopicPrefix(config.topicPrefix())
                            .withDevices(devices)
                            .withEventsPerSecond(config.getInt(SpectraConfig.SIMULATE_RATE_CONFIG)));
            started.push(simulator);
            simulator.start();
            LOG.info("simulating {} devices", devices);
        }
    }

    // The capability that owns a topic: a contract topic it declares, or an internal topic (<app id>-<store or
    // operator>-changelog/-repartition) named after it. Null for any other topic.
    private java.util.function.Function<String, String> topologyOfTopic(SpectraConfig config) {
        String applicationId = config.getString(SpectraConfig.APPLICATION_ID_CONFIG);
        String prefix = config.topicPrefix();
        Map<String, String> declared = new HashMap<>();
        capabilities.forEach(capability -> capability.topics(config)
                .forEach(topic -> declared.putIfAbsent(topic.name(prefix), capability.name())));
        return topic -> {
            String owner = declared.get(topic);
            if (owner != null || !topic.startsWith(applicationId + "-")) {
                return owner;
            }
            String internal = topic.substring(applicationId.length() + 1);
            return capabilities.stream().map(Capability::name).filter(name -> internal.startsWith(name + "-"))
                    .findFirst().orElse(null);
        };
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
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

    /** What {@code /health/ready} answers now. */
    public Readiness readiness() {
        return streams.readiness();
    }

    /** The port the REST API listens on. */
    public int restPort() {
        return rest.port();
    }

    /** The port the Arrow Flight endpoint listens on, or -1 without one ({@code spectracache.flight.port=-1}). */
    public int flightPort() {
        return flight == null ? -1 : flight.port();
    }

    /** Every route the REST server holds, as Javalin registered it: what {@code /openapi.json} is built from. */
    public List<io.javalin.router.Endpoint> restEndpoints() {
        return rest.endpoints();
    }

    /** The Kafka cluster this instance uses, embedded or not. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Every meter of this instance, the same that {@code GET /metrics} shows. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The transport-neutral query service, for in-process callers (tests, future transports). */
    public QueryService queries() {
        return queries;
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
    private void guardAgainstHangingTransactions(SpectraConfig config) {
        Duration age = ReliabilitySettings.from(config.originals()).hangingTransactionAge();
        if (!age.isZero()) {
            String prefix = config.topicPrefix();
            started.push(HangingTransactionGuard.start(bootstrapServers, config.kafkaClientOverrides(),
                    config.getString(SpectraConfig.APPLICATION_ID_CONFIG),
                    List.of(Topics.EVENTS.name(prefix), Topics.EVENTS_DLQ.name(prefix), Topics.KV_WRITES_DLQ.name(prefix)),
                    age, registry));
        }
    }

    private static Producer<String, byte[]> writesProducer(String bootstrapServers, Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>(overrides);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "spectracache-writes");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static Map<String, Object> adminProperties(String bootstrapServers, Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>(overrides);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "spectracache-token-check");
        return props;
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
