package io.spectracache.rest;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spectracache.health.Readiness;
import io.spectracache.routing.Instance;
import io.spectracache.routing.PeerClient;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Protected mode on a real server bound to every interface, asked from loopback and from a non-loopback address of
 * this machine (skipped on a machine without one; {@link ClientAccessTest} covers the decision alone). Regression
 * tests for issue 6, item 11: REST answered anyone who could reach the machine.
 */
class ProtectedModeTest {
    private static final RouteGroup ROUTES = routes -> {
        routes.get("/v1/kv/<key>", ctx -> ctx.result("value of " + ctx.pathParam("key")));
        routes.post(PeerClient.INTERNAL_PATH + "{name}", ctx -> ctx.result("answered " + ctx.pathParam("name")));
    };

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<Instance> members = new CopyOnWriteArrayList<>();
    private InetAddress elsewhere;

    @BeforeEach
    void findAnotherAddress() throws Exception {
        Optional<InetAddress> address = RawHttp.nonLoopbackAddress();
        assumeTrue(address.isPresent(), "this machine has no non-loopback address");
        elsewhere = address.get();
    }

    @Test
    void shouldRefuseTheCacheToClientsOnOtherHostsWith403SayingHowToOpenIt() throws Exception {
        try (RestServer server = start(ClientAccess.protectedMode(() -> members))) {
            RawHttp.Answer refused = get(elsewhere, server, "/v1/kv/secret");

            RestServerTest.assertJsonError(refused, 403, "forbidden");
            assertThat(RestServerTest.message(refused)).contains("protected mode", elsewhere.getHostAddress(),
                    "spectracache.rest.protected.mode=false");
            assertThat(refused.body()).doesNotContain("value of");
            assertThat(get(InetAddress.getLoopbackAddress(), server, "/v1/kv/secret").body()).isEqualTo("value of secret");
            assertThat(get(elsewhere, server, "/health/live").status()).isEqualTo(200);
            assertThat(get(elsewhere, server, "/metrics").status()).isEqualTo(403);
        }
    }

    @Test
    void shouldAnswerTheInternalApiFromAnotherHostOnlyForAMemberOfTheApplication() throws Exception {
        try (RestServer server = start(ClientAccess.protectedMode(() -> members))) {
            String self = elsewhere.getHostAddress() + ":" + server.port();
            String path = PeerClient.INTERNAL_PATH + "kv.scan";

            RestServerTest.assertJsonError(post(elsewhere, server, path, self), 403, "forbidden");

            members.add(new Instance(elsewhere.getHostAddress(), server.port()));
            assertThat(post(elsewhere, server, path, self).body()).isEqualTo("answered kv.scan");
            assertThat(post(elsewhere, server, path, null).status()).as("without the header").isEqualTo(403);
            assertThat(post(elsewhere, server, path, elsewhere.getHostAddress() + ":1").status()).as("not a member").isEqualTo(403);
        }
    }

    @Test
    void shouldAnswerOtherHostsWhenProtectedModeIsTurnedOff() throws Exception {
        try (RestServer server = start(ClientAccess.open())) {
            assertThat(get(elsewhere, server, "/v1/kv/shared").body()).isEqualTo("value of shared");
        }
    }

    private RestServer start(ClientAccess access) {
        return RestServer.start(RestOptions.of("0.0.0.0", 0).withAccess(access),
                List.of(ROUTES, new HealthRoutes(() -> new Readiness(true, "RUNNING", "test"), registry)), registry);
    }

    private static RawHttp.Answer get(InetAddress address, RestServer server, String path) throws Exception {
        return RawHttp.exchange(address, server.port(), ("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .getBytes(ISO_8859_1), false, Duration.ofSeconds(10));
    }

    private static RawHttp.Answer post(InetAddress address, RestServer server, String path, String forwardedBy) throws Exception {
        String header = forwardedBy == null ? "" : PeerClient.FORWARDED_HEADER + ": " + forwardedBy + "\r\n";
        return RawHttp.exchange(address, server.port(), ("POST " + path + " HTTP/1.1\r\nHost: x\r\n" + header
                + "Content-Length: 2\r\nConnection: close\r\n\r\n{}").getBytes(ISO_8859_1), false, Duration.ofSeconds(10));
    }
}
