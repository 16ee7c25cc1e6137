package io.spectracache.query;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.spectracache.errors.ErrorCode;
import io.spectracache.errors.InvalidRequestException;
import io.spectracache.errors.NotFoundException;
import io.spectracache.errors.RetryLaterException;
import io.spectracache.routing.Instance;
import io.spectracache.routing.LocalStores;
import io.spectracache.routing.Owner;
import io.spectracache.routing.Ownership;
import io.spectracache.routing.PeerClient;
import io.spectracache.routing.ReadOptions;
import io.spectracache.topics.StoreSpec;
import io.spectracache.topics.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Routing and scatter-gather on their own: the owner is decided by a test {@link Ownership}, peers are real HTTP
 * servers that answer what each test needs (a value, nothing, 503, garbage, or nothing in time).
 */
class QueryServiceTest {
    private static final StoreSpec<String, String> STORE = new StoreSpec<>("test-store", Serdes.String(), Serdes.String());
    private static final Duration PEER_TIMEOUT = Duration.ofMillis(500);

    /** Local reads answer "local:<key>", except for keys starting with "none". */
    private static final PointQuery<String, String, String> GET = PointQuery.of("test.get", Codec.json(String.class),
            STORE, key -> key, Codec.json(String.class),
            (key, partition, stores, read) -> key.startsWith("none") ? Optional.empty() : Optional.of("local:" + key));

    /** Every instance answers its partitions' sorted names; the merge sorts all. */
    private static final ScatterQuery<String, List<String>> LIST = ScatterQuery.of("test.list", Codec.json(String.class),
            STORE.name(), Topics.KV_WRITES, Codec.json(io.spectracache.serialization.Json.mapper().getTypeFactory()
                    .constructCollectionType(List.class, String.class)),
            (prefix, stores, read) -> new ScatterQuery.Part<>(List.of(prefix + "-a", prefix + "-c"), Set.of(0, 1)),
            (prefix, parts) -> parts.stream().flatMap(List::stream).sorted().toList());

    private final Instance self = new Instance("127.0.0.1", 1);
    private final Map<String, Instance> owners = new ConcurrentHashMap<>();
    private final List<Instance> holders = new ArrayList<>();
    private final List<HttpServer> peers = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private KafkaStreams unstarted;
    private QueryService queries;
    private Supplier<RuntimeException> ownershipFailure;

    @BeforeEach
    void start() {
        holders.add(self);
        Ownership ownership = new Ownership() {
            @Override
            public Instance self() {
                return self;
            }

            @Override
            public <K> Owner ownerOf(StoreSpec<K, ?> store, K key) {
                if (ownershipFailure != null) {
                    throw ownershipFailure.get();
                }
                Instance owner = owners.getOrDefault((String) key, self);
                return new Owner(owner, 0, owner.equals(self));
            }

            @Override
            public List<Instance> instancesOf(String storeName) {
                return List.copyOf(holders);
            }
        };
        unstarted = unstartedStreams();
        LocalStores stores = localStores();
        queries = new QueryService(ownership, stores, new PeerClient(self, PEER_TIMEOUT), pool,
                topic -> 4, TokenCheck.NONE, List.of(GET, LIST));
    }

    @AfterEach
    void stop() {
        peers.forEach(server -> server.stop(0));
        pool.shutdownNow();
        unstarted.close();
    }

    @Test
    void shouldAnswerLocallyWhenThisInstanceOwnsTheKey() {
        assertThat(queries.point(GET, "k1", ReadOptions.LATEST)).isEqualTo(new Outcome.Found<>("local:k1", self, true));
        assertThat(queries.point(GET, "none-1", ReadOptions.LATEST)).isEqualTo(new Outcome.Absent<>(self, true));
    }

    @Test
    void shouldAskTheOwnerOnceAndSayWhichInstanceAnswered() {
        Instance peer = peer(exchange -> reply(exchange, 200, "\"remote\""));
        owners.put("k1", peer);

        assertThat(queries.point(GET, "k1", ReadOptions.LATEST)).isEqualTo(new Outcome.Found<>("remote", peer, false));
    }

