package io.spectracache.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spectracache.serialization.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The default mode (embedded broker) keeps everything across a restart on the same data directory. */
@Tag("integration")
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class RestartIT {

    @Test
    void shouldFindItsStateAgainAfterARestartOnTheSameDataDirectory() throws Exception {
        Path dataDir = Files.createTempDirectory("spectracache-restart-");
        Map<String, Object> settings = new HashMap<>();
        settings.put(SpectraConfig.DATA_DIR_CONFIG, dataDir.toString());
        settings.put(SpectraConfig.EMBEDDED_KAFKA_PORT_CONFIG, freePort());
        settings.put(SpectraConfig.EMBEDDED_CONTROLLER_PORT_CONFIG, freePort());
        settings.put(SpectraConfig.REST_PORT_CONFIG, 0);
        settings.put(SpectraConfig.REST_HOST_CONFIG, "127.0.0.1");
        settings.put(SpectraConfig.SIMULATE_DEVICES_CONFIG, 20);
        settings.put(SpectraConfig.SIMULATE_RATE_CONFIG, 200);
        long countBefore;
        try (SpectraCache cache = SpectraCache.start(SpectraConfig.of(settings))) {
            assertThat(cache.awaitReady(Duration.ofSeconds(90))).isTrue();
            int port = cache.restPort();
            String token = Json.mapper().readTree(TestCluster.put(port, "/v1/kv/durable", "survives", "text/plain").body()).get("token").asText();
            assertThat(TestCluster.get(port, "/v1/kv/durable?after=" + token).body()).isEqualTo("survives");
            // The simulator names its devices; wait until one of them has a few events.
            String device = await().atMost(Duration.ofSeconds(60)).until(() -> firstSimulatedDevice(port), d -> d != null);
            cache.simulator().orElseThrow().close();
            countBefore = await().atMost(Duration.ofSeconds(30)).until(() -> eventCount(port, device), c -> c > 0);
            Thread.sleep(500); // let the last commit land: the test asserts nothing is lost, not that it is fast
            countBefore = eventCount(port, device);
            settings.put("device", device);
        }
        settings.remove(SpectraConfig.SIMULATE_DEVICES_CONFIG);
        String device = (String) settings.remove("device");
        try (SpectraCache cache = SpectraCache.start(SpectraConfig.of(settings))) {
            assertThat(cache.awaitReady(Duration.ofSeconds(90))).isTrue();
            int port = cache.restPort();
            assertThat(TestCluster.get(port, "/v1/kv/durable").body()).isEqualTo("survives");
            assertThat(eventCount(port, device)).isGreaterThanOrEqualTo(countBefore);
        } finally {
            TestCluster.deleteQuietly(dataDir);
        }
    }

    private static String firstSimulatedDevice(int port) throws IOException {
        for (String candidate : new String[] {"truck-0000", "truck-0001", "meter-0000", "sensor-0000", "device-0000"}) {
            if (TestCluster.get(port, "/v1/devices/" + candidate).statusCode() == 200) {
                return candidate;
            }
        }
        return null;
    }

    private static long eventCount(int port, String device) throws IOException {
        var response = TestCluster.get(port, "/v1/devices/" + device);
        return response.statusCode() == 200 ? Json.mapper().readTree(response.body()).get("eventCount").asLong() : -1;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
