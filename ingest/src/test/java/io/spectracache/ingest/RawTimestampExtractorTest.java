package io.spectracache.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class RawTimestampExtractorTest {
    private final RawTimestampExtractor extractor = new RawTimestampExtractor();

    private static ConsumerRecord<Object, Object> withTimestamp(long timestamp) {
        TimestampType type = timestamp < 0 ? TimestampType.NO_TIMESTAMP_TYPE : TimestampType.CREATE_TIME;
        return new ConsumerRecord<>("spectra.events.raw", 0, 0L, timestamp, type, 0, 0, null, new byte[0],
                new RecordHeaders(), Optional.empty());
    }

    @Test
    void shouldUseTheRecordTimestampWhenItHasOne() {
        assertThat(extractor.extract(withTimestamp(1_000L), 5_000L)).isEqualTo(1_000L);
    }

    @Test
    void shouldFallBackToPartitionTimeForARecordWithoutTimestamp() {
        assertThat(extractor.extract(withTimestamp(-1L), 5_000L)).isEqualTo(5_000L);
    }

    @Test
    void shouldFallBackToZeroRatherThanThrowWhenThePartitionHasNoTimeYet() {
        assertThat(extractor.extract(withTimestamp(-1L), -1L)).isZero();
    }
}
