package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import io.spectracache.consistency.ConsistencyToken;
import io.spectracache.errors.RetryLaterException;
import io.spectracache.errors.WriteRejectedException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Writes fences to the compacted {@code spectra.geofences} topic: a definition, or a tombstone that deletes one. A
 * write is durable once Kafka acknowledged it (acks=all); every instance then applies it, and the answer is a
 * {@link ConsistencyToken} a read can wait for ({@code GET /v1/geofences/{id}?after=}).
 */
final class GeofenceWriter {
    private final Producer<String, byte[]> producer;
    private final String topic;
    private final Duration timeout;

    /** The producer stays the caller's to close. */
    GeofenceWriter(Producer<String, byte[]> producer, String topic, Duration timeout) {
        this.producer = requireNonNull(producer, "producer");
        this.topic = requireNonNull(topic, "topic");
        this.timeout = requireNonNull(timeout, "timeout");
    }

    /** Stores a fence (its canonical JSON) under its id. */
    ConsistencyToken put(String id, byte[] fence) {
        return send(new ProducerRecord<>(topic, null, System.currentTimeMillis(), id, requireNonNull(fence, "fence")));
    }

    /** Deletes a fence; deleting an unknown one is not an error. */
    ConsistencyToken delete(String id) {
        return send(new ProducerRecord<String, byte[]>(topic, null, System.currentTimeMillis(), id, null));
    }

    private ConsistencyToken send(ProducerRecord<String, byte[]> record) {
        try {
            RecordMetadata written = producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return ConsistencyToken.of(written.topic(), written.partition(), written.offset());
        } catch (TimeoutException e) {
            throw RetryLaterException.notReady("Kafka did not acknowledge the fence write within " + timeout.toMillis()
                    + " ms; it may or may not apply");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RecordTooLargeException) {
                throw WriteRejectedException.tooLarge("the fence is larger than Kafka accepts on " + topic
                        + "; simplify its geometry", cause);
            }
            if (cause instanceof RetriableException) {
                throw RetryLaterException.notReady("Kafka could not take the fence write now ("
                        + cause.getClass().getSimpleName() + "); it did not apply, retry");
            }
            throw WriteRejectedException.refused("Kafka refused the fence write for good (" + cause.getClass().getSimpleName()
                    + "); it did not apply", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RetryLaterException.notReady("interrupted while writing");
        }
    }
}
