package io.spectracache.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.flight.FlightSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * A real KRaft broker plus helpers to start SpectraCache instances against it and talk HTTP to them. The broker runs
 * in this JVM, or in a Testcontainers container under the Maven profile {@code containers} ({@link TestKafka}).
 * Closing it closes every instance it started (closing one twice is harmless), then the broker: an instance a test
 * class forgot would otherwise go on retrying a broker that is gone, taking CPU from every test after it in the JVM.
 */
final class TestCluster implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final Path root;
    final TestKafka kafka;
    final String applicationId;
    private final Deque<SpectraCache> started = new ArrayDeque<>();

    TestCluster(String applicationId) {
        try {
            this.root = Files.createTempDirectory("spectracache-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.kafka = TestKafka.start(root.resolve("kafka"));
        this.applicationId = applicationId;
    }

    /** Settings of one more instance against this broker: free REST port, its own state directory. */
    Map<String, Object> instanceSettings(String name) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(SpectraConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        settings.put(SpectraConfig.APPLICATION_ID_CONFIG, applicationId);
        settings.put(SpectraConfig.DATA_DIR_CONFIG, root.resolve(name).toString());
        settings.put(SpectraConfig.REST_PORT_CONFIG, 0);
        settings.put(FlightSettings.PORT_CONFIG, 0);
        settings.put(SpectraConfig.REST_HOST_CONFIG, "127.0.0.1");
        settings.put(SpectraConfig.ADVERTISED_HOST_CONFIG, "127.0.0.1");
        settings.put(SpectraConfig.TOPIC_PARTITIONS_CONFIG, 4);
        settings.put(SpectraConfig.COMMIT_INTERVAL_MS_CONFIG, 100L);
        return settings;
    }

    SpectraCache startInstance(Map<String, Object> settings) {
        SpectraCache cache = SpectraCache.start(SpectraConfig.of(settings));
        started.push(cache);
        assertThat(cache.awaitReady(Duration.ofSeconds(90))).as("instance ready").isTrue();
        return cache;
    }

    KafkaProducer<byte[], byte[]> rawProducer() {
        return rawProducer(Map.of());
    }

    /** A producer of raw bytes with acks=all and these producer settings on top. */
    KafkaProducer<byte[], byte[]> rawProducer(Map<String, Object> overrides) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putAll(overrides);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A read_committed consumer of raw bytes in its own group, from the beginning of what it subscribes to. */
    KafkaConsumer<byte[], byte[]> committedConsumer(String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The partition Kafka's Java producer gives {@code key} by default (murmur2), as reads look for it. */
    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    static HttpResponse<String> get(int port, String pathAndQuery) {
        return send(HttpRequest.newBuilder(uri(port, pathAndQuery)).GET());
    }

    static HttpResponse<String> put(int port, String pathAndQuery, String body, String contentType) {
        return send(HttpRequest.newBuilder(uri(port, pathAndQuery)).header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    static HttpResponse<String> delete(int port, String pathAndQuery) {
        return send(HttpRequest.newBuilder(uri(port, pathAndQuery)).DELETE());
    }

    static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The value of one Prometheus series on {@code /metrics}, e.g. {@code name{tag="v"}}; -1 if absent. */
    static double metric(int port, String series) {
        String prefix = series.endsWith("}") ? series.substring(0, series.length() - 1) : series + " ";
        for (String line : get(port, "/metrics").body().split("\n")) {
            if (line.startsWith(prefix)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }

    static URI uri(int port, String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            started.pop().close();
        }
        kafka.close();
        deleteQuietly(root);
    }

    static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temp directory left behind is harmless; the test result is what matters.
        }
    }
}
