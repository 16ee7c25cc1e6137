package io.spectracache.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReliabilitySettingsTest {
    @TempDir
    Path dataDir;

    @Test
    void shouldDeclareTheSameDefaultsInTheConfigDefAndTheRecord() {
        ConfigDef def = ReliabilitySettings.define(new ConfigDef());
        ReliabilitySettings defaults = ReliabilitySettings.defaults();
        assertThat(def.configKeys().get(ReliabilitySettings.SHUTDOWN_TIMEOUT_MS_CONFIG).defaultValue)
                .isEqualTo(defaults.shutdownTimeout().toMillis());
        assertThat(def.configKeys().get(ReliabilitySettings.STATIC_MEMBERSHIP_CONFIG).defaultValue)
                .isEqualTo(defaults.staticMembership());
        assertThat(def.configKeys().get(ReliabilitySettings.TRANSACTIONAL_STATE_STORES_CONFIG).defaultValue)
                .isEqualTo(defaults.transactionalStateStores());
        assertThat(def.configKeys().keySet()).allMatch(key -> key.startsWith("spectracache.reliability."));
    }

    @Test
    void shouldKeepAStopWithinTenSecondsByDefault() {
        ReliabilitySettings defaults = ReliabilitySettings.defaults();
        assertThat(defaults.shutdownTimeout()).isLessThan(Duration.ofSeconds(10));
        assertThat(defaults.streamsCloseTimeout()).isLessThan(defaults.shutdownTimeout());
    }

    @Test
    void shouldReadStringValuesAsAnyServerSettingSourceGivesThem() {
        ReliabilitySettings settings = ReliabilitySettings.from(Map.of(
                ReliabilitySettings.SHUTDOWN_TIMEOUT_MS_CONFIG, "4000",
                ReliabilitySettings.STATIC_MEMBERSHIP_CONFIG, "false",
                "spectracache.rest.port", "7070"));
        assertThat(settings.shutdownTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(settings.staticMembership()).isFalse();
    }

    @Test
    void shouldRefuseAnInstanceIdKafkaWouldRefuse() {
        assertThatThrownBy(() -> ReliabilitySettings.from(Map.of(ReliabilitySettings.INSTANCE_ID_CONFIG, "a b")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(ReliabilitySettings.INSTANCE_ID_CONFIG);
    }

    @Test
    void shouldGiveARestartedInstanceTheSameGroupInstanceIdSoItGetsItsPartitionsBackWithoutARebalance() {
        String key = StreamsConfig.mainConsumerPrefix("group.instance.id");
        Object first = ReliabilitySettings.defaults().streamsProperties(dataDir).get(key);
        Object again = ReliabilitySettings.defaults().streamsProperties(dataDir).get(key);
        assertThat(first).isNotNull().isEqualTo(again);
        assertThat(Files.exists(dataDir.resolve(InstanceId.FILE_NAME))).isTrue();
        Object elsewhere = ReliabilitySettings.defaults().streamsProperties(dataDir.resolve("other")).get(key);
        assertThat(elsewhere).as("another data directory is another member").isNotEqualTo(first);
    }

    @Test
    void shouldUseAConfiguredInstanceIdAndNoneWhenMembershipIsDynamic() {
        String key = StreamsConfig.mainConsumerPrefix("group.instance.id");
        assertThat(ReliabilitySettings.from(Map.of(ReliabilitySettings.INSTANCE_ID_CONFIG, "edge-7"))
                .streamsProperties(dataDir)).containsEntry(key, "edge-7");
        assertThat(ReliabilitySettings.from(Map.of(ReliabilitySettings.STATIC_MEMBERSHIP_CONFIG, false))
                .streamsProperties(dataDir)).doesNotContainKey(key);
    }

    @Test
    void shouldRefuseAnInstanceIdFileThatWasDamaged() throws Exception {
        Files.writeString(dataDir.resolve(InstanceId.FILE_NAME), "not valid!\n");
        assertThatThrownBy(() -> InstanceId.resolve(dataDir, ""))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(InstanceId.FILE_NAME);
    }
}
