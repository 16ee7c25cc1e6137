package io.spectracache.timeseries;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.query.Codec;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesQueriesTest {
    private static SeriesQueries.Block block(String key, long... times) {
        return new SeriesQueries.Block(key, "d-" + key, times, new double[times.length]);
    }

    @Test
    void shouldResumeTheDictionarysSeriesAtTheCursorsSeriesSoThatAPageNeitherSkipsNorRepeatsOne() {
        List<String> devices = List.of("a", "z", "ab", "bb", "abc"); // series-key order: by id length, then id
        String cursorAtBb = new SeriesQueries.Cursor(java.util.HexFormat.of().formatHex(
                SeriesKeys.seriesPrefix("bb", "temp").get()), 42).encode();
        List<String> visited = new java.util.ArrayList<>();

        SeriesQueries.knownSeries("temp", devices, SeriesQueries.Cursor.parse(cursorAtBb), 3, series -> {
            assertThat(series.partition()).isEqualTo(3);
            assertThat(series.key()).isEqualTo(SeriesKeys.seriesPrefix(series.deviceId(), "temp"));
            visited.add(series.deviceId());
            return true;
        });
        List<String> all = new java.util.ArrayList<>();
        SeriesQueries.knownSeries("temp", devices, null, 0, series -> all.add(series.deviceId()) && all.size() < 2);

        assertThat(visited).containsExactly("bb", "abc");
        assertThat(all).as("stops when the page is full").containsExactly("a", "z");
    }

    @Test
    void shouldOrderCursorsAsTextInTheOrderOfTheStoreNegativeTimesIncluded() {
        String early = new SeriesQueries.Cursor("0a", -5).encode();
        String late = new SeriesQueries.Cursor("0a", 7).encode();
        String nextSeries = new SeriesQueries.Cursor("0b", -9).encode();

        assertThat(List.of(nextSeries, late, early)).isSortedAccordingTo((a, b) -> b.compareTo(a));
        assertThat(SeriesQueries.Cursor.parse(early)).isEqualTo(new SeriesQueries.Cursor("0a", -5));
    }

    @Test
    void shouldCutAMergedPageAtTheSmallestCursorSoThatNoPointIsSkippedBetweenPages() {
        SeriesQueries.ScanPage a = new SeriesQueries.ScanPage(List.of(block("01", 1, 2), block("05", 1, 2, 3)),
                new SeriesQueries.Cursor("05", 3).encode());
        SeriesQueries.ScanPage b = new SeriesQueries.ScanPage(List.of(block("02", 1), block("03", 4, 5, 6)),
                new SeriesQueries.Cursor("03", 5).encode());

        SeriesQueries.ScanPage merged = SeriesQueries.ScanPage.merge(List.of(a, b));

        assertThat(merged.blocks()).extracting(SeriesQueries.Block::key).containsExactly("01", "02", "03");
        assertThat(merged.blocks().get(2).timestamps()).containsExactly(4, 5);
        assertThat(merged.nextCursor()).isEqualTo(new SeriesQueries.Cursor("03", 5).encode());
        assertThat(SeriesQueries.ScanPage.merge(List.of(new SeriesQueries.ScanPage(List.of(block("01", 1)), null)))
                .nextCursor()).isNull();
    }

    @Test
    void shouldCarryGroupsOfRollupsOverTheInternalApiAndMergeThemExactly() {
        Rollup one = Rollup.empty();
        one.add(1, 2.0);
        Rollup two = Rollup.empty();
        two.add(2, 5.0);
        java.util.TreeMap<Long, Rollup> left = new java.util.TreeMap<>(java.util.Map.of(0L, one));
        java.util.TreeMap<Long, Rollup> right = new java.util.TreeMap<>(java.util.Map.of(0L, two));
        SeriesQueries.Groups a = new SeriesQueries.Groups(new java.util.TreeMap<>(java.util.Map.of("eu",
                new SeriesQueries.Group(1, SeriesQueries.encode(left)))));
        SeriesQueries.Groups b = new SeriesQueries.Groups(new java.util.TreeMap<>(java.util.Map.of("eu",
                new SeriesQueries.Group(1, SeriesQueries.encode(right)))));
        Codec<SeriesQueries.Groups> codec = Codec.json(SeriesQueries.Groups.class);

        SeriesQueries.Groups merged = SeriesQueries.Groups.merge(List.of(codec.decode(codec.encode(a)), codec.decode(codec.encode(b))));

        Rollup bucket = merged.groups().get("eu").rollups().get(0L);
        assertThat(merged.groups().get("eu").devices()).isEqualTo(2);
        assertThat(bucket.count()).isEqualTo(2);
        assertThat(bucket.sum()).isEqualTo(7.0);
        assertThat(bucket.first()).isEqualTo(2.0);
        assertThat(bucket.last()).isEqualTo(5.0);
    }
}
