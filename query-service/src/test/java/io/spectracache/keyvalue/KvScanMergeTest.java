package io.spectracache.keyvalue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KvScanMergeTest {

    @Test
    void shouldMergePagesInKeyOrderAndStopAtTheLimit() {
        KeyValueQueries.ScanPart merged = KeyValueQueries.merge(List.of(part(null, "a", "c", "e"), part(null, "b", "d")), 4, Long.MAX_VALUE);
        assertThat(keys(merged)).containsExactly("a", "b", "c", "d");
        assertThat(merged.nextCursor()).isEqualTo("d");
    }

    @Test
    void shouldNeverSkipKeysOfAnInstanceThatHadMoreThanItSent() {
        // The first instance stopped at "b" (it has more after it); keys past "b" from others must wait for the next page.
        KeyValueQueries.ScanPart merged = KeyValueQueries.merge(List.of(part("b", "a", "b"), part(null, "c", "d")), 10, Long.MAX_VALUE);
        assertThat(keys(merged)).containsExactly("a", "b");
        assertThat(merged.nextCursor()).isEqualTo("b");
    }

    @Test
    void shouldEndWithoutCursorWhenEveryInstanceIsExhausted() {
        assertThat(KeyValueQueries.merge(List.of(part(null, "a")), 10, Long.MAX_VALUE).nextCursor()).isNull();
    }

    @Test
    void shouldOrderKeysAsTheStoreDoesInUtf8ByteOrder() {
        // U+FFFD sorts before U+1F600 in UTF-8 bytes, after it in UTF-16 units.
        KeyValueQueries.ScanPart merged = KeyValueQueries.merge(List.of(part(null, "\uD83D\uDE00"), part(null, "\uFFFD")), 10, Long.MAX_VALUE);
        assertThat(keys(merged)).containsExactly("\uFFFD", "\uD83D\uDE00");
    }

    @Test
    void shouldEndAPageEarlyWhenItsBytesPassTheBoundButAlwaysHoldOneItem() {
        KeyValueQueries.ScanPart merged = KeyValueQueries.merge(List.of(part(null, "a", "b", "c")), 10, 4);
        assertThat(keys(merged)).containsExactly("a", "b"); // "a"+"v" = 2 bytes, "b"+"v" = 4, "c" would pass 4
        assertThat(merged.nextCursor()).isEqualTo("b");

        KeyValueQueries.ScanPart single = KeyValueQueries.merge(List.of(part(null, "a", "b")), 10, 1);
        assertThat(keys(single)).containsExactly("a");
        assertThat(single.nextCursor()).isEqualTo("a");
    }

    private static KeyValueQueries.ScanPart part(String next, String... keys) {
        List<ScanPage.Item> items = Arrays.stream(keys)
                .map(key -> new ScanPage.Item(key, "v", "utf8", null, Instant.EPOCH, null)).toList();
        return new KeyValueQueries.ScanPart(items, next);
    }

    private static List<String> keys(KeyValueQueries.ScanPart part) {
        return part.items().stream().map(ScanPage.Item::key).toList();
    }
}
