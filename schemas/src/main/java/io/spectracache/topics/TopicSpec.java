package io.spectracache.topics;

import static java.util.Objects.requireNonNull;

import org.apache.kafka.common.serialization.Serde;

/**
 * A topic of the v1 contract with its serdes. The full name is a deployment's prefix plus {@link #suffix()}:
 * {@code Topics.EVENTS.name("spectra.")} is {@code spectra.events}.
 *
 * @param compacted whether the topic keeps the latest record per key instead of a time window
 */
public record TopicSpec<K, V>(String suffix, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted) {
    public TopicSpec {
        requireNonNull(suffix, "suffix");
        requireNonNull(keySerde, "keySerde");
        requireNonNull(valueSerde, "valueSerde");
    }

    /** The topic's full name under a deployment prefix such as {@code "spectra."}. */
    public String name(String prefix) {
        return requireNonNull(prefix, "prefix") + suffix;
    }
}
