package io.spectracache.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SequentialReadsTest {

    /** A clock that a call moves forward by {@code callMillis}; reading it costs nothing. */
    private static final class FakeTime implements SequentialReads.Clock {
        long nanos;

        @Override
        public long nanoTime() {
            return nanos;
        }
    }

    private static ClosedLoop.ClientFactory taking(FakeTime time, long callMillis, int failEvery) {
        int[] calls = {0};
        return () -> new ClosedLoop.Client() {
            @Override
            public boolean call(int keyIndex) {
                time.nanos += callMillis * 1_000_000;
                calls[0]++;
                return failEvery == 0 || calls[0] % failEvery != 0;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void shouldKeepMeasuringPastTheDurationUntilEnoughAnswersWereRecorded() {
        // Regression: a 2 s phase of a query taking 500 ms recorded 2 answers, and a query longer than the phase none.
        FakeTime time = new FakeTime();

        LatencyResult result = SequentialReads.run("slow", taking(time, 500, 0), 3, Duration.ofSeconds(1), Duration.ofSeconds(2),
                20, Duration.ofMinutes(1), 1, time);

        assertThat(result.ok()).isEqualTo(20);
        assertThat(result.seconds()).isEqualTo(10.0);
        assertThat(result.p50()).as("3 significant digits").isBetween(499_000L, 501_000L);
        assertThat(result.clients()).isEqualTo(1);
        assertThat(result.calls()).as("2 warm-up calls").isEqualTo(22);
    }

    @Test
    void shouldMeasureForTheWholeDurationWhenAnswersAreQuick() {
        FakeTime time = new FakeTime();

        LatencyResult result = SequentialReads.run("quick", taking(time, 10, 0), 3, Duration.ZERO, Duration.ofSeconds(2),
                20, Duration.ofMinutes(1), 1, time);

        assertThat(result.ok()).isEqualTo(200);
        assertThat(result.requestsPerSecond()).isEqualTo(100.0);
    }

    @Test
    void shouldStopAtTheCapEvenWithFewerAnswersAndCountFailuresApart() {
        FakeTime time = new FakeTime();

        LatencyResult result = SequentialReads.run("very slow", taking(time, 20_000, 3), 1, Duration.ZERO, Duration.ofSeconds(2),
                20, Duration.ofSeconds(60), 1, time);

        assertThat(result.ok() + result.failed()).isEqualTo(3);
        assertThat(result.failed()).isEqualTo(1);
    }

    @Test
    void shouldReportAClientThatCannotConnect() {
        LatencyResult result = SequentialReads.run("refused", () -> {
            throw new IOException("connection refused");
        }, 1, Duration.ZERO, Duration.ofSeconds(1), 1, Duration.ofSeconds(1), 1);

        assertThat(result.error()).contains("connection refused");
        assertThat(result.ok()).isZero();
    }
}
