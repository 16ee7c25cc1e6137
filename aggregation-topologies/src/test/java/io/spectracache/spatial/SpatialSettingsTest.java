package io.spectracache.spatial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SpatialSettingsTest {
    private static AbstractConfig config(Map<String, Object> values) {
        return new AbstractConfig(SpatialSettings.define(new ConfigDef()), values);
    }

    @Test
    void shouldDeclareTheSameDefaultsAsTheRecord() {
        assertThat(SpatialSettings.from(config(Map.of()))).isEqualTo(SpatialSettings.defaults());
    }

    @Test
    void shouldReadEverySetting() {
        SpatialSettings read = SpatialSettings.from(config(Map.of(SpatialSettings.ENABLED_CONFIG, "false",
                SpatialSettings.FENCE_CHECK_INTERVAL_MS_CONFIG, "250", SpatialSettings.CACHE_MAX_DEVICES_CONFIG, "0",
                SpatialSettings.MAX_FENCE_VERTICES_CONFIG, "64")));

        assertThat(read).isEqualTo(new SpatialSettings(false, Duration.ofMillis(250), 0, 64));
    }

    @Test
    void shouldRefuseValuesOutOfRange() {
        assertThatThrownBy(() -> config(Map.of(SpatialSettings.FENCE_CHECK_INTERVAL_MS_CONFIG, "0")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> config(Map.of(SpatialSettings.MAX_FENCE_VERTICES_CONFIG, "3")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> SpatialSettings.defaults().withCacheMaxDevices(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
