package io.spectracache.errors;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

    @Test
    void shouldCarryTheOriginalBytesAndHeadersPlusTheReasonAndOrigin() {
        Headers original = new RecordHeaders().add("gateway", "gw-7".getBytes(UTF_8));
        ProducerRecord<byte[], byte[]> record = DeadLetter.of(RejectReason.MISSING_FIELD, "deviceId is required")
                .from("spectra.events.raw", 3, 42L)
                .toRecord("spectra.events.dlq", "k".getBytes(UTF_8), "{}".getBytes(UTF_8), original);

        assertThat(record.topic()).isEqualTo("spectra.events.dlq");
        assertThat(record.key()).isEqualTo("k".getBytes(UTF_8));
        assertThat(record.value()).isEqualTo("{}".getBytes(UTF_8));
        assertThat(header(record, "gateway")).isEqualTo("gw-7");
        assertThat(header(record, DeadLetter.REASON)).isEqualTo("missing-field");
        assertThat(header(record, DeadLetter.DETAIL)).isEqualTo("deviceId is required");
        assertThat(header(record, DeadLetter.SOURCE_TOPIC)).isEqualTo("spectra.events.raw");
        assertThat(header(record, DeadLetter.SOURCE_PARTITION)).isEqualTo("3");
        assertThat(header(record, DeadLetter.SOURCE_OFFSET)).isEqualTo("42");
        assertThat(original.toArray()).hasSize(1); // the caller's headers are not modified
    }

    @Test
    void shouldReplaceEarlierDeadLetterHeadersInsteadOfStackingThem() {
        Headers once = DeadLetter.of(RejectReason.WRONG_TYPE, "first").headers(new RecordHeaders());
        Headers twice = DeadLetter.of(RejectReason.OVERSIZED, "second").headers(once);
        assertThat(twice.headers(DeadLetter.REASON)).hasSize(1);
        assertThat(new String(twice.lastHeader(DeadLetter.REASON).value(), UTF_8)).isEqualTo("oversized");
    }

    @Test
    void shouldTruncateAHugeDetail() {
        DeadLetter letter = DeadLetter.of(RejectReason.MALFORMED_JSON, "x".repeat(10_000));
        assertThat(letter.detail()).hasSize(DeadLetter.MAX_DETAIL_CHARS + 1).endsWith("…");
    }

    @Test
    void shouldKeepReasonCodesStable() {
        // The codes are a contract: DLQ consumers and dashboards match on them.
        assertThat(RejectReason.values()).extracting(RejectReason::code).containsExactly(
                "malformed-json", "missing-field", "wrong-type", "absurd-timestamp", "oversized", "invalid-coordinates",
                "deserialization-error", "processing-error", "production-error", "invalid-key", "invalid-ttl",
                "state-too-large");
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), UTF_8);
    }
}
