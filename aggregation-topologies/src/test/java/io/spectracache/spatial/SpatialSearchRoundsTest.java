package io.spectracache.spatial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * How far the outward rounds of radius and nearest searches read: a query in a dense city reads about what its answer
 * needs, not every device within its radius (the 1 km radius p99 of issue 10 was those queries), and the answers stay
 * those of a scan (the properties test checks them at random).
 */
class SpatialSearchRoundsTest {
    /** 20,000 devices in a 2 km × 2 km city centre (5,000 per km²), and a few hundred in the countryside around it. */
    private static final List<double[]> CITY = city();

    private static List<double[]> city() {
        Random random = new Random(7);
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            points.add(new double[] {52.52 + (random.nextDouble() - 0.5) * 2_000 / 111_195,
                    13.405 + (random.nextDouble() - 0.5) * 2_000 / (111_195 * Math.cos(Math.toRadians(52.52)))});
        }
        for (int i = 0; i < 300; i++) {
            points.add(new double[] {52.52 + (random.nextDouble() - 0.5) * 0.5, 13.405 + (random.nextDouble() - 0.5) * 0.8});
        }
        return points;
    }

    /** One partition over {@link #CITY} that counts the candidates the searches read (every point in a cell range). */
    private static final class Counting implements SpatialSearch.Partitions {
        long candidates;
        int rounds;

        @Override
        public List<List<SpatialSearch.Hit>> search(List<CellKeys.CellRange> ranges, HitTest test) {
            rounds++;
            List<SpatialSearch.Hit> hits = new ArrayList<>();
            for (int i = 0; i < CITY.size(); i++) {
                double[] p = CITY.get(i);
                long cell = CellKeys.cellOf(p[0], p[1]);
                if (ranges.stream().anyMatch(range -> range.contains(cell))) {
                    candidates++;
                    double d = test.test(p[0], p[1]);
                    if (!Double.isNaN(d)) {
                        hits.add(new SpatialSearch.Hit("d" + i, p[0], p[1], 0, d, null, Map.of(), 0));
                    }
                }
            }
            return List.of(hits);
        }
    }

    private static List<SpatialSearch.Hit> scan(double lat, double lon, double radiusM, int limit) {
        List<SpatialSearch.Hit> all = new ArrayList<>();
        for (int i = 0; i < CITY.size(); i++) {
            double d = Spherical.distanceM(lat, lon, CITY.get(i)[0], CITY.get(i)[1]);
            if (d <= radiusM) {
                all.add(new SpatialSearch.Hit("d" + i, CITY.get(i)[0], CITY.get(i)[1], 0, d, null, Map.of(), 0));
            }
        }
        all.sort(SpatialSearch.BY_DISTANCE);
        return all.subList(0, Math.min(limit, all.size()));
    }

    private static List<String> ids(List<SpatialSearch.Hit> hits) {
        return hits.stream().map(SpatialSearch.Hit::deviceId).toList();
    }

    @Test
    void shouldReadAFewHundredCandidatesNotEveryDeviceWithinTheRadiusForAHundredNearestInADenseCity() {
        Counting partitions = new Counting();
        List<SpatialSearch.Hit> hits = SpatialSearch.radius(partitions, 52.52, 13.405, 1_000, hit -> true, 101,
                CellKeys.DEFAULT_MAX_CELLS);
        assertThat(ids(hits)).isEqualTo(ids(scan(52.52, 13.405, 1_000, 101)));
        // Within 1 km: about 15,700 devices. The first round (200 m) holds about 630 of them.
        assertThat(partitions.candidates).isLessThan(2_000);
        assertThat(partitions.rounds).isEqualTo(1);
    }

    @Test
    void shouldReadTheTenNearestInADenseCityFromAFewCells() {
        Counting partitions = new Counting();
        List<SpatialSearch.Hit> hits = SpatialSearch.nearest(partitions, 52.52, 13.405, 10, hit -> true,
                CellKeys.DEFAULT_MAX_CELLS);
        assertThat(ids(hits)).isEqualTo(ids(scan(52.52, 13.405, 1_000, 10)));
        assertThat(partitions.candidates).isLessThan(1_000);
    }

    @Test
    void shouldStillAnswerExactlyInTheCountrysideWhereTheRoundsGrowToTheWholeRadius() {
        Counting partitions = new Counting();
        List<SpatialSearch.Hit> hits = SpatialSearch.radius(partitions, 52.70, 13.60, 5_000, hit -> true, 101,
                CellKeys.DEFAULT_MAX_CELLS);
        assertThat(ids(hits)).isEqualTo(ids(scan(52.70, 13.60, 5_000, 101)));
        assertThat(partitions.rounds).isBetween(2, 5);
    }

    @Test
    void shouldSizeTheNextRoundByTheDensityFoundWithinBounds() {
        assertThat(SpatialSearch.nextRadius(200, 25, 100)).isCloseTo(500, within(1e-9)); // 1.25 × √4
        assertThat(SpatialSearch.nextRadius(200, 0, 100)).isEqualTo(800);               // nothing found: the most
        assertThat(SpatialSearch.nextRadius(200, 1, 100)).isEqualTo(800);               // capped at 4 times
        assertThat(SpatialSearch.nextRadius(200, 90, 100)).isEqualTo(300);              // at least 1.5 times
        assertThat(List.of(1, 10, 50, 99).stream().map(found -> SpatialSearch.nextRadius(100, found, 100)).toList())
                .isSortedAccordingTo(Comparator.reverseOrder());
    }
}
