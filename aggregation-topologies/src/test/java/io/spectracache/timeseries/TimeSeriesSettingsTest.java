package io.spectracache.timeseries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TimeSeriesSettingsTest {

    private static TimeSeriesSettings read(Map<String, ?> values) {
        return TimeSeriesSettings.from(new AbstractConfig(TimeSeriesSettings.define(new ConfigDef()), values));
    }

    @Test
    void shouldDefaultTheConfigDefToTheRecordsDefaults() {
        assertThat(read(Map.of())).isEqualTo(TimeSeriesSettings.defaults());
        assertThat(TimeSeriesSettings.defaults().tiers()).containsExactly(
                new RollupTier("1m", Duration.ofMinutes(1), Duration.ofDays(30)),
                new RollupTier("1h", Duration.ofHours(1), Duration.ofDays(365)));
    }

    @Test
    void shouldReadEveryKey() {
        TimeSeriesSettings settings = read(Map.of(TimeSeriesSettings.ENABLED_CONFIG, "false",
                TimeSeriesSettings.RAW_RETENTION_MS_CONFIG, "7200000", TimeSeriesSettings.GRACE_MS_CONFIG, "60000",
                TimeSeriesSettings.TIERS_CONFIG, "10s:1d, 5m:7d", TimeSeriesSettings.CHUNK_MAX_POINTS_CONFIG, "60",
                TimeSeriesSettings.CHUNK_MAX_SPAN_MS_CONFIG, "600000"));

        assertThat(settings).isEqualTo(new TimeSeriesSettings(false, Duration.ofHours(2), Duration.ofMinutes(1),
                RollupTier.parseList("10s:1d,5m:7d"), 60, Duration.ofMinutes(10)));
    }

    @Test
    void shouldAllowNoTiers() {
        assertThat(read(Map.of(TimeSeriesSettings.TIERS_CONFIG, "")).tiers()).isEmpty();
    }

    @Test
    void shouldRefuseTiersThatAreNotCoarserMultiplesOfTheOneBefore() {
        assertThatThrownBy(() -> read(Map.of(TimeSeriesSettings.TIERS_CONFIG, "1h:30d,1m:365d")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must increase");
        assertThatThrownBy(() -> read(Map.of(TimeSeriesSettings.TIERS_CONFIG, "1m:30d,90s:365d")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("multiple");
        assertThatThrownBy(() -> read(Map.of(TimeSeriesSettings.TIERS_CONFIG, "1m")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("step:retention");
        assertThatThrownBy(() -> read(Map.of(TimeSeriesSettings.TIERS_CONFIG, "1m:30s")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("less than one step");
        assertThatThrownBy(() -> read(Map.of(TimeSeriesSettings.TIERS_CONFIG, "1w:30d")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unit");
    }

    @Test
    void shouldRefuseMoreTiersThanAnOpenSeriesCanLog() {
        StringBuilder seventeen = new StringBuilder("1ms:1d");
        for (int i = 1; i <= RollupTier.MAX_TIERS; i++) {
            seventeen.append(',').append(1 << i).append("ms:1d");
        }

        assertThatThrownBy(() -> read(Map.of(TimeSeriesSettings.TIERS_CONFIG, seventeen.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("at most 16 tiers");
    }

    @Test
    void shouldRefuseAChunkSpanLongerThanTheRawRetention() {
        assertThatThrownBy(() -> read(Map.of(TimeSeriesSettings.RAW_RETENTION_MS_CONFIG, "3600000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("chunkMaxSpan");
    }

    @Test
    void shouldWriteTiersBackAsTheyAreRead() {
        assertThat(RollupTier.format(RollupTier.parseList("500ms:1h,1s:90m,1m:30d"))).isEqualTo("500ms:1h,1s:90m,1m:30d");
    }

    @Test
    void shouldPutNegativeTimesInTheBucketBelowThem() {
        RollupTier minute = RollupTier.of("1m", "1d");
        assertThat(minute.bucketStart(-1)).isEqualTo(-60_000);
        assertThat(minute.bucketStart(59_999)).isZero();
    }
}
