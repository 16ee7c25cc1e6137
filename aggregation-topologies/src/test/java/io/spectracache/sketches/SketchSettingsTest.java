package io.spectracache.sketches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SketchSettingsTest {

    private static SketchSettings read(Map<String, ?> values) {
        return SketchSettings.from(new AbstractConfig(SketchSettings.define(new ConfigDef()), values));
    }

    private static Map<String, String> with(String... keysAndValues) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            values.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return values;
    }

    @Test
    void shouldDefaultToTheThreeBuiltInSketches() {
        SketchSettings settings = read(Map.of());

        assertThat(settings).isEqualTo(SketchSettings.defaults());
        assertThat(settings.distinct()).containsExactly(new DistinctDefinition("devices", SketchField.DEVICE_ID,
                Optional.of(SketchField.TENANT), List.of(new WindowSpec(Duration.ofMinutes(1), Duration.ofDays(2)),
                new WindowSpec(Duration.ofHours(1), Duration.ofDays(30)),
                new WindowSpec(Duration.ofDays(1), Duration.ofDays(365)))));
        assertThat(settings.topK()).extracting(TopKDefinition::name, TopKDefinition::field, TopKDefinition::maxMapSize)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("noisiest-devices", SketchField.DEVICE_ID, 256));
        assertThat(settings.filters()).containsExactly(new FilterDefinition("seen-devices", SketchField.DEVICE_ID, 0.01,
                100_000));
        assertThat(settings.watches()).isEmpty();
        assertThat(settings.enabled()).isTrue();
    }

    @Test
    void shouldReadEveryPerNameKey() {
        SketchSettings settings = read(with(
                "spectracache.sketches.enabled", "false",
                "spectracache.sketches.windows", "1h:7d",
                "spectracache.sketches.distinct", "devices,shoppers",
                "spectracache.sketches.distinct.shoppers.field", "attributes.customer",
                "spectracache.sketches.distinct.shoppers.group", "attributes.store",
                "spectracache.sketches.distinct.shoppers.windows", "10s:1h, 5m:1d",
                "spectracache.sketches.distinct.devices.group", "",
                "spectracache.sketches.topk", "hot-readings",
                "spectracache.sketches.topk.hot-readings.field", "metrics.temp",
                "spectracache.sketches.topk.hot-readings.map.size", "1024",
                "spectracache.sketches.membership", "seen-macs",
                "spectracache.sketches.membership.seen-macs.field", "attributes.mac",
                "spectracache.sketches.membership.seen-macs.fpr", "0.001",
                "spectracache.sketches.membership.seen-macs.capacity", "5000",
                "spectracache.sketches.watch", "stolen",
                "spectracache.sketches.watch.stolen.field", "eventId"));

        assertThat(settings.enabled()).isFalse();
        assertThat(settings.distinct()).containsExactly(
                new DistinctDefinition("devices", SketchField.DEVICE_ID, Optional.empty(), WindowSpec.parseList("1h:7d")),
                new DistinctDefinition("shoppers", SketchField.parse("attributes.customer"),
                        Optional.of(SketchField.parse("attributes.store")), WindowSpec.parseList("10s:1h,5m:1d")));
        assertThat(settings.topK()).containsExactly(new TopKDefinition("hot-readings", SketchField.parse("metrics.temp"),
                WindowSpec.parseList("1h:7d"), 1024));
        assertThat(settings.filters()).containsExactly(new FilterDefinition("seen-macs", SketchField.parse(
                "attributes.mac"), 0.001, 5000));
        assertThat(settings.watches()).containsExactly(new WatchDefinition("stolen", SketchField.EVENT_ID));
    }

    @Test
    void shouldAllowNoSketchesAtAll() {
        SketchSettings settings = read(with("spectracache.sketches.distinct", "", "spectracache.sketches.topk", "",
                "spectracache.sketches.membership", ""));

        assertThat(settings.distinct()).isEmpty();
        assertThat(settings.topK()).isEmpty();
        assertThat(settings.filters()).isEmpty();
        assertThat(new SketchesTopology(settings).storeNames()).isEmpty();
    }

    @Test
    void shouldRefuseAnUnknownFieldNamingTheKey() {
        assertThatThrownBy(() -> read(with("spectracache.sketches.distinct", "regions",
                "spectracache.sketches.distinct.regions.field", "attribute.region")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("spectracache.sketches.distinct.regions.field")
                .hasMessageContaining("unknown field");
        assertThatThrownBy(() -> read(with("spectracache.sketches.distinct.devices.group", "location")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("spectracache.sketches.distinct.devices.group");
    }

    @Test
    void shouldRefuseAWindowThatDoesNotDivideTheNextNamingTheKey() {
        assertThatThrownBy(() -> read(with("spectracache.sketches.distinct.devices.windows", "1m:1d,90s:2d")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("spectracache.sketches.distinct.devices.windows")
                .hasMessageContaining("does not divide");
        assertThatThrownBy(() -> read(with("spectracache.sketches.windows", "7m:1d,1h:30d")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("spectracache.sketches.windows");
        assertThatThrownBy(() -> read(with("spectracache.sketches.topk.noisiest-devices.windows", "1m:30d,1h:1d")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("spectracache.sketches.topk.noisiest-devices.windows")
                .hasMessageContaining("kept at least as long");
        assertThatThrownBy(() -> read(with("spectracache.sketches.windows", "1h:30m")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("less than one window");
    }

    @Test
    void shouldRefuseAFalsePositiveRateOutsideZeroToAHalfNamingTheKey() {
        for (String rate : List.of("0", "0.5", "0.7", "-0.1", "often")) {
            assertThatThrownBy(() -> read(with("spectracache.sketches.membership.seen-devices.fpr", rate)))
                    .as(rate).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("spectracache.sketches.membership.seen-devices.fpr");
        }
        assertThat(read(with("spectracache.sketches.membership.seen-devices.fpr", "0.499")).filters().get(0)
                .falsePositiveRate()).isEqualTo(0.499);
    }

    @Test
    void shouldRefuseDuplicateNamesInOneListOrAcrossLists() {
        assertThatThrownBy(() -> read(with("spectracache.sketches.distinct", "devices,devices")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("spectracache.sketches.distinct")
                .hasMessageContaining("listed twice");
        assertThatThrownBy(() -> read(with("spectracache.sketches.topk", "devices",
                "spectracache.sketches.topk.devices.field", "deviceId")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("spectracache.sketches.topk")
                .hasMessageContaining("already declared in spectracache.sketches.distinct");
    }

    @Test
    void shouldRefuseAKeyThatBelongsToNothingDeclared() {
        assertThatThrownBy(() -> read(with("spectracache.sketches.distinct.shoppers.field", "attributes.customer")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("spectracache.sketches.distinct.shoppers.field")
                .hasMessageContaining("belongs to no declared sketch");
        assertThatThrownBy(() -> read(with("spectracache.sketches.distinct.devices.feild", "deviceId")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("spectracache.sketches.distinct.devices.feild");
        assertThatThrownBy(() -> read(with("spectracache.sketches.membership.seen-devices.windows", "1h:1d")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("spectracache.sketches.membership.seen-devices.windows");
    }

    @Test
    void shouldOwnEveryKeyUnderItsPrefixSoAConfigurationLeavesThemToIt() {
        assertThat(SketchSettings.owns("spectracache.sketches.distinct.shoppers.field")).isTrue();
        assertThat(SketchSettings.owns(SketchSettings.WINDOWS_CONFIG)).isTrue();
        assertThat(SketchSettings.owns("spectracache.timeseries.enabled")).isFalse();
    }

    @Test
    void shouldRequireAFieldForEveryNameThatIsNotBuiltIn() {
        assertThatThrownBy(() -> read(with("spectracache.sketches.watch", "stolen")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("spectracache.sketches.watch.stolen.field")
                .hasMessageContaining("required");
    }

    @Test
    void shouldRefuseNamesThatCannotTravelInAUrlOrAKey() {
        assertThatThrownBy(() -> read(with("spectracache.sketches.distinct", "Devices")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("spectracache.sketches.distinct");
        assertThatThrownBy(() -> read(with("spectracache.sketches.topk", "a.b")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("spectracache.sketches.topk");
    }

    @Test
    void shouldRefuseATopKMapSizeThatIsNotAPowerOfTwoInRange() {
        for (String size : List.of("100", "4", "8192", "x")) {
            assertThatThrownBy(() -> read(with("spectracache.sketches.topk.noisiest-devices.map.size", size)))
                    .as(size).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("spectracache.sketches.topk.noisiest-devices.map.size");
        }
    }

    @Test
    void shouldReadFieldsAndCanonicalMetricValues() {
        assertThat(SketchField.parse("metrics.temp").toString()).isEqualTo("metrics.temp");
        assertThat(SketchField.parse(" attributes.fw ")).isEqualTo(new SketchField(SketchField.Kind.ATTRIBUTE, "fw"));
        assertThat(SketchField.canonical(42.0)).isEqualTo("42");
        assertThat(SketchField.canonical(-0.0)).isEqualTo("0");
        assertThat(SketchField.canonical(21.5)).isEqualTo("21.5");
        assertThat(SketchField.canonical(1e300)).isEqualTo("1.0E300");
        assertThat(SketchField.canonical(Double.NaN)).isNull();
        assertThat(SketchField.canonical(Double.NEGATIVE_INFINITY)).isNull();
        assertThatThrownBy(() -> SketchField.parse("metrics.")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldWriteWindowsBackAsTheyAreRead() {
        assertThat(WindowSpec.format(WindowSpec.parseList("500ms:1h,1s:90m,1m:2d"))).isEqualTo("500ms:1h,1s:90m,1m:2d");
        assertThat(WindowSpec.parseList(SketchSettings.DEFAULT_WINDOWS)).hasSize(3);
    }

    @Test
    void shouldBoundTheMergeCacheBy64MiBUnlessSet() {
        assertThat(read(Map.of()).mergeCacheBytes()).isEqualTo(64L << 20).isEqualTo(SketchSettings.DEFAULT_MERGE_CACHE_BYTES);
        assertThat(read(with("spectracache.sketches.merge.cache.bytes", "0")).mergeCacheBytes()).isZero();
        assertThat(read(with("spectracache.sketches.merge.cache.bytes", "1048576")))
                .isEqualTo(SketchSettings.defaults().withMergeCacheBytes(1_048_576));
    }

    @Test
    void shouldRefuseANegativeMergeCacheBoundNamingTheKey() {
        assertThatThrownBy(() -> read(with("spectracache.sketches.merge.cache.bytes", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("spectracache.sketches.merge.cache.bytes");
        assertThatThrownBy(() -> SketchSettings.defaults().withMergeCacheBytes(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
