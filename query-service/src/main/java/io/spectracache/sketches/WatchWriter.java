package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import io.spectracache.errors.RetryLaterException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes watch-list items to their compacted topics, as a Kafka client would ({@code kcat -P -t spectra.watch.stolen
 * -K:}): a record keyed by the item adds it, a tombstone removes it. A write is done once Kafka acknowledged every
 * record (acks=all); the list applies it on every instance within about a second after that.
 */
final class WatchWriter {
    /** What a write did. */
    record Written(String watch, String topic, int items, String operation) {
    }

    private final Producer<String, byte[]> producer;
    private final String topicPrefix;
    private final Duration timeout;

    /** The producer stays the caller's to close. */
    WatchWriter(Producer<String, byte[]> producer, String topicPrefix, Duration timeout) {
        this.producer = requireNonNull(producer, "producer");
        this.topicPrefix = requireNonNull(topicPrefix, "topicPrefix");
        this.timeout = requireNonNull(timeout, "timeout");
    }

    /** Adds {@code items}: the value of each record is the time it was added (any non-null value adds). */
    Written add(WatchDefinition watch, List<String> items) {
        String topic = watch.topic().name(topicPrefix);
        byte[] added = Instant.now().toString().getBytes(StandardCharsets.UTF_8);
        List<Future<RecordMetadata>> sent = new ArrayList<>(items.size());
        for (String item : items) {
            sent.add(producer.send(new ProducerRecord<>(topic, item, added)));
        }
        await(sent);
        return new Written(watch.name(), topic, items.size(), "added");
    }

    /** Removes {@code item} (a tombstone; removing an absent item is not an error). */
    Written remove(WatchDefinition watch, String item) {
        String topic = watch.topic().name(topicPrefix);
        await(List.of(producer.send(new ProducerRecord<>(topic, item, null))));
        return new Written(watch.name(), topic, 1, "removed");
    }

    private void await(List<Future<RecordMetadata>> sent) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (Future<RecordMetadata> write : sent) {
                write.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            throw RetryLaterException.notReady("Kafka did not acknowledge the watch-list write within "
                    + timeout.toMillis() + " ms; some items may or may not apply: send them again");
        } catch (ExecutionException e) {
            throw RetryLaterException.notReady("Kafka did not take the watch-list write ("
                    + e.getCause().getClass().getSimpleName() + "); send the items again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RetryLaterException.notReady("interrupted while writing");
        }
    }
}
