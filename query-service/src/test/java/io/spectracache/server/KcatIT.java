package io.spectracache.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.spectracache.serialization.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Drives SpectraCache from outside, as a user would: kcat (librdkafka, nobody here wrote it) produces and
 * consumes, curl queries. CI installs both; on a developer machine without them the test is skipped, in CI
 * (CI=true) it fails instead of skipping.
 */
@Tag("integration")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KcatIT {
    private static TestCluster cluster;
    private static SpectraCache cache;

    @BeforeAll
    static void start() {
        boolean tools = onPath("kcat") && onPath("curl");
        if (System.getenv("CI") != null) {
            assertThat(tools).as("kcat and curl are installed by .ci/run").isTrue();
        }
        assumeTrue(tools, "kcat or curl not installed");
        cluster = new TestCluster("kcat-it");
        cache = cluster.startInstance(cluster.instanceSettings("kcat"));
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

    @Test
    void shouldQueryEventsProducedWithKcatAndFindTheBadOneInTheDlqWithKcat() throws Exception {
        Instant now = Instant.now();
        String lines = String.join("\n",
                "{\"deviceId\":\"kcat-truck\",\"ts\":\"" + now.minusSeconds(2) + "\",\"eventId\":\"k1\",\"metrics\":{\"speed\":50}}",
                "{\"deviceId\":\"kcat-truck\",\"ts\":" + now.minusSeconds(1).toEpochMilli() + ",\"eventId\":\"k2\",\"metrics\":{\"speed\":55}}",
                "{\"deviceId\":\"kcat-truck\",\"ts\":\"" + now + "\",\"eventId\":\"k3\",\"metrics\":{\"speed\":61.5}}",
                "{\"deviceId\":\"kcat-truck\",\"ts\":\"" + now + "\",\"eventId\":\"k3\",\"metrics\":{\"speed\":61.5}}",
                "{this is not json") + "\n";
        run(lines, "kcat", "-P", "-b", cluster.kafka.bootstrapServers(), "-t", "spectra.events.raw");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode state = Json.mapper().readTree(run(null, "curl", "-s", url("/v1/devices/kcat-truck")));
            assertThat(state.has("eventCount")).as(state.toString()).isTrue();
            assertThat(state.get("eventCount").asLong()).isEqualTo(3);
            assertThat(state.get("metrics").get("speed").get("value").asDouble()).isEqualTo(61.5);
        });
        String dlq = run(null, "kcat", "-C", "-b", cluster.kafka.bootstrapServers(), "-t", "spectra.events.dlq",
                "-o", "beginning", "-e", "-q", "-f", "%h|%s\\n");
        assertThat(dlq).contains("spectra.dlq.reason=malformed-json").contains("{this is not json");
    }

    @Test
    void shouldServeCacheWritesProducedWithKcatAndHonourTheTtlHeader() throws Exception {
        run("kcat-key:written by kcat\n", "kcat", "-P", "-b", cluster.kafka.bootstrapServers(), "-t", "spectra.kv.writes", "-K:");
        run("kcat-ttl:gone soon\n", "kcat", "-P", "-b", cluster.kafka.bootstrapServers(), "-t", "spectra.kv.writes", "-K:",
                "-H", "spectra.ttl=1");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(run(null, "curl", "-s", url("/v1/kv/kcat-key"))).isEqualTo("written by kcat"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(run(null, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url("/v1/kv/kcat-ttl"))).isEqualTo("404"));
        String written = run(null, "curl", "-s", "-X", "PUT", "-H", "Content-Type: text/plain", "--data-binary", "via curl", url("/v1/kv/curl-key"));
        String token = Json.mapper().readTree(written).get("token").asText();
        assertThat(run(null, "curl", "-s", url("/v1/kv/curl-key?after=" + token))).isEqualTo("via curl");
        String consumed = run(null, "kcat", "-C", "-b", cluster.kafka.bootstrapServers(), "-t", "spectra.kv.writes",
                "-o", "beginning", "-e", "-q", "-f", "%k=%s\\n");
        assertThat(consumed).contains("curl-key=via curl");
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + cache.restPort() + path;
    }

    static String run(String stdin, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("kcat-it", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(UTF_8));
                }
            }
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
            String output = Files.readString(out, UTF_8);
            assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
            return output;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static boolean onPath(String tool) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        return dirs.stream().anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }
}
