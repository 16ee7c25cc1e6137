package io.spectracache.timeseries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spectracache.errors.InvalidRequestException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BucketPlanTest {
    private static final long NOW = Instant.parse("2026-11-30T10:07:30Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private static final long HOUR = 3_600_000;
    private static final TimeSeriesSettings SETTINGS = TimeSeriesSettings.defaults();

    @Test
    void shouldReadTheCoarsestTierWhoseStepDividesTheQuerysAndWidenTheRangeToWholeBuckets() {
        BucketPlan plan = BucketPlan.of(NOW - 6 * HOUR, NOW, Duration.ofMinutes(15), NOW, SETTINGS);

        assertThat(plan.source()).isEqualTo("1m");
        assertThat(plan.from() % (15 * MINUTE)).isZero();
        assertThat(plan.to()).isGreaterThanOrEqualTo(NOW).isEqualTo(NOW - NOW % (15 * MINUTE) + 15 * MINUTE);
        assertThat(BucketPlan.of(NOW - 2 * 24 * HOUR, NOW, Duration.ofHours(6), NOW, SETTINGS).source()).isEqualTo("1h");
    }

    @Test
    void shouldFallBackToRawPointsForAStepNoTierDividesWithinTheRawRetention() {
        assertThat(BucketPlan.of(NOW - HOUR, NOW, Duration.ofSeconds(30), NOW, SETTINGS).source()).isEqualTo("raw");
        assertThatThrownBy(() -> BucketPlan.of(NOW - 3 * 24 * HOUR, NOW, Duration.ofSeconds(30), NOW, SETTINGS))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("not a multiple of any rollup tier");
    }

    @Test
    void shouldReadTheTierKeptLongestWhenTheRangeStartsBeforeEveryOtherRetention() {
        BucketPlan plan = BucketPlan.of(NOW - 200L * 24 * HOUR, NOW, Duration.ofHours(1), NOW, SETTINGS);
        assertThat(plan.source()).isEqualTo("1h");
    }

    @Test
    void shouldRefuseAStepUnderOneSecond() {
        assertThatThrownBy(() -> BucketPlan.of(NOW - HOUR, NOW, Duration.ofMillis(500), NOW, SETTINGS))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("step: at least 1s");
    }

    @Test
    void shouldPlanOneWholeBucketExactlyOverAnUnalignedRangeFromRawAndOverAnAlignedOneFromATier() {
        BucketPlan unaligned = BucketPlan.whole(NOW - HOUR, NOW, NOW, SETTINGS);
        assertThat(unaligned.source()).isEqualTo("raw");
        assertThat(unaligned.startOf(NOW - 1)).isEqualTo(NOW - HOUR);
        assertThat(unaligned.bucketCount()).isEqualTo(1);

        long hour = NOW - NOW % HOUR;
        assertThat(BucketPlan.whole(hour - 5 * 24 * HOUR, hour, NOW, SETTINGS).source()).isEqualTo("1h");
        BucketPlan old = BucketPlan.whole(NOW - 60L * 24 * HOUR - 1, NOW, NOW, SETTINGS);
        assertThat(old.source()).isEqualTo("1h");
        assertThat(old.from() % HOUR).isZero();
    }
}
