package io.spectracache.dashboard;

import static java.util.Objects.requireNonNull;

import io.spectracache.errors.DeadLetter;
import io.spectracache.query.TopicTail;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The newest dead letters of a DLQ topic, for the dashboard's browser: reads the last records of every partition
 * (committed ones only: dead letters are written in the processing's transactions) with a {@link TopicTail}. Values are shown as text, cut to
 * {@value #SHOWN_BYTES} bytes. Thread-safe; must be closed.
 */
final class DlqReader implements AutoCloseable {
    static final int SHOWN_BYTES = 512;

    /** One dead letter as the page shows it. */
    record Letter(String timestamp, String reason, String detail, String sourceTopic, Integer sourcePartition,
                  Long sourceOffset, String key, String value, int partition, long offset) {
    }

    /** The newest letters, newest first. */
    record Answer(String topic, List<Letter> records) {
        Answer {
            requireNonNull(topic, "topic");
            records = List.copyOf(records);
        }
    }

    private final String topic;
    private final TopicTail tail;

    DlqReader(String bootstrapServers, Map<String, Object> clientOverrides, String topic) {
        this.topic = requireNonNull(topic, "topic");
        this.tail = new TopicTail(bootstrapServers, clientOverrides, "spectracache-dashboard-dlq");
    }

    /** At most {@code limit} of the newest dead letters, newest first; fewer if reading takes longer than 2 s. */
    Answer latest(int limit) {
        List<Letter> letters = tail.latest(topic, limit, record -> true).records().stream()
                .map(DlqReader::letter)
                .collect(Collectors.toList());
        return new Answer(topic, letters);
    }

    private static Letter letter(ConsumerRecord<byte[], byte[]> record) {
        return new Letter(Instant.ofEpochMilli(record.timestamp()).toString(), header(record, DeadLetter.REASON),
                header(record, DeadLetter.DETAIL), header(record, DeadLetter.SOURCE_TOPIC),
                number(header(record, DeadLetter.SOURCE_PARTITION)) == null ? null
                        : number(header(record, DeadLetter.SOURCE_PARTITION)).intValue(),
                number(header(record, DeadLetter.SOURCE_OFFSET)), shown(record.key()), shown(record.value()),
                record.partition(), record.offset());
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Long number(String text) {
        try {
            return text == null ? null : Long.valueOf(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String shown(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        String text = new String(bytes, 0, Math.min(bytes.length, SHOWN_BYTES), StandardCharsets.UTF_8);
        return bytes.length > SHOWN_BYTES ? text + "… (" + bytes.length + " bytes)" : text;
    }

    @Override
    public void close() {
        tail.close();
    }
}
