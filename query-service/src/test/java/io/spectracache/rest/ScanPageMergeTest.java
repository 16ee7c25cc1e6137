package io.spectracache.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScanPageMergeTest {

    @Test
    void shouldMergePagesInKeyOrderAndStopAtTheLimit() {
        ScanPage merged = KeyValueRoutes.merge(List.of(page(null, Set.of(0, 1), "a", "c", "e"), page(null, Set.of(2, 3), "b", "d")),
                List.of(), 4, 4);
        assertThat(keys(merged)).containsExactly("a", "b", "c", "d");
        assertThat(merged.nextCursor()).isEqualTo("d");
        assertThat(merged.partial()).isFalse();
    }

    @Test
    void shouldNeverSkipKeysOfAnInstanceThatHadMoreThanItSent() {
        // The first instance stopped at "b" (it has more after it); keys past "b" from others must wait for the next page.
        ScanPage merged = KeyValueRoutes.merge(List.of(page("b", Set.of(0, 1), "a", "b"), page(null, Set.of(2, 3), "c", "d")),
                List.of(), 10, 4);
        assertThat(keys(merged)).containsExactly("a", "b");
        assertThat(merged.nextCursor()).isEqualTo("b");
    }

    @Test
    void shouldEndWithoutCursorWhenEveryInstanceIsExhausted() {
        ScanPage merged = KeyValueRoutes.merge(List.of(page(null, Set.of(0, 1, 2, 3), "a")), List.of(), 10, 4);
        assertThat(merged.nextCursor()).isNull();
    }

    @Test
    void shouldBePartialWhenAnInstanceFailedOrPartitionsAreMissing() {
        assertThat(KeyValueRoutes.merge(List.of(page(null, Set.of(0, 1), "a")), List.of("10.0.0.2:7070"), 10, 4).partial()).isTrue();
        assertThat(KeyValueRoutes.merge(List.of(page(null, Set.of(0, 1, 2), "a")), List.of(), 10, 4).partial()).isTrue();
    }

    private static ScanPage page(String next, Set<Integer> partitions, String... keys) {
        List<ScanPage.Item> items = Arrays.stream(keys)
                .map(key -> new ScanPage.Item(key, "v", "utf8", null, Instant.EPOCH, null)).toList();
        return new ScanPage(items, next, false, List.of(), partitions);
    }

    private static List<String> keys(ScanPage page) {
        return page.items().stream().map(ScanPage.Item::key).toList();
    }
}
