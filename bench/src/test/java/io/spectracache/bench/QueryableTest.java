package io.spectracache.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryableTest {
    private static final String[] DEVICES = {"d0", "d1", "d2"};

    /** Each device's count rises by {@code step} per look, from 0; remembers the looks and completions. */
    private static final class Rising implements Queryable.Probe {
        final long[] counts = new long[DEVICES.length];
        final long step;
        final List<String> looks = new ArrayList<>();
        final List<Integer> completed = new ArrayList<>();

        Rising(long step) {
            this.step = step;
        }

        @Override
        public long count(int device) {
            looks.add(DEVICES[device]);
            counts[device] += step;
            return counts[device];
        }

        @Override
        public void completed(int device) {
            completed.add(device);
        }

        @Override
        public String lastAnswer() {
            return "fake";
        }
    }

    @Test
    void shouldWalkTheDevicesInOrderAndNeverLookAgainAtACompleteOne() throws Exception {
        Rising probe = new Rising(5);
        List<Long> pauses = new ArrayList<>();

        Queryable.Walk walk = Queryable.awaitCounts(DEVICES, 10, Duration.ofMinutes(1), message -> { }, probe, pauses::add);

        assertThat(probe.looks).containsExactly("d0", "d0", "d1", "d1", "d2", "d2");
        assertThat(probe.completed).containsExactly(0, 1, 2);
        assertThat(walk.looks()).isEqualTo(6);
        assertThat(walk.overcounted()).isZero();
        assertThat(pauses).as("one pause per incomplete look, far from done").containsExactly(100L, 100L, 100L);
    }

    @Test
    void shouldPauseLessOnceADeviceHasNinetyPercentOfItsEvents() throws Exception {
        Rising probe = new Rising(91);
        List<Long> pauses = new ArrayList<>();

        Queryable.awaitCounts(new String[] {"d0"}, 100, Duration.ofMinutes(1), message -> { }, probe, pauses::add);

        assertThat(pauses).containsExactly(Queryable.NEAR_POLL_PAUSE_MS);
    }

    @Test
    void shouldCountDevicesThatCountedMoreEventsThanWereSent() throws Exception {
        Queryable.Walk walk = Queryable.awaitCounts(DEVICES, 10, Duration.ofMinutes(1), message -> { }, new Rising(11), millis -> { });

        assertThat(walk.overcounted()).isEqualTo(3);
        assertThat(walk.looks()).isEqualTo(3);
    }

    @Test
    void shouldNameTheIncompleteDeviceWhenTheTimeoutPasses() {
        Queryable.Probe stuck = new Queryable.Probe() {
            @Override
            public long count(int device) {
                return device == 0 ? 10 : -1;
            }

            @Override
            public String lastAnswer() {
                return "no state yet";
            }
        };

        assertThatThrownBy(() -> Queryable.awaitCounts(DEVICES, 10, Duration.ZERO, message -> { }, stuck, millis -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1 of 3 devices were complete")
                .hasMessageContaining("d1 answered no state yet with count -1 of 10");
    }

    @Test
    void shouldWaitForEachDevicesOwnCountWhenDevicesSentDifferentNumbersOfEvents() throws Exception {
        Rising probe = new Rising(5);

        Queryable.Walk walk = Queryable.awaitCounts(DEVICES, new long[] {5, 15, 10}, Duration.ofMinutes(1), message -> { },
                probe, millis -> { });

        assertThat(probe.looks).containsExactly("d0", "d1", "d1", "d1", "d2", "d2");
        assertThat(walk.overcounted()).isZero();
        assertThatThrownBy(() -> Queryable.awaitCounts(DEVICES, new long[] {1}, Duration.ZERO, message -> { }, probe,
                millis -> { })).isInstanceOf(IllegalArgumentException.class);
    }
}
