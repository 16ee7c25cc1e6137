package io.spectracache.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spectracache.errors.InvalidRequestException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class QueryTimesTest {
    private static final long NOW = Instant.parse("2026-11-30T10:00:00Z").toEpochMilli();

    @Test
    void shouldReadIsoEpochMillisNowAndRelativeTimes() {
        assertThat(QueryTimes.instant("from", "2026-11-30T09:00:00Z", NOW)).isEqualTo(NOW - 3_600_000);
        assertThat(QueryTimes.instant("from", "2026-11-30T10:00:00+01:00", NOW)).isEqualTo(NOW - 3_600_000);
        assertThat(QueryTimes.instant("from", "1795546800000", NOW)).isEqualTo(1_795_546_800_000L);
        assertThat(QueryTimes.instant("to", "now", NOW)).isEqualTo(NOW);
        assertThat(QueryTimes.instant("from", "-15m", NOW)).isEqualTo(NOW - 900_000);
        assertThat(QueryTimes.instant("from", "now-90s", NOW)).isEqualTo(NOW - 90_000);
        assertThat(QueryTimes.instant("from", "-2w", NOW)).isEqualTo(NOW - Duration.ofDays(14).toMillis());
    }

    @Test
    void shouldNameTheAcceptedFormsWhenATimeDoesNotParse() {
        assertThatThrownBy(() -> QueryTimes.instant("from", "yesterday", NOW))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("from: \"yesterday\" is not a time").hasMessageContaining("-1h");
        assertThatThrownBy(() -> QueryTimes.instant("from", "-1y", NOW)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void shouldReadAndWriteStepsInTheirLargestUnit() {
        assertThat(QueryTimes.duration("step", "90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(QueryTimes.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(QueryTimes.format(Duration.ofMinutes(60))).isEqualTo("1h");
        assertThat(QueryTimes.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThatThrownBy(() -> QueryTimes.duration("step", "1.5h")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("step: \"1.5h\" is not a duration");
    }
}
