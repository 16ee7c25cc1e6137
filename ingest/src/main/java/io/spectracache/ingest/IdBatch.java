package io.spectracache.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.spectracache.serialization.StatelessSerde;
import io.spectracache.serialization.Varints;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The event ids one device sent (and that were written to {@code spectra.events}) during one commit interval, with
 * the time each reached Kafka: one record of the de-duplication store ({@link DedupStore}), so a commit writes one
 * changelog record per device it touched, not one per event.
 *
 * <p>Wire format 1 ({@link Serde}): a version byte {@code 1}, the count as an unsigned varint, then per id its
 * receipt time as a zig-zag varlong and its UTF-8 bytes prefixed by their length as an unsigned varint.
 *
 * @param ids        the event ids, in the order they were written; never null, no null element
 * @param receivedAt the receipt time of each id, same length as {@code ids}
 */
record IdBatch(String[] ids, long[] receivedAt) {
    static final byte FORMAT = 1;

    IdBatch {
        requireNonNull(ids, "ids");
        requireNonNull(receivedAt, "receivedAt");
        if (ids.length != receivedAt.length) {
            throw new IllegalArgumentException(ids.length + " ids but " + receivedAt.length + " receipt times");
        }
    }

    int size() {
        return ids.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IdBatch batch && Arrays.equals(ids, batch.ids) && Arrays.equals(receivedAt, batch.receivedAt);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + Arrays.hashCode(receivedAt);
    }

    @Override
    public String toString() {
        return "IdBatch" + Arrays.toString(ids) + " at " + Arrays.toString(receivedAt);
    }

    /** Whether {@code eventId} is in this batch with a receipt time at most {@code windowMs} from {@code at}. */
    boolean contains(String eventId, long at, long windowMs) {
        for (int i = 0; i < ids.length; i++) {
            if (Math.abs(receivedAt[i] - at) <= windowMs && ids[i].equals(eventId)) {
                return true;
            }
        }
        return false;
    }

    /** The store's serde: stateless, thread-safe. */
    static final class Serde extends StatelessSerde<IdBatch> {
        static final Serde INSTANCE = new Serde();

        @Override
        public byte[] serialize(String topic, IdBatch batch) {
            if (batch == null) {
                return null;
            }
            byte[][] utf8 = new byte[batch.ids.length][];
            int size = 1 + Varints.sizeOfUnsignedVarint(batch.ids.length);
            for (int i = 0; i < utf8.length; i++) {
                utf8[i] = batch.ids[i].getBytes(UTF_8);
                size += Varints.sizeOfVarlong(batch.receivedAt[i]) + Varints.sizeOfUnsignedVarint(utf8[i].length) + utf8[i].length;
            }
            ByteBuffer out = ByteBuffer.allocate(size);
            out.put(FORMAT);
            Varints.writeUnsignedVarint(utf8.length, out);
            for (int i = 0; i < utf8.length; i++) {
                Varints.writeVarlong(batch.receivedAt[i], out);
                Varints.writeUnsignedVarint(utf8[i].length, out);
                out.put(utf8[i]);
            }
            return out.array();
        }

        @Override
        public IdBatch deserialize(String topic, byte[] data) {
            if (data == null) {
                return null;
            }
            try {
                ByteBuffer in = ByteBuffer.wrap(data);
                byte format = in.get();
                if (format != FORMAT) {
                    throw new SerializationException("unknown de-duplication batch format " + format);
                }
                int count = Varints.readUnsignedVarint(in);
                if (count < 0 || count > data.length) {
                    throw new SerializationException("de-duplication batch claims " + count + " ids in " + data.length + " bytes");
                }
                String[] ids = new String[count];
                long[] times = new long[count];
                for (int i = 0; i < count; i++) {
                    times[i] = Varints.readVarlong(in);
                    int length = Varints.readUnsignedVarint(in);
                    if (length < 0 || length > in.remaining()) {
                        throw new SerializationException("de-duplication batch id of " + length + " bytes runs past the record");
                    }
                    ids[i] = new String(data, in.position(), length, UTF_8);
                    in.position(in.position() + length);
                }
                if (in.hasRemaining()) {
                    throw new SerializationException(in.remaining() + " bytes after the last id of a de-duplication batch");
                }
                return new IdBatch(ids, times);
            } catch (BufferUnderflowException e) {
                throw new SerializationException("truncated de-duplication batch", e);
            }
        }
    }
}
