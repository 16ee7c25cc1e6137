package io.spectracache.query;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JavaType;
import io.spectracache.serialization.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Serde;

/**
 * How a query's parameters or answer cross between instances. JSON for parameters and merged results; a store's own
 * binary serde for values read straight from a store (exact and cheaper than JSON).
 *
 * <pre>{@code Codec<DeviceState> codec = Codec.serde(DeviceStateTopology.STORE.valueSerde());}</pre>
 */
public interface Codec<T> {
    byte[] encode(T value);

    /**
     * @throws IllegalArgumentException if the bytes are not a {@code T}
     */
    T decode(byte[] bytes);

    /** JSON through the shared mapper. */
    static <T> Codec<T> json(Class<T> type) {
        return json(Json.mapper().constructType(requireNonNull(type, "type")));
    }

    /** JSON through the shared mapper, for generic types. */
    static <T> Codec<T> json(JavaType type) {
        requireNonNull(type, "type");
        return new Codec<>() {
            @Override
            public byte[] encode(T value) {
                try {
                    return Json.mapper().writeValueAsBytes(value);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public T decode(byte[] bytes) {
                try {
                    return Json.mapper().readValue(bytes, type);
                } catch (IOException e) {
                    throw new IllegalArgumentException("not a " + type + ": " + e.getMessage(), e);
                }
            }
        };
    }

    /** A Kafka serde (a store's value serde, say). */
    static <T> Codec<T> serde(Serde<T> serde) {
        requireNonNull(serde, "serde");
        return new Codec<>() {
            @Override
            public byte[] encode(T value) {
                return serde.serializer().serialize("", value);
            }

            @Override
            public T decode(byte[] bytes) {
                try {
                    return serde.deserializer().deserialize("", bytes);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("not a stored value: " + e.getMessage(), e);
                }
            }
        };
    }
}
