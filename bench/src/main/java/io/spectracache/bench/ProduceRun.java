package io.spectracache.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends pre-generated events as fast as one tuned producer can, and times it from the first {@code send} to the
 * end of {@code flush} (every record acknowledged).
 */
final class ProduceRun {
    private ProduceRun() {
    }

    /** Outcome of one produce run: how many records, how many bytes, how long. */
    record Result(long records, long bytes, long startNanos, long nanos) {
        double recordsPerSecond() {
            return records / seconds();
        }

        double megabytesPerSecond() {
            return bytes / 1e6 / seconds();
        }

        double seconds() {
            return nanos / 1e9;
        }
    }

    /**
     * The producer settings PLATFORM.md measured as the raw-Kafka ceiling on this kind of machine: acks=all,
     * idempotent, linger 5 ms, 256 KiB batches, lz4. Both the reference and the end-to-end run use exactly these.
     */
    static Map<String, Object> tunedProducer(String bootstrapServers, String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        return props;
    }

    static Producer<byte[], byte[]> producer(Map<String, Object> props) {
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Sends events {@code from} (inclusive) to {@code to} (exclusive) to {@code topic}, keyed by device, and waits
     * until all are acknowledged.
     *
     * @throws IllegalStateException if any record failed
     */
    static Result send(Producer<byte[], byte[]> producer, String topic, Events events, int from, int to) {
        AtomicLong failures = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        long bytes = 0;
        long start = System.nanoTime();
        for (int i = from; i < to; i++) {
            byte[] key = events.key(i);
            byte[] value = events.value(i);
            bytes += key.length + value.length;
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                if (error != null) {
                    failures.incrementAndGet();
                    firstFailure.compareAndSet(null, error);
                }
            });
        }
        producer.flush();
        long nanos = System.nanoTime() - start;
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " of " + (to - from) + " records to " + topic
                    + " failed, first: " + firstFailure.get(), firstFailure.get());
        }
        return new Result(to - from, bytes, start, nanos);
    }
}
