package io.spectracache.devicestate;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.devices.DeviceState;
import io.spectracache.events.DeviceEvent;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The merge of {@link DeviceQueries#SCAN}: the same contract as the cache's scan, keyed by device id. */
class DeviceScanMergeTest {

    @Test
    void shouldMergePagesInIdOrderAndStopAtTheLimit() {
        DeviceQueries.ScanPart merged = DeviceQueries.merge(List.of(part(null, "a", "c", "e"), part(null, "b", "d")), 4);
        assertThat(ids(merged)).containsExactly("a", "b", "c", "d");
        assertThat(merged.nextCursor()).isEqualTo("d");
    }

    @Test
    void shouldNeverSkipDevicesOfAnInstanceThatHadMoreThanItSent() {
        DeviceQueries.ScanPart merged = DeviceQueries.merge(List.of(part("b", "a", "b"), part(null, "c", "d")), 10);
        assertThat(ids(merged)).containsExactly("a", "b");
        assertThat(merged.nextCursor()).isEqualTo("b");
    }

    @Test
    void shouldEndWithoutCursorWhenEveryInstanceIsExhausted() {
        assertThat(DeviceQueries.merge(List.of(part(null, "a"), part(null)), 10).nextCursor()).isNull();
    }

    @Test
    void shouldOrderIdsAsTheStoreDoesInUtf8ByteOrder() {
        DeviceQueries.ScanPart merged = DeviceQueries.merge(List.of(part(null, "\uD83D\uDE00"), part(null, "\uFFFD")), 10);
        assertThat(ids(merged)).containsExactly("\uFFFD", "\uD83D\uDE00");
    }

    private static DeviceQueries.ScanPart part(String next, String... ids) {
        return new DeviceQueries.ScanPart(Arrays.stream(ids).map(DeviceScanMergeTest::state).toList(), next);
    }

    private static DeviceState state(String id) {
        return DeviceState.first(new DeviceEvent(id, Instant.parse("2026-11-30T00:00:00Z"), null, null, Map.of("t", 1.0),
                null, Map.of()));
    }

    private static List<String> ids(DeviceQueries.ScanPart part) {
        return part.states().stream().map(DeviceState::deviceId).toList();
    }
}
