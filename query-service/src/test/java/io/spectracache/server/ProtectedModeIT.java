package io.spectracache.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.spectracache.rest.RawHttp;
import io.spectracache.serialization.Json;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Protected mode, on by default, with two instances that reach each other at a non-loopback address of this machine
 * (as two hosts would): the other host gets 403 on the public API while the instances still answer each other's
 * internal queries, so a scan from either covers every partition. Skipped on a machine without such an address.
 */
@Tag("integration")
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class ProtectedModeIT {
    private static InetAddress elsewhere;
    private static TestCluster cluster;
    private static SpectraCache first;
    private static SpectraCache second;

    @BeforeAll
    static void start() throws Exception {
        Optional<InetAddress> address = RawHttp.nonLoopbackAddress();
        assumeTrue(address.isPresent(), "this machine has no non-loopback address");
        elsewhere = address.get();
        cluster = new TestCluster("protected-it");
        first = cluster.startInstance(onEveryInterface(cluster.instanceSettings("a")));
        second = cluster.startInstance(onEveryInterface(cluster.instanceSettings("b")));
        // Both serve, and each one's scan has the other's partitions: the internal API answers between them.
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            for (SpectraCache instance : List.of(first, second)) {
                var answer = TestCluster.get(instance.restPort(), "/v1/kv?limit=1");
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200); // 503 while the group rebalances
                JsonNode page = Json.mapper().readTree(answer.body());
                assertThat(page.get("partial").asBoolean()).as(page.toString()).isFalse();
                assertThat(page.get("partitions")).hasSize(4);
                assertThat(page.get("failedInstances")).isEmpty();
            }
        });
    }

    private static Map<String, Object> onEveryInterface(Map<String, Object> settings) {
        settings.put(SpectraConfig.REST_HOST_CONFIG, "0.0.0.0");
        settings.put(SpectraConfig.ADVERTISED_HOST_CONFIG, elsewhere.getHostAddress());
        return settings;
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {second, first, cluster}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    @Test
    void shouldAnswerInstancesOnOtherHostsButRefuseOtherClientsThere() throws Exception {
        String token = Json.mapper().readTree(TestCluster.put(first.restPort(), "/v1/kv/guarded", "v", "text/plain").body())
                .get("token").asText();
        // Every key read at both instances: one of them asks the other over the non-loopback address.
        for (SpectraCache instance : List.of(first, second)) {
            assertThat(TestCluster.get(instance.restPort(), "/v1/kv/guarded?after=" + token).body()).isEqualTo("v");
        }

        RawHttp.Answer refused = get(first.restPort(), "/v1/kv/guarded");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("\"error\":\"forbidden\"", "spectracache.rest.protected.mode=false")
                .doesNotContain("\"v\"");
        assertThat(get(first.restPort(), "/health/ready").status()).isEqualTo(200);

        // A client on that host that pretends to be an instance, naming one that is not a member, is refused too.
        RawHttp.Answer forged = RawHttp.exchange(elsewhere, first.restPort(), ("POST /internal/v1/queries/kv.scan HTTP/1.1\r\n"
                + "Host: x\r\nX-Spectra-Forwarded-By: " + elsewhere.getHostAddress() + ":1\r\nContent-Length: 2\r\n"
                + "Connection: close\r\n\r\n{}").getBytes(ISO_8859_1), false, Duration.ofSeconds(10));
        assertThat(forged.status()).isEqualTo(403);
    }

    private static RawHttp.Answer get(int port, String path) throws Exception {
        return RawHttp.exchange(elsewhere, port, ("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .getBytes(ISO_8859_1), false, Duration.ofSeconds(10));
    }
}
