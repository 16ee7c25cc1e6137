package io.spectracache.query;

import static java.util.Objects.requireNonNull;

import io.spectracache.errors.RetryLaterException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The newest records of a topic (a dead-letter topic, the watch matches), read on demand: one consumer that belongs to
 * no group, so reading commits nothing and moves no one's offsets, reading committed records only (those topics are
 * written in the processing's transactions). Each partition is read backwards in growing slices until it gave
 * {@code limit} records that pass the caller's test, reached its beginning, or the scan budget or read time ran out;
 * the answer is the newest {@code limit} of them all, newest first (by record timestamp, then partition and offset).
 * Thread-safe (one read at a time); must be closed.
 *
 * <pre>{@code
 * try (TopicTail tail = new TopicTail(bootstrap, overrides, "spectracache-dlq-browser")) {
 *     TopicTail.Tail newest = tail.latest("spectra.events.dlq", 20, record -> true);
 * }
 * }</pre>
 */
public final class TopicTail implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);
    /** The longest one read takes; the answer then holds what was read so far ({@link Tail#complete()} false). */
    public static final Duration READ_TIME = Duration.ofSeconds(2);
    /** The most records one read looks at per partition, whatever passes the test. */
    public static final int MAX_SCANNED_PER_PARTITION = 50_000;

    /**
     * The newest records read.
     *
     * @param records  newest first, at most the limit asked
     * @param scanned  how many records were looked at
     * @param complete false when the read time or scan budget ended the read before every partition answered in full
     */
    public record Tail(List<ConsumerRecord<byte[], byte[]>> records, long scanned, boolean complete) {
        public Tail {
            records = List.copyOf(records);
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;

    /**
     * @param clientOverrides Kafka client settings applied first (security, say); bootstrap, isolation and offsets
     *                        are this reader's
     */
    public TopicTail(String bootstrapServers, Map<String, Object> clientOverrides, String clientId) {
        requireNonNull(bootstrapServers, "bootstrapServers");
        Map<String, Object> props = new HashMap<>(requireNonNull(clientOverrides, "clientOverrides"));
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, requireNonNull(clientId, "clientId"));
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * At most {@code limit} of the newest records of {@code topic} that {@code keep} accepts, newest first.
     *
     * @throws IllegalArgumentException if {@code limit} is not positive
     * @throws RetryLaterException       when the broker does not answer the topic's partitions or offsets within
     *                                   {@link #READ_TIME} (a busy or restarting broker: expected, so a 503 and a line
     *                                   at DEBUG, not a 500 with a stack trace)
     */
    public synchronized Tail latest(String topic, int limit, Predicate<ConsumerRecord<byte[], byte[]>> keep) {
        requireNonNull(topic, "topic");
        requireNonNull(keep, "keep");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        try {
            return read(topic, limit, keep);
        } catch (TimeoutException slow) {
            LOG.debug("{} not read: {}", topic, slow.toString());
            throw RetryLaterException.notReady("the broker did not answer " + topic + "'s offsets within "
                    + READ_TIME.toMillis() + " ms; retry in a second");
        }
    }

    private Tail read(String topic, int limit, Predicate<ConsumerRecord<byte[], byte[]>> keep) {
        long deadline = System.nanoTime() + READ_TIME.toNanos();
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, READ_TIME)) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, READ_TIME);
        Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions, READ_TIME);
        List<ConsumerRecord<byte[], byte[]>> kept = new ArrayList<>();
        long scanned = 0;
        boolean complete = true;
        for (TopicPartition partition : partitions) {
            long begin = begins.getOrDefault(partition, 0L);
            long end = ends.getOrDefault(partition, 0L);
            int found = 0;
            long slice = limit;
            long read = 0;
            // Backwards in slices that double: a test most records pass ends after one slice of `limit`.
            while (end > begin && found < limit) {
                if (read >= MAX_SCANNED_PER_PARTITION || System.nanoTime() > deadline) {
                    complete = false;
                    break;
                }
                long start = Math.max(begin, end - slice);
                Slice got = slice(partition, start, end, keep, deadline);
                kept.addAll(got.kept());
                found += got.kept().size();
                read += got.scanned();
                if (!got.complete()) {
                    complete = false;
                    break;
                }
                end = start;
                slice = Math.min(slice * 2, MAX_SCANNED_PER_PARTITION);
            }
            scanned += read;
        }
        consumer.assign(List.of());
        kept.sort(Comparator.comparingLong((ConsumerRecord<byte[], byte[]> r) -> r.timestamp())
                .thenComparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset)
                .reversed());
        return new Tail(kept.size() > limit ? kept.subList(0, limit) : kept, scanned, complete);
    }

    private record Slice(List<ConsumerRecord<byte[], byte[]>> kept, long scanned, boolean complete) {
    }

    /** The records of {@code [start, end)} of one partition that pass {@code keep}. */
    private Slice slice(TopicPartition partition, long start, long end, Predicate<ConsumerRecord<byte[], byte[]>> keep,
                        long deadline) {
        consumer.assign(List.of(partition));
        consumer.seek(partition, start);
        List<ConsumerRecord<byte[], byte[]>> kept = new ArrayList<>();
        long scanned = 0;
        // Done once the position reached the end (transaction markers and aborted records have offsets but no record).
        while (consumer.position(partition, READ_TIME) < end) {
            if (System.nanoTime() > deadline) {
                return new Slice(kept, scanned, false);
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                if (record.offset() >= end) {
                    break;
                }
                scanned++;
                if (keep.test(record)) {
                    kept.add(record);
                }
            }
        }
        return new Slice(kept, scanned, true);
    }

    @Override
    public synchronized void close() {
        consumer.close(Duration.ofSeconds(1));
    }
}
