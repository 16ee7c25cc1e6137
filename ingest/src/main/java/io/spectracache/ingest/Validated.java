package io.spectracache.ingest;

import static java.util.Objects.requireNonNull;

import io.spectracache.events.DeviceEvent;
import io.spectracache.serialization.DeviceEventSerde;
import io.spectracache.serialization.StatelessSerde;

/**
 * A valid event on its way through ingest: the parsed event, its {@code spectra.events} bytes when they are already
 * known (the raw record's own bytes when they are in the canonical form of {@link EventValidator}, or the bytes read
 * from the repartition topic, written in that form), and the time the raw record reached Kafka, on which
 * de-duplication measures its window. Lives inside ingest's sub-topology only.
 *
 * @param event      the parsed event; never null
 * @param json       the event in the canonical form, or null if it must still be encoded
 * @param receivedAt the raw record's Kafka timestamp ({@link RawTimestampExtractor}), or {@link #UNKNOWN}
 */
record Validated(DeviceEvent event, byte[] json, long receivedAt) {
    /** No receipt time known (a repartition record without the header): de-duplication uses the record timestamp. */
    static final long UNKNOWN = Long.MIN_VALUE;

    Validated {
        requireNonNull(event, "event");
    }

    /** The canonical bytes: the known ones, else encoded now. */
    byte[] canonicalJson() {
        return json != null ? json : DeviceEventSerde.INSTANCE.serialize(null, event);
    }

    /**
     * The serde of {@code spectra.events} as ingest writes it: the canonical bytes, encoded only if they are not known
     * yet. Reading gives the event back with its bytes.
     */
    static final class JsonSerde extends StatelessSerde<Validated> {
        static final JsonSerde INSTANCE = new JsonSerde();

        @Override
        public byte[] serialize(String topic, Validated validated) {
            return validated == null ? null : validated.canonicalJson();
        }

        @Override
        public Validated deserialize(String topic, byte[] data) {
            return data == null ? null : new Validated(DeviceEventSerde.INSTANCE.deserialize(topic, data), data, UNKNOWN);
        }
    }
}
