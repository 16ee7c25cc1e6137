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
    void shouldLeaveOutTheValueThenTheKeyThenTheHeadersWhenTheDeadLetterWouldBeTooLarge() {
        DeadLetter letter = DeadLetter.of(RejectReason.OVERSIZED, "x".repeat(490)).from("spectra.events.raw", 1, 2L);
        Headers original = new RecordHeaders().add("trace", new byte[100]);
        byte[] key = new byte[300];
        byte[] value = new byte[5_000];

        ProducerRecord<byte[], byte[]> whole = letter.toRecord("dlq", key, value, original, 10_000);
        ProducerRecord<byte[], byte[]> noValue = letter.toRecord("dlq", key, value, original, 4_000);
        ProducerRecord<byte[], byte[]> noKey = letter.toRecord("dlq", key, value, original, 1_200);
        ProducerRecord<byte[], byte[]> bare = letter.toRecord("dlq", key, value, original, 500);

        assertThat(whole.value()).isSameAs(value);
        assertThat(whole.key()).isSameAs(key);
        assertThat(noValue.value()).isNull();
        assertThat(noValue.key()).isSameAs(key);
        assertThat(header(noValue, DeadLetter.DETAIL)).hasSize(DeadLetter.MAX_DETAIL_CHARS)
                .startsWith("xxx").endsWith("the original value (5000 bytes) is left out of this dead letter: too large");
        assertThat(noKey.key()).isNull();
        assertThat(noKey.headers().lastHeader("trace")).isNotNull();
        assertThat(header(noKey, DeadLetter.DETAIL)).endsWith("key (300 bytes) and value (5000 bytes) are left out of this dead letter: too large");
        assertThat(bare.headers().lastHeader("trace")).isNull();
        assertThat(header(bare, DeadLetter.DETAIL)).endsWith("and so are the original headers");
        assertThat(header(bare, DeadLetter.REASON)).isEqualTo("oversized");
        assertThat(header(bare, DeadLetter.SOURCE_OFFSET)).isEqualTo("2");
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
