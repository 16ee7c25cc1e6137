package io.spectracache.serialization;

import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A serde that is its own serializer and deserializer, with nothing to configure and nothing to release: what every
 * binary store format of ours is. A subclass writes {@link #serialize} and {@link #deserialize} only; it must be
 * stateless (so thread-safe), since Kafka Streams shares one instance between tasks.
 *
 * @param <T> the type stored
 */
public abstract class StatelessSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {
    @Override
    public final Serializer<T> serializer() {
        return this;
    }

    @Override
    public final Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public final void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure
    }

    @Override
    public final void close() {
        // nothing to release
    }
}
