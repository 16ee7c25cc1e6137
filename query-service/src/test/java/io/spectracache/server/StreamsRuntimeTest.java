package io.spectracache.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.routing.Instance;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsRuntimeTest {
    private static final String LINGER = StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG);

    private static Properties properties(Map<String, Object> settings) {
        return StreamsRuntime.properties(SpectraConfig.of(settings), "unused:9092", new Instance("localhost", 7070),
                new SimpleMeterRegistry());
    }

    @Test
    void shouldLetTheStreamThreadsProducerLingerHalfACommitIntervalAtMostKafkaStreamsDefault() {
        assertThat(properties(Map.of()).get(LINGER)).isEqualTo(100L);
        assertThat(properties(Map.of(SpectraConfig.COMMIT_INTERVAL_MS_CONFIG, "50")).get(LINGER)).isEqualTo(25L);
        assertThat(properties(Map.of(SpectraConfig.COMMIT_INTERVAL_MS_CONFIG, "1")).get(LINGER)).isEqualTo(0L);
        assertThat(properties(Map.of(SpectraConfig.COMMIT_INTERVAL_MS_CONFIG, "30000")).get(LINGER)).isEqualTo(100L);
    }

    @Test
    void shouldLetAStreamsSettingOverrideTheLinger() {
        assertThat(properties(Map.of(SpectraConfig.STREAMS_PASSTHROUGH_PREFIX + LINGER, "7")).get(LINGER)).isEqualTo("7");
    }
}
