package io.spectracache.devicestate;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.devices.DeviceState;
import io.spectracache.events.DeviceEvent;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecentStatesTest {
    private static final DeviceState STATE = DeviceState.first(DeviceEvent.of("d", Instant.EPOCH, Map.of("temp", 1.0)));

    @Test
    void shouldBoundTheCacheByEstimatedBytesNotByDeviceCount() {
        long budget = 100 * RecentStates.weightOf(1_000);
        RecentStates recent = new RecentStates(budget);

        for (int i = 0; i < 1_000; i++) {
            recent.put("small-" + i, STATE, 1_000);
        }
        assertThat(recent.size()).isEqualTo(100);
        assertThat(recent.bytes()).isLessThanOrEqualTo(budget);

        // Issue 6, item 4: one fat device weighs what many small ones do, and takes their room.
        recent.put("fat", STATE, 50_000);
        assertThat(recent.get("fat")).isSameAs(STATE);
        assertThat(recent.size()).isLessThan(100);
        assertThat(recent.bytes()).isLessThanOrEqualTo(budget);
    }

    @Test
    void shouldEvictTheLeastRecentlyUsedDevicesFirst() {
        RecentStates recent = new RecentStates(3 * RecentStates.weightOf(100));
        recent.put("a", STATE, 100);
        recent.put("b", STATE, 100);
        recent.put("c", STATE, 100);
        recent.get("a");

        recent.put("d", STATE, 100);

        assertThat(recent.get("b")).isNull();
        assertThat(recent.get("a")).isNotNull();
        assertThat(recent.get("c")).isNotNull();
        assertThat(recent.get("d")).isNotNull();
    }

    @Test
    void shouldAccountForAReplacedStateAndNeverKeepOneLargerThanTheBudget() {
        RecentStates recent = new RecentStates(RecentStates.weightOf(10_000));
        recent.put("a", STATE, 100);
        recent.put("a", STATE, 200);
        assertThat(recent.bytes()).isEqualTo(RecentStates.weightOf(200));

        recent.put("a", STATE, 20_000);
        assertThat(recent.get("a")).isNull();
        assertThat(recent.bytes()).isZero();

        RecentStates off = new RecentStates(0);
        off.put("a", STATE, 1);
        assertThat(off.get("a")).isNull();
    }
}
