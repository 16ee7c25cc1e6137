package io.spectracache.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.consistency.ConsistencyToken;
import io.spectracache.serialization.Json;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 6 item 6: forged consistency tokens are refused before any wait, and cannot pin request threads; the
 * tokens writes really return keep working.
 */
@Tag("integration")
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class ConsistencyTokenIT {
    private static TestCluster cluster;
    private static SpectraCache cache;

    @BeforeAll
    static void start() {
        cluster = new TestCluster("token-it");
        Map<String, Object> settings = cluster.instanceSettings("one");
        settings.put(SpectraConfig.QUERY_WAIT_MS_CONFIG, 5_000L);
        cache = cluster.startInstance(settings);
    }

    @AfterAll
    static void stop() {
        if (cache != null) {
            cache.close();
        }
        cluster.close();
    }

    @Test
    void shouldAnswer400AtOnceForATokenPastThePartitionsEnd() throws Exception {
        String forged = ConsistencyToken.of("spectra.kv.writes", 0, 1_000_000_000L).encode();

        long started = System.nanoTime();
        HttpResponse<String> answer = TestCluster.get(cache.restPort(), "/v1/kv/anything?after=" + forged);

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(answer.body()).get("message").asText()).contains("no write has returned that token");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("refused before the 5 s wait").isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void shouldAnswer400ForATokenNamingATopicOrPartitionThisDeploymentDoesNotHave() throws Exception {
        HttpResponse<String> topic = TestCluster.get(cache.restPort(),
                "/v1/kv/anything?after=" + ConsistencyToken.of("someone.elses.topic", 0, 0).encode());
        HttpResponse<String> partition = TestCluster.get(cache.restPort(),
                "/v1/kv/anything?after=" + ConsistencyToken.of("spectra.kv.writes", 99, 0).encode());

        assertThat(topic.statusCode()).isEqualTo(400);
        assertThat(topic.body()).contains("does not use");
        assertThat(partition.statusCode()).isEqualTo(400);
        assertThat(partition.body()).contains("partition 99");
    }

    @Test
    void shouldAcceptEveryTokenAWriteJustReturned() throws Exception {
        for (int i = 0; i < 50; i++) {
            String token = Json.mapper().readTree(TestCluster.put(cache.restPort(), "/v1/kv/fresh-" + i, "v" + i, "text/plain")
                    .body()).get("token").asText();
            HttpResponse<String> read = TestCluster.get(cache.restPort(), "/v1/kv/fresh-" + i + "?after=" + token);
            assertThat(read.statusCode()).as("read %d", i).isEqualTo(200);
            assertThat(read.body()).isEqualTo("v" + i);
        }
    }

    @Test
    void shouldKeepLivenessFastWhile300ForgedTokensArriveAtOnce() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(300);
        try {
            List<Future<HttpResponse<String>>> forged = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String token = ConsistencyToken.of("spectra.kv.writes", i % 4, 1_000_000_000L + i).encode();
                forged.add(clients.submit(() -> TestCluster.get(cache.restPort(), "/v1/kv/k?after=" + token)));
            }
            long started = System.nanoTime();
            HttpResponse<String> live = TestCluster.get(cache.restPort(), "/health/live");
            Duration liveness = Duration.ofNanos(System.nanoTime() - started);

            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(liveness).as("/health/live under the flood").isLessThan(Duration.ofSeconds(3));
            for (Future<HttpResponse<String>> answer : forged) {
                assertThat(answer.get().statusCode()).isEqualTo(400);
            }
        } finally {
            clients.shutdownNow();
        }
    }
}
