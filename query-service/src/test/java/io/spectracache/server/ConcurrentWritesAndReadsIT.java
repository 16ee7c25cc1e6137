package io.spectracache.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.serialization.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 6, item 2 (KAFKA-19629): with kafka-streams 4.3.1 a stream thread writing RocksDB and an IQv2 query could
 * take the store's lock and the Position lock in opposite orders and deadlock, freezing reads of that partition.
 * Writes and token reads against one instance at once, for several seconds; every request must answer within
 * {@value #REQUEST_TIMEOUT_SECONDS} s, so a deadlock fails the test instead of hanging it.
 */
@Tag("integration")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConcurrentWritesAndReadsIT {
    private static final int REQUEST_TIMEOUT_SECONDS = 10;
    private static final int CLIENTS = 4;
    private static final Duration RUN = Duration.ofSeconds(12);

    private static TestCluster cluster;
    private static SpectraCache cache;
    private static int port;

    @BeforeAll
    static void start() {
        cluster = new TestCluster("deadlock-it");
        cache = cluster.startInstance(cluster.instanceSettings("one"));
        port = cache.restPort();
    }

    @AfterAll
    static void stop() {
        if (cache != null) {
            cache.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** What one client did: requests made, the slowest, and every read that did not see its own write. */
    private record ClientRun(int writes, long slowestMs, List<String> missed) {
    }

    @Test
    void shouldNotDeadlockWhenWritesAndTokenReadsRunTogether() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        long deadline = System.nanoTime() + RUN.toNanos();
        List<Future<ClientRun>> runs = new ArrayList<>();
        try {
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                runs.add(clients.submit(() -> {
                    long slowest = 0;
                    int writes = 0;
                    List<String> missed = new ArrayList<>();
                    while (System.nanoTime() < deadline) {
                        String key = "client-" + client + "-" + (writes % 50);
                        String value = "v" + writes;
                        long started = System.nanoTime();
                        HttpResponse<String> put = send(http, HttpRequest.newBuilder(uri("/v1/kv/" + key))
                                .header("Content-Type", "text/plain")
                                .PUT(HttpRequest.BodyPublishers.ofString(value, StandardCharsets.UTF_8)));
                        slowest = Math.max(slowest, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
                        String token = Json.mapper().readTree(put.body()).get("token").asText();
                        started = System.nanoTime();
                        HttpResponse<String> get = send(http, HttpRequest.newBuilder(uri("/v1/kv/" + key + "?after=" + token)).GET());
                        slowest = Math.max(slowest, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                        if (get.statusCode() != 200 || !get.body().equals(value)) {
                            missed.add(key + "=" + value + " read " + get.statusCode() + " " + get.body());
                        }
                        writes++;
                    }
                    return new ClientRun(writes, slowest, missed);
                }));
            }
            int writes = 0;
            long slowest = 0;
            for (Future<ClientRun> run : runs) {
                // A request that hangs fails with HttpTimeoutException inside the client, surfacing here.
                ClientRun done = run.get(RUN.toSeconds() + 2L * REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertThat(done.missed()).as("reads that did not see their own write").isEmpty();
                assertThat(done.slowestMs()).isLessThan(TimeUnit.SECONDS.toMillis(REQUEST_TIMEOUT_SECONDS));
                writes += done.writes();
                slowest = Math.max(slowest, done.slowestMs());
            }
            // The figures, for the record (test output goes to failsafe-reports).
            System.out.printf("%d clients, %d s: %d writes each read back with its token, slowest request %d ms%n",
                    CLIENTS, RUN.toSeconds(), writes, slowest);
            assertThat(writes).as("writes and token reads made").isGreaterThan(100);
            assertThat(TestCluster.get(port, "/health/ready").statusCode()).isEqualTo(200);
        } finally {
            clients.shutdownNow();
        }
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(REQUEST_TIMEOUT_SECONDS)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String pathAndQuery) {
        return TestCluster.uri(port, pathAndQuery);
    }
}