    @Test
    void shouldAnswerAbsentWhenTheOwnerHasNoAnswer() {
        Instance peer = peer(exchange -> reply(exchange, 204, null));
        owners.put("k1", peer);

        assertThat(queries.point(GET, "k1", ReadOptions.LATEST)).isEqualTo(new Outcome.Absent<>(peer, false));
    }

    @Test
    void shouldRetryLaterWithTheOwnersOwnReasonWhenItCannotAnswerNow() {
        Instance peer = peer(exchange -> reply(exchange, 503,
                "{\"error\":\"not_ready\",\"message\":\"store restoring\",\"retryAfterSeconds\":3}"));
        owners.put("k1", peer);

        RetryLaterException reason = retryReason(queries.point(GET, "k1", ReadOptions.LATEST));
        assertThat(reason.code()).isEqualTo(ErrorCode.NOT_READY);
        assertThat(reason.getMessage()).isEqualTo("store restoring");
        assertThat(reason.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void shouldRetryLaterWhenTheOwnerAnswersGarbage() {
        Instance peer = peer(exchange -> reply(exchange, 200, "not json at all"));
        owners.put("k1", peer);

        assertThat(retryReason(queries.point(GET, "k1", ReadOptions.LATEST)).code()).isEqualTo(ErrorCode.OWNER_UNAVAILABLE);
    }

    @Test
    void shouldRetryLaterWhenTheOwnerDoesNotAnswerInTime() {
        Instance peer = peer(exchange -> {
            sleep(PEER_TIMEOUT.multipliedBy(3));
            reply(exchange, 200, "\"late\"");
        });
        owners.put("k1", peer);

        // Without the timeout this would be Found("late"): the peer does answer, after three timeouts.
        assertThat(retryReason(queries.point(GET, "k1", ReadOptions.LATEST)).code()).isEqualTo(ErrorCode.OWNER_UNAVAILABLE);
    }

    @Test
    void shouldRetryLaterWhenTheOwnerCannotBeReached() {
        owners.put("k1", new Instance("127.0.0.1", closedPort()));

        assertThat(retryReason(queries.point(GET, "k1", ReadOptions.LATEST)).code()).isEqualTo(ErrorCode.OWNER_UNAVAILABLE);
    }

    @Test
    void shouldNeverForwardARequestThatAlreadyMadeItsHop() {
        List<String> asked = new ArrayList<>();
        Instance peer = peer(exchange -> {
            asked.add(exchange.getRequestURI().getPath());
            reply(exchange, 200, "\"remote\"");
        });
        owners.put("k1", peer);

        assertThat(retryReason(queries.point(GET, "k1", ReadOptions.LATEST, false)).code()).isEqualTo(ErrorCode.OWNER_UNAVAILABLE);
        assertThat(asked).isEmpty();
    }

    @Test
    void shouldAnswerAPeerWhoseViewOfOwnershipIsStaleWithRetryLaterInsteadOfAskingFurther() {
        Instance other = peer(exchange -> reply(exchange, 200, "\"should not be asked\""));
        owners.put("k1", other); // the key moved away from this instance after the peer looked

        assertThatThrownBy(() -> queries.answerForPeer("test.get", "\"k1\"".getBytes(UTF_8), ReadOptions.LATEST))
                .isInstanceOf(RetryLaterException.class);
    }

    @Test
    void shouldRetryLaterWhileOwnershipIsUnknown() {
        ownershipFailure = () -> RetryLaterException.notReady("rebalancing");

        assertThat(retryReason(queries.point(GET, "k1", ReadOptions.LATEST)).code()).isEqualTo(ErrorCode.NOT_READY);
    }

    @Test
    void shouldMergeEveryInstancesPartAndCoverEveryPartition() {
        holders.add(peer(exchange -> {
            exchange.getResponseHeaders().add(PeerClient.PARTITIONS_HEADER, "2,3");
            reply(exchange, 200, "[\"x-b\",\"x-d\"]");
        }));

        Gathered<List<String>> gathered = queries.scatter(LIST, "x", ReadOptions.LATEST);

        assertThat(gathered.value()).containsExactly("x-a", "x-b", "x-c", "x-d");
        assertThat(gathered.partial()).isFalse();
        assertThat(gathered.failedInstances()).isEmpty();
        assertThat(gathered.partitions()).containsExactlyInAnyOrder(0, 1, 2, 3);
    }

    @Test
    void shouldBePartialAndNameTheInstancesThatFailedTimedOutOrAnsweredGarbage() {
        Instance failing = peer(exchange -> reply(exchange, 503, "{\"error\":\"not_ready\",\"message\":\"no\"}"));
        Instance garbage = peer(exchange -> reply(exchange, 200, "{{{"));
        Instance slow = peer(exchange -> {
            sleep(PEER_TIMEOUT.multipliedBy(3));
            reply(exchange, 200, "[]");
        });
        holders.addAll(List.of(failing, garbage, slow));

        Gathered<List<String>> gathered = queries.scatter(LIST, "x", ReadOptions.LATEST);

        assertThat(gathered.value()).containsExactly("x-a", "x-c");
        assertThat(gathered.partial()).isTrue();
        assertThat(gathered.failedInstances()).containsExactlyInAnyOrder(failing.toString(), garbage.toString(), slow.toString());
    }

    @Test
    void shouldBePartialWhenTheAnswersCoverFewerPartitionsThanTheStoreHas() {
        Gathered<List<String>> gathered = queries.scatter(LIST, "x", ReadOptions.LATEST);

        assertThat(gathered.partial()).isTrue();
        assertThat(gathered.failedInstances()).isEmpty();
        assertThat(gathered.partitions()).containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void shouldAnswerAPeersScatterPartWithItsPartitions() {
        QueryService.PeerReply reply = queries.answerForPeer("test.list", "\"p\"".getBytes(UTF_8), ReadOptions.LATEST);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(new String(reply.body(), UTF_8)).isEqualTo("[\"p-a\",\"p-c\"]");
        assertThat(new TreeSet<>(reply.partitions())).containsExactly(0, 1);
    }

    @Test
    void shouldRefuseUnknownQueriesAndParametersOfTheWrongShape() {
        assertThatThrownBy(() -> queries.answerForPeer("no.such", new byte[0], ReadOptions.LATEST))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("no.such");
        assertThatThrownBy(() -> queries.answerForPeer("test.get", "{\"not\":\"a string\"}".getBytes(UTF_8), ReadOptions.LATEST))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("test.get");
    }

    @Test
    void shouldRefuseTwoQueriesWithOneName() {
        assertThatThrownBy(() -> new QueryService(new Ownership() {
            @Override
            public Instance self() {
                return self;
            }

            @Override
            public <K> Owner ownerOf(StoreSpec<K, ?> store, K key) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<Instance> instancesOf(String storeName) {
                return List.of();
            }
        }, localStores(), new PeerClient(self, PEER_TIMEOUT), pool, topic -> 4, TokenCheck.NONE,
                List.of(GET, GET))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("test.get");
    }

    private static RetryLaterException retryReason(Outcome<?> outcome) {
        assertThat(outcome).isInstanceOf(Outcome.RetryLater.class);
        return ((Outcome.RetryLater<?>) outcome).reason();
    }

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private Instance peer(Handler handler) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext(PeerClient.INTERNAL_PATH, exchange -> {
                try (exchange) {
                    exchange.getRequestBody().readAllBytes();
                    handler.handle(exchange);
                }
            });
            server.setExecutor(Executors.newCachedThreadPool());
            server.start();
            peers.add(server);
            return new Instance("127.0.0.1", server.getAddress().getPort());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final Topology TOPOLOGY = topology();

    private static Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("unused-topic");
        return builder.build();
    }

    private LocalStores localStores() {
        return new LocalStores(unstarted, new io.spectracache.routing.LocalPartitions(unstarted, TOPOLOGY.describe()), Duration.ZERO, 1);
    }

    /** A KafkaStreams that is never started: the local reads of these tests do not touch stores. */
    private static KafkaStreams unstartedStreams() {
        Topology topology = TOPOLOGY;
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "query-service-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/query-service-test-" + System.nanoTime());
        return new KafkaStreams(topology, props);
    }
}
