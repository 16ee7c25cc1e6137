package io.spectracache.sketches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spectracache.errors.InvalidRequestException;
import io.spectracache.errors.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The sentences a client reads for each mistake, and the plans of ranges and steps. */
class SketchCatalogTest {
    private static final long NOW = Instant.parse("2026-11-30T10:17:30Z").toEpochMilli();
    private static final SketchCatalog DEFAULTS = new SketchCatalog(SketchSettings.defaults());

    @Test
    void shouldAnswerAnUnknownNameWithNotFoundListingTheDefinedOnes() {
        assertThatThrownBy(() -> DEFAULTS.distinct("device"))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("no distinct count named 'device'; defined: devices")
                .hasMessageContaining("GET /v1/sketches");
        assertThatThrownBy(() -> DEFAULTS.topK("devices")).hasMessageContaining("defined: noisiest-devices");
        assertThatThrownBy(() -> DEFAULTS.filter("seen")).hasMessageContaining("defined: seen-devices");
        assertThatThrownBy(() -> DEFAULTS.watch("stolen")).hasMessageContaining("no watch list named 'stolen'; defined: none");
    }

    @Test
    void shouldRefuseAGroupOfASketchThatIsNotGroupedSayingSo() {
        DistinctDefinition ungrouped = new DistinctDefinition("shoppers", SketchField.parse("attributes.customer"),
                Optional.empty(), WindowSpec.parseList(SketchSettings.DEFAULT_WINDOWS));

        assertThatThrownBy(() -> SketchCatalog.group(ungrouped, "acme"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'shoppers' is not grouped")
                .hasMessageContaining("spectracache.sketches.distinct.shoppers.group");
        assertThat(SketchCatalog.group(ungrouped, null)).isNull();
        assertThat(SketchCatalog.group(DEFAULTS.distinct("devices"), "acme")).isEqualTo("acme");
    }

    @Test
    void shouldDefaultToTheHourBeforeNowAndRefuseFromAfterTo() {
        SketchCatalog.Range range = SketchCatalog.range(null, null, NOW);
        assertThat(range.to() - range.from()).isEqualTo(3_600_000);
        assertThat(range.to()).isEqualTo(NOW);
        assertThatThrownBy(() -> SketchCatalog.range("-1h", "-2h", NOW)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("is not after from");
        assertThatThrownBy(() -> SketchCatalog.range("yesterday", null, NOW)).hasMessageContaining("is not a time");
    }

    @Test
    void shouldWidenASeriesToWholeStepsAlignedToTheEpoch() {
        SketchQueries.SeriesRequest series = SketchCatalog.series(DEFAULTS.distinct("devices"), "acme",
                SketchCatalog.range("-6h", null, NOW), "1h");

        assertThat(Instant.ofEpochMilli(series.from())).isEqualTo(Instant.parse("2026-11-30T04:00:00Z"));
        assertThat(Instant.ofEpochMilli(series.to())).isEqualTo(Instant.parse("2026-11-30T11:00:00Z"));
        assertThat(series.buckets()).isEqualTo(7);
        assertThat(series.group()).isEqualTo("acme");
    }

    @Test
    void shouldRefuseAStepFinerThanTheFinestWindowOrTooManySteps() {
        DistinctDefinition devices = DEFAULTS.distinct("devices");
        assertThatThrownBy(() -> SketchCatalog.series(devices, null, SketchCatalog.range("-1h", null, NOW), "30s"))
                .hasMessageContaining("not a multiple of the finest window of 'devices' (1m)");
        assertThatThrownBy(() -> SketchCatalog.series(devices, null, SketchCatalog.range("-2d", null, NOW), "1m"))
                .hasMessageContaining("more than the 1500 one series answers");
        assertThat(SketchCatalog.series(devices, null, SketchCatalog.range("-1d", "now", NOW), "1m").buckets())
                .isEqualTo(1_441);
    }

    @Test
    void shouldTakeKFromOneToTheLimit() {
        assertThat(SketchCatalog.k(null)).isEqualTo(SketchCatalog.DEFAULT_K);
        assertThat(SketchCatalog.k("1000")).isEqualTo(1_000);
        for (String bad : List.of("0", "1001", "ten", "-3")) {
            assertThatThrownBy(() -> SketchCatalog.k(bad)).as(bad).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("k: a whole number from 1 to 1000");
        }
    }

    @Test
    void shouldRefuseNoItemsTooManyItemsAndItemsOverTheSizeLimit() {
        assertThatThrownBy(() -> SketchCatalog.items(List.of())).hasMessageContaining("give 1 to 10000 items");
        assertThatThrownBy(() -> SketchCatalog.items(Collections.nCopies(10_001, "a")))
                .hasMessageContaining("10001 items are more than the 10000");
        assertThatThrownBy(() -> SketchCatalog.item("x".repeat(1_025))).hasMessageContaining("1 to 1024 characters");
        assertThat(SketchCatalog.items(Collections.nCopies(10_000, "a"))).hasSize(10_000);
    }

    @Test
    void shouldReadItemsFromAJsonArrayOrAnItemsObjectAndRefuseAnythingElse() {
        assertThat(SketchRoutes.items("[\"a\",\"b\"]".getBytes(StandardCharsets.UTF_8))).containsExactly("a", "b");
        assertThat(SketchRoutes.items("{\"items\":[\"c\"]}".getBytes(StandardCharsets.UTF_8))).containsExactly("c");
        for (String bad : List.of("", "{}", "\"a\"", "not json", "{\"items\":\"a\"}")) {
            assertThatThrownBy(() -> SketchRoutes.items(bad.getBytes(StandardCharsets.UTF_8))).as(bad)
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("body: a JSON array of item strings");
        }
        assertThatThrownBy(() -> SketchRoutes.items("[\"a\", 3]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("item 1 is number");
    }

    @Test
    void shouldSayTheCapabilityIsOffNamingTheSetting() {
        assertThat(SketchCatalog.off().getMessage()).contains("spectracache.sketches.enabled=false");
    }
}
