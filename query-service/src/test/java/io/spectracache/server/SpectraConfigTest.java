package io.spectracache.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SpectraConfigTest {

    @Test
    void shouldLetFlagsWinOverEnvironmentAndEnvironmentOverFile() {
        Properties file = new Properties();
        file.setProperty(SpectraConfig.REST_PORT_CONFIG, "1111");
        file.setProperty(SpectraConfig.TOPIC_PARTITIONS_CONFIG, "8");
        file.setProperty(SpectraConfig.APPLICATION_ID_CONFIG, "from-file");
        Map<String, String> env = Map.of("SPECTRACACHE_REST_PORT", "2222", "SPECTRACACHE_TOPIC_PARTITIONS", "6", "PATH", "/bin");
        Map<String, String> flags = Map.of(SpectraConfig.REST_PORT_CONFIG, "3333");

        SpectraConfig config = SpectraConfig.layered(file, env, flags);

        assertThat(config.getInt(SpectraConfig.REST_PORT_CONFIG)).isEqualTo(3333);
        assertThat(config.getInt(SpectraConfig.TOPIC_PARTITIONS_CONFIG)).isEqualTo(6);
        assertThat(config.getString(SpectraConfig.APPLICATION_ID_CONFIG)).isEqualTo("from-file");
        assertThat(config.getInt(SpectraConfig.EMBEDDED_KAFKA_PORT_CONFIG)).isEqualTo(9092);
    }

    @Test
    void shouldRejectAnInvalidValueWithTheKeyInTheMessage() {
        assertThatThrownBy(() -> SpectraConfig.of(Map.of(SpectraConfig.REST_PORT_CONFIG, 70_000)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SpectraConfig.REST_PORT_CONFIG);
        assertThatThrownBy(() -> SpectraConfig.of(Map.of(SpectraConfig.PROCESSING_GUARANTEE_CONFIG, "maybe_once")))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void shouldPassKafkaAndStreamsSettingsThroughWithoutTheirPrefix() {
        SpectraConfig config = SpectraConfig.of(Map.of(
                "spectracache.kafka.security.protocol", "SSL",
                "spectracache.streams.topology.optimization", "all",
                "spectracache.rest.prot", "typo"));
        assertThat(config.kafkaClientOverrides()).containsEntry("security.protocol", "SSL");
        assertThat(config.streamsOverrides()).containsEntry("topology.optimization", "all");
        assertThat(config.unknownKeys()).containsExactly("spectracache.rest.prot");
    }

    @Test
    void shouldStartAnEmbeddedBrokerOnlyWithoutBootstrapServers() {
        assertThat(SpectraConfig.of(Map.of()).embeddedKafka()).isTrue();
        assertThat(SpectraConfig.of(Map.of(SpectraConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092")).embeddedKafka()).isFalse();
    }

    @Test
    void shouldDocumentEverySettingInTheReadmeExactlyAsDeclared() throws Exception {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme);
        String begin = "<!-- settings:begin -->\n";
        String end = "<!-- settings:end -->";
        assertThat(text).contains(begin, end);
        String documented = text.substring(text.indexOf(begin) + begin.length(), text.indexOf(end));
        assertThat(documented)
                .as("README settings table; regenerate it from SpectraConfig.markdownTable()")
                .isEqualTo(SpectraConfig.markdownTable());
    }
}
