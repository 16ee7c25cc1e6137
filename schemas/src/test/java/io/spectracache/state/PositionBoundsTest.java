package io.spectracache.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.junit.jupiter.api.Test;

class PositionBoundsTest {
    private static Position at(String topic, int partition, long offset) {
        return Position.fromMap(Map.of(topic, Map.of(partition, offset)));
    }

    @Test
    void shouldAnswerAnUnboundedReadWhateverTheStoreSaw() {
        assertThat(PositionBounds.reached(Position.emptyPosition(), PositionBound.unbounded())).isTrue();
    }

    @Test
    void shouldAnswerOnlyOnceTheStoreSawTheBoundsOffset() {
        PositionBound bound = PositionBound.at(at("spectra.events", 2, 10L));

        assertThat(PositionBounds.reached(at("spectra.events", 2, 9L), bound)).isFalse();
        assertThat(PositionBounds.reached(at("spectra.events", 2, 10L), bound)).isTrue();
        assertThat(PositionBounds.reached(at("spectra.events", 2, 11L), bound)).isTrue();
    }

    @Test
    void shouldNotAnswerABoundOnAPartitionTheStoreNeverSaw() {
        PositionBound bound = PositionBound.at(at("spectra.events", 2, 0L));

        assertThat(PositionBounds.reached(at("spectra.events", 1, 100L), bound)).isFalse();
        assertThat(PositionBounds.reached(at("spectra.kv", 2, 100L), bound)).isFalse();
    }
}
