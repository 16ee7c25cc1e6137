package io.spectracache.keyvalue;

import static java.util.Objects.requireNonNull;

import io.spectracache.consistency.ConsistencyToken;
import io.spectracache.errors.RetryLaterException;
import io.spectracache.errors.WriteRejectedException;
import io.spectracache.topics.KvWriteHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Writes to the key-value cache by appending to {@code spectra.kv.writes}: a write is durable once Kafka
 * acknowledged it (acks=all), and the cache topology applies it in order. The answer is a
 * {@link ConsistencyToken} a later read can wait for.
 *
 * <pre>{@code ConsistencyToken token = writer.put("greeting", bytes, "text/plain", Duration.ofMinutes(5));}</pre>
 */
public final class CacheWriter {
    private final Producer<String, byte[]> producer;
    private final String topic;
    private final Duration timeout;

    /** The producer stays the caller's to close. */
    public CacheWriter(Producer<String, byte[]> producer, String topic, Duration timeout) {
        this.producer = requireNonNull(producer, "producer");
        this.topic = requireNonNull(topic, "topic");
        this.timeout = requireNonNull(timeout, "timeout");
    }

    /**
     * Stores {@code value} under {@code key}, replacing what was there.
     *
     * @param contentType may be null
     * @param ttl         null or zero: never expires
     */
    public ConsistencyToken put(String key, byte[] value, String contentType, Duration ttl) {
        requireNonNull(value, "value");
        List<Header> headers = new ArrayList<>(2);
        if (ttl != null && !ttl.isZero()) {
            headers.add(new RecordHeader(KvWriteHeaders.TTL_SECONDS, Long.toString(ttl.toSeconds()).getBytes(StandardCharsets.US_ASCII)));
        }
        if (contentType != null && !contentType.isBlank()) {
            headers.add(new RecordHeader(KvWriteHeaders.CONTENT_TYPE, contentType.getBytes(StandardCharsets.UTF_8)));
        }
        return send(new ProducerRecord<>(topic, null, System.currentTimeMillis(), key, value, headers));
    }

    /** Removes {@code key}; removing an absent key is not an error. */
    public ConsistencyToken delete(String key) {
        return send(new ProducerRecord<String, byte[]>(topic, null, System.currentTimeMillis(), key, null));
    }

    private ConsistencyToken send(ProducerRecord<String, byte[]> record) {
        requireNonNull(record.key(), "key");
        try {
            RecordMetadata written = producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return ConsistencyToken.of(written.topic(), written.partition(), written.offset());
        } catch (TimeoutException e) {
            throw RetryLaterException.notReady("Kafka did not acknowledge the write within " + timeout.toMillis() + " ms; it may or may not apply");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RecordTooLargeException) {
                throw WriteRejectedException.tooLarge("the write is larger than Kafka accepts on " + topic
                        + "; store a smaller value", cause);
            }
            if (cause instanceof RetriableException) {
                throw RetryLaterException.notReady("Kafka could not take the write now (" + cause.getClass().getSimpleName()
                        + "); it did not apply, retry");
            }
            throw WriteRejectedException.refused("Kafka refused the write for good (" + cause.getClass().getSimpleName()
                    + "); it did not apply and will not as it is", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RetryLaterException.notReady("interrupted while writing");
        }
    }
}
