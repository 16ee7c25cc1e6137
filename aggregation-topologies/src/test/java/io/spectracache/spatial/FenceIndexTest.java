package io.spectracache.spatial;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class FenceIndexTest {
    private static Geofence square(String id, double lat, double lon, double size, double hysteresisM) {
        String json = String.format(java.util.Locale.ROOT, "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\","
                        + "\"coordinates\":[[[%f,%f],[%f,%f],[%f,%f],[%f,%f],[%f,%f]]]},\"properties\":{\"hysteresisM\":%f}}",
                lon, lat, lon + size, lat, lon + size, lat + size, lon, lat + size, lon, lat, hysteresisM);
        return Geofence.parse(id, json.getBytes(UTF_8), 100);
    }

    @Property(tries = 50)
    void shouldOfferEveryFenceAPositionIsInsideOrNearAsACandidate(@ForAll long seed) {
        Random random = new Random(seed);
        FenceIndex index = new FenceIndex(0);
        for (int i = 0; i < 200; i++) {
            index.put(square("f" + i, -60 + random.nextDouble() * 120, -179 + random.nextDouble() * 348,
                    Math.pow(10, -4 + random.nextDouble() * 5), random.nextBoolean() ? 0 : random.nextDouble() * 2_000));
        }
        FenceIndex.Snapshot fences = index.current();
        for (int p = 0; p < 500; p++) {
            FenceIndex.Entry near = fences.get("f" + random.nextInt(200));
            double lat = near.fence().geometry().getEnvelopeInternal().centre().y + random.nextGaussian() * 0.05;
            double lon = near.fence().geometry().getEnvelopeInternal().centre().x + random.nextGaussian() * 0.05;
            Set<String> candidates = new TreeSet<>();
            fences.candidates(lat, lon, entry -> candidates.add(entry.fence().id()));
            Set<String> expected = new TreeSet<>();
            fences.byId().values().stream().filter(entry -> entry.near(lat, lon)).forEach(entry -> expected.add(entry.fence().id()));
            assertThat(candidates).containsAll(expected);
        }
    }

    @Test
    void shouldCountAPositionWithinTheHysteresisDistanceAsNearButNotInside() {
        FenceIndex.Entry fence = new FenceIndex.Entry(square("f", 53.52, 9.90, 0.03, 50));

        assertThat(fence.covers(53.5501, 9.91)).isFalse();          // ~11 m north of the edge
        assertThat(fence.near(53.5501, 9.91)).isTrue();
        assertThat(fence.near(53.5506, 9.91)).isFalse();            // ~67 m
        assertThat(fence.near(53.535, 9.9307)).isTrue();            // ~47 m east of the east edge (lon shrinks with lat)
        assertThat(fence.near(53.535, 9.9309)).isFalse();           // ~60 m
    }

    @Test
    void shouldNameTheFencesChangedBetweenTwoSnapshotsAndSayWhenItNoLongerKnows() {
        FenceIndex index = new FenceIndex(0);
        index.put(square("a", 0, 0, 1, 0));
        long first = index.current().sequence();
        index.put(square("b", 0, 0, 1, 0));
        index.put(square("a", 0, 0, 2, 0));
        index.remove("c");               // unknown: not a change
        index.put(square("b", 0, 0, 1, 0)); // the same definition again: not a change
        long second = index.current().sequence();

        assertThat(index.changedBetween(first, second)).containsExactlyInAnyOrder("a", "b");
        assertThat(index.changedBetween(second, second)).isEmpty();
        assertThat(index.changedBetween(-1, second)).as("from before the journal's start").isNull();
        assertThat(index.current().byId().keySet()).containsExactly("a", "b");
    }

    @Test
    void shouldKeepServingTheLastTreeWhileChangesComeFasterThanTheRebuildInterval() {
        FenceIndex index = new FenceIndex(60_000);
        index.put(square("a", 0, 0, 1, 0));
        FenceIndex.Snapshot first = index.current(); // the first build is never held back
        index.put(square("b", 0, 0, 1, 0));

        assertThat(index.current()).isSameAs(first);
        assertThat(index.rebuilt().byId().keySet()).containsExactly("a", "b");
        assertThat(index.size()).isEqualTo(2);
    }

    @Test
    void shouldHoldExactlyTheGivenFencesAfterReplaceAll() {
        FenceIndex index = new FenceIndex(0);
        index.put(square("a", 0, 0, 1, 0));
        index.put(square("b", 0, 0, 1, 0));

        index.replaceAll(List.of(square("b", 0, 0, 1, 0), square("c", 5, 5, 1, 0)));

        assertThat(index.current().byId().keySet()).containsExactly("b", "c");
    }
}
