package io.spectracache.serialization;

import com.fasterxml.jackson.core.JsonGenerator;
import io.spectracache.events.DeviceEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The serde of {@code spectra.events}: the same JSON as {@link JsonSerde} writes for a {@link DeviceEvent} (same
 * fields, order and number format; a test holds the two to it), written field by field with Jackson's streaming
 * generator. Every ingested event is written once, so this skips databind's per-call lookups on the hot path.
 * Reading goes through databind, as it is rare (consumers of the topic, not the ingest path).
 *
 * <pre>{@code byte[] json = DeviceEventSerde.INSTANCE.serialize("spectra.events", event);}</pre>
 */
public final class DeviceEventSerde implements Serde<DeviceEvent>, Serializer<DeviceEvent>, Deserializer<DeviceEvent> {
    /** Stateless and thread-safe. */
    public static final DeviceEventSerde INSTANCE = new DeviceEventSerde();

    private static final JsonSerde<DeviceEvent> READER = JsonSerde.of(DeviceEvent.class);

    private DeviceEventSerde() {
    }

    @Override
    public byte[] serialize(String topic, DeviceEvent event) {
        if (event == null) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(320);
        try (JsonGenerator json = Json.mapper().getFactory().createGenerator(out)) {
            WireWriters.writeEvent(json, event);
        } catch (IOException e) {
            throw new SerializationException("cannot write DeviceEvent as JSON", e);
        }
        return out.toByteArray();
    }

    @Override
    public DeviceEvent deserialize(String topic, byte[] data) {
        return READER.deserialize(topic, data);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // Nothing to configure: the wire format is fixed.
    }

    @Override
    public Serializer<DeviceEvent> serializer() {
        return this;
    }

    @Override
    public Deserializer<DeviceEvent> deserializer() {
        return this;
    }

    @Override
    public void close() {
        // Stateless.
    }
}
