package io.spectracache.dashboard;

import static java.util.Objects.requireNonNull;

import io.spectracache.errors.DeadLetter;
import io.spectracache.errors.RetryLaterException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The newest dead letters of a DLQ topic, for the dashboard's browser: reads the last records of every partition
 * (committed ones only: dead letters are written in the processing's transactions) with one consumer that belongs to
 * no group, so reading commits nothing and moves no one's offsets. Values are shown as text, cut to
 * {@value #SHOWN_BYTES} bytes. Thread-safe; must be closed.
 */
final class DlqReader implements AutoCloseable {
    static final int SHOWN_BYTES = 512;
    private static final Duration READ_TIME = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(DlqReader.class);

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
    private final KafkaConsumer<byte[], byte[]> consumer;

    DlqReader(String bootstrapServers, Map<String, Object> clientOverrides, String topic) {
        this.topic = requireNonNull(topic, "topic");
        Map<String, Object> props = new HashMap<>(clientOverrides);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "spectracache-dashboard-dlq");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * At most {@code limit} of the newest dead letters, newest first; fewer if reading takes longer than 2 s.
     *
     * @throws RetryLaterException when the broker does not answer the topic's partitions or offsets within 2 s (a
     *                             busy or restarting broker: expected, so a 503 and a line at DEBUG, not a 500 with
     *                             a stack trace)
     */
    synchronized Answer latest(int limit) {
        try {
            return read(limit);
        } catch (TimeoutException slow) {
            LOG.debug("dead letters not read: {}", slow.toString());
            throw RetryLaterException.notReady("the broker did not answer the dead-letter topic's offsets within "
                    + READ_TIME.toMillis() + " ms; retry in a second");
        }
    }

    private Answer read(int limit) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, READ_TIME)) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, READ_TIME);
        Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions, READ_TIME);
        Map<TopicPartition, Long> remaining = new HashMap<>();
        for (TopicPartition partition : partitions) {
            long end = ends.getOrDefault(partition, 0L);
            long start = Math.max(begins.getOrDefault(partition, 0L), end - limit);
            consumer.seek(partition, start);
            if (end > start) {
                remaining.put(partition, end);
            }
        }
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        long deadline = System.nanoTime() + READ_TIME.toNanos();
        while (!remaining.isEmpty() && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                read.add(record);
            }
            // Done with a partition once its position reached the end read before (transaction markers included).
            remaining.entrySet().removeIf(entry -> consumer.position(entry.getKey(), READ_TIME) >= entry.getValue());
        }
        List<Letter> letters = read.stream()
                .sorted(Comparator.comparingLong((ConsumerRecord<byte[], byte[]> r) -> r.timestamp()).reversed())
                .limit(limit)
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
    public synchronized void close() {
        consumer.close(Duration.ofSeconds(1));
    }
}
