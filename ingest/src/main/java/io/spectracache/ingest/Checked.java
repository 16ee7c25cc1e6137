package io.spectracache.ingest;

import static java.util.Objects.requireNonNull;

import io.spectracache.serialization.StatelessSerde;
import org.apache.kafka.common.header.Headers;

/**
 * One raw record after validation, on its way to the split: either a {@link #valid()} event, or the original key and
 * value bytes of a rejected record (whose dead-letter headers already travel with the record).
 *
 * @param inPlace whether the raw record already sits on the partition its device id hashes to, so it skips the
 *                repartition hop
 */
record Checked(Validated valid, boolean inPlace, byte[] rawKey, byte[] rawValue) {
    static Checked valid(Validated valid, boolean inPlace) {
        return new Checked(requireNonNull(valid, "valid"), inPlace, null, null);
    }

    static Checked rejected(byte[] rawKey, byte[] rawValue) {
        return new Checked(null, false, rawKey, rawValue);
    }

    boolean isValid() {
        return valid != null;
    }

    /**
     * The serde of the {@code ingest-by-device} repartition topic (valid events only): the value is the event's
     * canonical JSON (the raw bytes when they already are, so nothing is encoded), and the receipt time travels in
     * the {@link ReceivedAt} header, added on the way in and taken off on the way out, so it never reaches
     * {@code spectra.events}. Events already in place never see this header.
     */
    static final class RepartitionSerde extends StatelessSerde<Checked> {
        static final RepartitionSerde INSTANCE = new RepartitionSerde();

        @Override
        public byte[] serialize(String topic, Checked checked) {
            return checked == null ? null : checked.valid().canonicalJson();
        }

        @Override
        public byte[] serialize(String topic, Headers headers, Checked checked) {
            if (checked != null && headers != null && checked.valid().receivedAt() != Validated.UNKNOWN) {
                ReceivedAt.set(headers, checked.valid().receivedAt());
            }
            return serialize(topic, checked);
        }

        @Override
        public Checked deserialize(String topic, byte[] data) {
            return deserialize(topic, null, data);
        }

        @Override
        public Checked deserialize(String topic, Headers headers, byte[] data) {
            if (data == null) {
                return null;
            }
            long receivedAt = headers == null ? Validated.UNKNOWN : ReceivedAt.take(headers, Validated.UNKNOWN);
            Validated validated = Validated.JsonSerde.INSTANCE.deserialize(topic, data);
            return valid(new Validated(validated.event(), data, receivedAt), true);
        }
    }
}
