package io.spectracache.ingest;

import static java.util.Objects.requireNonNull;

import io.spectracache.events.DeviceEvent;
import io.spectracache.serialization.DeviceEventSerde;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A valid event on its way through ingest, with its {@code spectra.events} bytes when they are already known: the
 * raw record's own bytes when they are in the canonical form (see {@link EventValidator}), or the bytes read from the
 * repartition topic (written in that form). Lives inside ingest's sub-topology only.
 *
 * @param event the parsed event; never null
 * @param json  the event in the canonical form, or null if it must still be encoded
 */
record Validated(DeviceEvent event, byte[] json) {
    Validated {
        requireNonNull(event, "event");
    }

    /** The canonical bytes: the known ones, else encoded now. */
    byte[] canonicalJson() {
        return json != null ? json : DeviceEventSerde.INSTANCE.serialize(null, event);
    }

    /**
     * The repartition topic's serde: writes the canonical bytes (encoding only if they are not known yet) and reads
     * them back keeping them, so an event that crossed the repartition is not encoded again for {@code spectra.events}.
     */
    static final class RepartitionSerde implements Serde<Validated>, Serializer<Validated>, Deserializer<Validated> {
        static final RepartitionSerde INSTANCE = new RepartitionSerde();

        @Override
        public byte[] serialize(String topic, Validated validated) {
            return validated == null ? null : validated.canonicalJson();
        }

        @Override
        public Validated deserialize(String topic, byte[] data) {
            return data == null ? null : new Validated(DeviceEventSerde.INSTANCE.deserialize(topic, data), data);
        }

        @Override
        public void configure(Map<String, ?> configs, boolean isKey) {
            // Nothing to configure.
        }

        @Override
        public Serializer<Validated> serializer() {
            return this;
        }

        @Override
        public Deserializer<Validated> deserializer() {
            return this;
        }

        @Override
        public void close() {
            // Stateless.
        }
    }
}
