package io.spectracache.spatial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spectracache.errors.InvalidRequestException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** How instances' parts merge into one answer, and how requests are read. */
class SpatialAnswersTest {
    private static SpatialQueries.Found found(String id, double distance) {
        return new SpatialQueries.Found(id, 0, 0, 0, distance, null, Map.of());
    }

    @Property(tries = 200)
    void shouldMergeThePartsOfAnySplitIntoTheFirstNOfTheWhole(@ForAll long seed, @ForAll @IntRange(min = 1, max = 30) int limit,
                                                             @ForAll @IntRange(min = 1, max = 4) int instances) {
        Random random = new Random(seed);
        List<SpatialQueries.Found> all = new ArrayList<>();
        for (int i = 0; i < random.nextInt(80); i++) {
            all.add(found("d" + i, random.nextInt(20) * 10.0)); // ties in distance on purpose
        }
        Comparator<SpatialQueries.Found> order = Comparator.<SpatialQueries.Found>comparingDouble(
                SpatialQueries.Found::distanceM).thenComparing(SpatialQueries.Found::deviceId);
        List<SpatialQueries.Features> parts = new ArrayList<>();
        for (int p = 0; p < instances; p++) {
            int part = p;
            List<SpatialQueries.Found> mine = new ArrayList<>(all.stream()
                    .filter(f -> Math.floorMod(f.deviceId().hashCode(), instances) == part).sorted(order).toList());
            boolean truncated = mine.size() > limit;
            parts.add(new SpatialQueries.Features(truncated ? mine.subList(0, limit) : mine, truncated));
        }

        SpatialQueries.Features merged = SpatialQueries.Features.merge(parts, order, limit);

        assertThat(merged.found()).isEqualTo(all.stream().sorted(order).limit(limit).toList());
        assertThat(merged.truncated()).isEqualTo(all.size() > limit);
    }

    @Test
    void shouldPageEveryPositionOnceAcrossInstancesInKeyOrder() {
        List<SpatialQueries.Positioned> a = List.of(p("01"), p("05"), p("09"));
        List<SpatialQueries.Positioned> b = List.of(p("02"), p("03"), p("04"));

        SpatialQueries.ScanPage page = SpatialQueries.ScanPage.merge(List.of(new SpatialQueries.ScanPage(a, "09"),
                new SpatialQueries.ScanPage(b, "04")), 3);
        SpatialQueries.ScanPage last = SpatialQueries.ScanPage.merge(List.of(new SpatialQueries.ScanPage(List.of(p("05")), null),
                new SpatialQueries.ScanPage(List.of(p("04")), null)), 3);

        assertThat(page.rows()).extracting(SpatialQueries.Positioned::key).containsExactly("01", "02", "03");
        assertThat(page.nextCursor()).isEqualTo("03");
        assertThat(last.rows()).extracting(SpatialQueries.Positioned::key).containsExactly("04", "05");
        assertThat(last.nextCursor()).isNull();
    }

    private static SpatialQueries.Positioned p(String key) {
        return new SpatialQueries.Positioned(key, "d" + key, 0, 0, 0, 0);
    }

    @Test
    void shouldFilterByTenantAttributesAndAge() {
        Map<String, String> attributes = Map.of("region", "eu");
        GeoFilter filter = GeoFilter.parse("acme", "region:eu", 500, 2_000);

        assertThat(filter.admits("acme", attributes)).isTrue();
        assertThat(GeoFilter.parse("other", null, 0, 0).admits("acme", attributes)).isFalse();
        assertThat(GeoFilter.parse(null, "region:us", 0, 0).admits("acme", attributes)).isFalse();
        assertThat(GeoFilter.parse(null, "tenant:acme", 0, 0).admits(null, attributes)).isFalse();
        assertThat(GeoFilter.parse(null, "region:eu", 0, 0).admits(null, Map.of())).isFalse();
        assertThat(GeoFilter.parse(null, null, 0, 0).admits(null, Map.of())).isTrue();
        assertThat(filter.admitsTime(1_500)).isTrue();
        assertThat(filter.admitsTime(1_499)).isFalse();
        assertThat(GeoFilter.parse(null, null, 0, 2_000).admitsTime(Long.MIN_VALUE + 1)).isTrue();
        assertThatThrownBy(() -> GeoFilter.parse("a", "tenant:b", 0, 0)).isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("tenant:");
        assertThatThrownBy(() -> GeoFilter.parse(null, "region", 0, 0)).hasMessageStartingWith("where:");
    }

    @Test
    void shouldReadDurationsNumbersAndRadiiOrNameTheParameter() {
        assertThat(GeoParameters.duration("maxAge", "15m")).isEqualTo(900_000);
        assertThat(GeoParameters.duration("maxAge", "2h")).isEqualTo(7_200_000);
        assertThat(GeoParameters.duration("maxAge", "500ms")).isEqualTo(500);
        assertThat(GeoParameters.duration("maxAge", "7d")).isEqualTo(604_800_000);
        assertThat(GeoParameters.duration("maxAge", "1500")).isEqualTo(1500);
        assertThat(GeoParameters.duration("maxAge", null)).isZero();
        assertThatThrownBy(() -> GeoParameters.duration("maxAge", "-5m")).hasMessageStartingWith("maxAge:");
        assertThat(GeoParameters.radius("1000.5", 2_000)).isEqualTo(1000.5);
        assertThatThrownBy(() -> GeoParameters.radius("Infinity", 2_000)).hasMessageStartingWith("radiusM:");
        assertThatThrownBy(() -> GeoParameters.radius("NaN", 2_000)).hasMessageStartingWith("radiusM:");
        assertThatThrownBy(() -> GeoParameters.decimal("lat", "90.0001", -90, 90, "degrees of latitude"))
                .hasMessage("lat: must be degrees of latitude from -90 to 90, was '90.0001'");
        assertThat(GeoParameters.whole("limit", null, 1, 10, 7, "devices")).isEqualTo(7);
        assertThatThrownBy(() -> GeoParameters.whole("k", "11", 1, 10, 7, "devices"))
                .hasMessage("k: must be a whole number of devices from 1 to 10, was '11'");
    }

    @Property(tries = 2_000)
    void shouldWriteFeatureTimesExactlyAsInstantToStringDoes(@ForAll long any,
                                                              @ForAll @IntRange(min = 0, max = 3) int kind) {
        long ms = switch (kind) {
            case 0 -> Math.floorMod(any, 4_102_444_800_000L);              // 1970 to 2100
            case 1 -> Math.floorMod(any, 4_102_444_800_000L) / 1000 * 1000; // whole seconds: no fraction
            case 2 -> Math.floorMod(any, 253_402_300_800_000L) - 62_167_219_200_000L; // years 0000 to 9999
            default -> any;                                                  // anything, beyond 9999 too
        };
        char[] out = new char[64];
        assertThat(new String(out, 0, GeoAnswers.isoMillis(ms, out))).isEqualTo(java.time.Instant.ofEpochMilli(ms).toString());
    }

    @Test
    void shouldWriteTheEdgesOfTheFourDigitYearsAndTheEpochAsInstantDoes() {
        char[] out = new char[64];
        for (long ms : new long[] {0, -1, 1, 999, 1_000, -62_167_219_200_000L, 253_402_300_799_999L, 253_402_300_800_000L,
            951_782_400_000L /* 2000-02-29 */}) {
            assertThat(new String(out, 0, GeoAnswers.isoMillis(ms, out))).isEqualTo(java.time.Instant.ofEpochMilli(ms).toString());
        }
    }
}
