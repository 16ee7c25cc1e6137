package io.spectracache.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.spectracache.cluster.LocalStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveFeedTest {
    private static LocalStatus.Live live(String instance, long at, double events, double dlq, long lag, double freshness) {
        return new LocalStatus.Live(instance, at, events, events - dlq, 0, Map.of("malformed-json", dlq), lag, freshness,
                freshness * 2);
    }

    @Test
    void shouldSumEachInstancesRateOverTheSecondBetweenTwoSamples() {
        LiveFeed feed = new LiveFeed(List::of, () -> 2);
        assertThat(feed.sample(List.of(live("a", 1_000, 100, 1, 5, 10), live("b", 1_000, 50, 0, 1, 20)))).isNull();

        LiveFeed.Sample sample = feed.sample(List.of(live("a", 2_000, 300, 3, 7, 12), live("b", 2_000, 150, 0, 2, 30)));

        assertThat(sample.ingestRate()).isCloseTo(300, within(1e-9));
        assertThat(sample.dlqRateByReason()).containsEntry("malformed-json", 2.0);
        assertThat(sample.consumerLag()).isEqualTo(9);
        assertThat(sample.freshnessMs()).isEqualTo(30.0);
        assertThat(sample.instances()).isEqualTo(2);
        assertThat(sample.partial()).isFalse();
    }

    @Test
    void shouldNotShowANegativeRateWhenAnInstanceRestartedAndItsCountersStartedOver() {
        LiveFeed feed = new LiveFeed(List::of, () -> 1);
        feed.sample(List.of(live("a", 1_000, 5_000, 0, 0, 1)));

        LiveFeed.Sample sample = feed.sample(List.of(live("a", 2_000, 10, 0, 0, 1)));

        assertThat(sample.ingestRate()).isZero();
    }

    @Test
    void shouldMarkASamplePartialWhenAnInstanceOfTheGroupDidNotAnswer() {
        LiveFeed feed = new LiveFeed(List::of, () -> 2);
        feed.sample(List.of(live("a", 1_000, 0, 0, 0, Double.NaN)));

        LiveFeed.Sample sample = feed.sample(List.of(live("a", 2_000, 10, 0, 0, Double.NaN)));

        assertThat(sample.partial()).isTrue();
        assertThat(sample.ingestRate()).isEqualTo(10.0);
        assertThat(sample.freshnessMs()).as("nothing processed: no figure rather than NaN in JSON").isNull();
    }
}
