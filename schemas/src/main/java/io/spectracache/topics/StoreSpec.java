package io.spectracache.topics;

import static java.util.Objects.requireNonNull;

import org.apache.kafka.common.serialization.Serde;

/**
 * A state store with its serdes, declared once by the capability that owns it (for example
 * {@code DeviceStateTopology.STORE}) and used both to build the store and to query it.
 */
public record StoreSpec<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
    public StoreSpec {
        requireNonNull(name, "name");
        requireNonNull(keySerde, "keySerde");
        requireNonNull(valueSerde, "valueSerde");
        if (!name.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("store names are lower-case words joined by '-': " + name);
        }
    }
}
