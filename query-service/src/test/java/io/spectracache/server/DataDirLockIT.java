package io.spectracache.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spectracache.chaos.ManagedProcess;
import io.spectracache.flight.FlightSettings;
import io.spectracache.serialization.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 6, item 5: a second start on the data directory of a running instance used to open the broker's metadata
 * log before failing on the port, after which the running instance spun at 100% CPU and took over 80 s to stop.
 */
@Tag("integration")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DataDirLockIT {

    @Test
    void shouldRefuseASecondStartOnTheSameDataDirectoryWithoutTouchingIt() throws Exception {
        Path dataDir = Files.createTempDirectory("spectracache-lock-");
        Map<String, Object> settings = new HashMap<>();
        settings.put(SpectraConfig.DATA_DIR_CONFIG, dataDir.toString());
        settings.put(SpectraConfig.EMBEDDED_KAFKA_PORT_CONFIG, freePort());
        settings.put(SpectraConfig.EMBEDDED_CONTROLLER_PORT_CONFIG, freePort());
        settings.put(SpectraConfig.REST_PORT_CONFIG, freePort());
        settings.put(FlightSettings.PORT_CONFIG, 0);
        settings.put(SpectraConfig.REST_HOST_CONFIG, "127.0.0.1");
        String pid = Long.toString(ProcessHandle.current().pid());
        String dir = dataDir.toAbsolutePath().normalize().toString();
        try {
            SpectraCache first = SpectraCache.start(SpectraConfig.of(settings));
            try {
                assertThat(first.awaitReady(Duration.ofSeconds(90))).isTrue();
                int port = first.restPort();
                String token = Json.mapper().readTree(TestCluster.put(port, "/v1/kv/kept", "before", "text/plain").body())
                        .get("token").asText();

                // The same command again, in this JVM: refused before anything is opened.
                assertThatThrownBy(() -> SpectraCache.start(SpectraConfig.of(settings)))
                        .isInstanceOf(DataDirectoryInUseException.class)
                        .hasMessageContaining(dir)
                        .hasMessageContaining("process " + pid);

                // And as an operator would type it, in a process of its own, with the same ports and directory.
                try (ManagedProcess second = ManagedProcess.start("second", ManagedProcess.java(List.of("-Xmx256m", "--add-modules=jdk.incubator.foreign"),
                        "-jar", ManagedProcess.spectracacheJar().toString(),
                        "--data-dir", dir,
                        "--rest-port", settings.get(SpectraConfig.REST_PORT_CONFIG).toString(),
                        "--set", SpectraConfig.EMBEDDED_KAFKA_PORT_CONFIG + "=" + settings.get(SpectraConfig.EMBEDDED_KAFKA_PORT_CONFIG),
                        "--set", SpectraConfig.EMBEDDED_CONTROLLER_PORT_CONFIG + "=" + settings.get(SpectraConfig.EMBEDDED_CONTROLLER_PORT_CONFIG)),
                        dataDir.resolveSibling(dataDir.getFileName() + "-second.log"))) {
                    Integer status = second.awaitExit(Duration.ofSeconds(60));
                    assertThat(status).as("the second start fails at once; its output: %s", second.logText()).isEqualTo(3);
                    assertThat(second.logText())
                            .contains("cannot start: the data directory " + dir + " is in use by process " + pid)
                            .doesNotContain("Exception");
                }

                // The first instance is untouched: it still reads, writes, reports ready.
                assertThat(TestCluster.get(port, "/v1/kv/kept?after=" + token).body()).isEqualTo("before");
                String later = Json.mapper().readTree(TestCluster.put(port, "/v1/kv/kept", "after", "text/plain").body())
                        .get("token").asText();
                assertThat(TestCluster.get(port, "/v1/kv/kept?after=" + later).body()).isEqualTo("after");
                assertThat(TestCluster.get(port, "/health/ready").statusCode()).isEqualTo(200);
                assertThat(Files.readString(dataDir.resolve(DataDirLock.FILE_NAME))).startsWith(pid + " ");
            } finally {
                long start = System.nanoTime();
                first.close();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the first instance stops promptly")
                        .isLessThan(Duration.ofSeconds(10));
            }
            // Released on close: the next start gets in.
            DataDirLock.acquire(dataDir).close();
        } finally {
            TestCluster.deleteQuietly(dataDir);
            Files.deleteIfExists(dataDir.resolveSibling(dataDir.getFileName() + "-second.log"));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
