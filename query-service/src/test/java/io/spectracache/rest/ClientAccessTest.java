package io.spectracache.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.routing.Instance;
import io.spectracache.routing.PeerClient;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The protected-mode decision alone (issue 6, item 11): who is answered, who gets 403 and what it says. */
class ClientAccessTest {
    private static final InetAddress LOOPBACK = address("127.0.0.1");
    private static final InetAddress LOOPBACK_6 = address("::1");
    private static final InetAddress PEER = address("10.0.0.7");
    private static final InetAddress STRANGER = address("203.0.113.9");
    private static final Map<String, List<InetAddress>> DNS = Map.of("cache-2.internal", List.of(PEER));

    private final ClientAccess access = ClientAccess.protectedMode(
            () -> List.of(new Instance("cache-1.internal", 7070), new Instance("cache-2.internal", 7070)),
            host -> {
                List<InetAddress> found = DNS.get(host);
                if (found == null) {
                    throw new UnknownHostException(host);
                }
                return found.toArray(InetAddress[]::new);
            });

    @Test
    void shouldAnswerLoopbackClientsEverywhere() {
        for (String path : List.of("/v1/kv/a", "/metrics", "/internal/v1/queries/kv.get", "/anything")) {
            assertThat(access.refusal(LOOPBACK, path, null)).as(path).isEmpty();
            assertThat(access.refusal(LOOPBACK_6, path, null)).as(path).isEmpty();
        }
    }

    @Test
    void shouldRefuseOtherHostsThePublicApiAndSayHowToOpenIt() {
        for (String path : List.of("/v1/kv/a", "/v1/kv", "/v1/devices/d", "/metrics", "/", "/health/live/../../v1/kv/a")) {
            assertThat(access.refusal(STRANGER, path, null)).as(path).hasValueSatisfying(message -> assertThat(message)
                    .contains("protected mode", "203.0.113.9", "spectracache.rest.protected.mode=false"));
        }
        // A peer's address does not open the public API either: only loopback does.
        assertThat(access.refusal(PEER, "/v1/kv/a", "cache-2.internal:7070")).isPresent();
    }

    @Test
    void shouldAnswerHealthProbesFromAnyHost() {
        assertThat(access.refusal(STRANGER, "/health/live", null)).isEmpty();
        assertThat(access.refusal(STRANGER, "/health/ready", null)).isEmpty();
    }

    @Test
    void shouldAnswerTheInternalApiOnlyForAMemberCallingFromItsOwnAddress() {
        String path = PeerClient.INTERNAL_PATH + "kv.scan";

        assertThat(access.refusal(PEER, path, "cache-2.internal:7070")).isEmpty();
        assertThat(access.refusal(PEER, path, null)).as("no header").isPresent();
        assertThat(access.refusal(PEER, path, "cache-2.internal:7071")).as("not a member").isPresent();
        assertThat(access.refusal(STRANGER, path, "cache-2.internal:7070")).as("a member's name from elsewhere")
                .hasValueSatisfying(message -> assertThat(message).contains("internal query API", "203.0.113.9"));
        assertThat(access.refusal(PEER, path, "cache-1.internal:7070")).as("a member that does not resolve").isPresent();
    }

    @Test
    void shouldAnswerEveryoneWhenOpen() {
        ClientAccess open = ClientAccess.open();
        assertThat(open.isProtected()).isFalse();
        assertThat(open.refusal(STRANGER, "/v1/kv/a", null)).isEmpty();
        assertThat(open.refusal(STRANGER, PeerClient.INTERNAL_PATH + "kv.scan", null)).isEmpty();
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
