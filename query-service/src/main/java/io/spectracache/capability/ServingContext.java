package io.spectracache.capability;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.query.QueryService;
import io.spectracache.query.TopicTail;
import java.time.Duration;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.config.AbstractConfig;

/**
 * What a capability's serving half gets: the instance's settings, the query service, meters, the shared
 * acknowledged-writes producer, and the topics of this deployment.
 *
 * @param settings     every setting of the instance, the capability's fragment included
 * @param queries      answers queries wherever they arrive
 * @param writes       an idempotent producer with {@code acks=all}, shared by capabilities that accept writes;
 *                     owned by the instance
 * @param writeTimeout how long a write waits for Kafka's acknowledgement before it answers "retry later"
 * @param topicTail    reads the newest records of a topic (read committed, no consumer group); owned by the instance
 */
public record ServingContext(AbstractConfig settings, QueryService queries, MeterRegistry meters,
                             Producer<String, byte[]> writes, Duration writeTimeout, String topicPrefix,
                             TopicTail topicTail) {
    public ServingContext {
        requireNonNull(settings, "settings");
        requireNonNull(queries, "queries");
        requireNonNull(meters, "meters");
        requireNonNull(writes, "writes");
        requireNonNull(writeTimeout, "writeTimeout");
        requireNonNull(topicPrefix, "topicPrefix");
        requireNonNull(topicTail, "topicTail");
    }
}
