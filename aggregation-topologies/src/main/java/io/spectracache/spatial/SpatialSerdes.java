package io.spectracache.spatial;

import io.spectracache.serialization.Varints;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The stored formats of the spatial stores, each starting with a version byte (1) so a newer writer is refused, never
 * misread. Numbers are big-endian; doubles IEEE 754 bits; strings a uvarint byte length and UTF-8.
 *
 * <pre>
 * IndexedPosition (spatial-index values, 25 bytes):  version · lat f64 · lon f64 · ts i64
 * DeviceEntry     (spatial-devices values):          version · cell i64 ·
 *                                                    uvarint n · n × (fenceId string · fenceVersion i64 ·
 *                                                    status u8 (0 entering, 1 inside, 2 exiting) · since i64 ·
 *                                                    enteredAt i64)
 * FenceMember     (spatial-fence-members values):    version · enteredAt i64 · fenceVersion i64
 * </pre>
 */
public final class SpatialSerdes {
    static final byte VERSION = 1;

    private SpatialSerdes() {
    }

    /** {@link IndexedPosition}. */
    public static final class IndexedPositionSerde implements Serde<IndexedPosition>, Serializer<IndexedPosition>,
            Deserializer<IndexedPosition> {
        @Override
        public byte[] serialize(String topic, IndexedPosition value) {
            if (value == null) {
                return null;
            }
            return ByteBuffer.allocate(25).put(VERSION).putDouble(value.lat()).putDouble(value.lon()).putLong(value.ts())
                    .array();
        }

        @Override
        public IndexedPosition deserialize(String topic, byte[] data) {
            if (data == null) {
                return null;
            }
            return read(data, "indexed position", in -> new IndexedPosition(in.getDouble(), in.getDouble(), in.getLong()));
        }

        @Override
        public void configure(java.util.Map<String, ?> configs, boolean isKey) {
            // Nothing to configure: the format is fixed.
        }

        @Override
        public void close() {
        }

        @Override
        public Serializer<IndexedPosition> serializer() {
            return this;
        }

        @Override
        public Deserializer<IndexedPosition> deserializer() {
            return this;
        }
    }

    /** {@link DeviceEntry}. */
    public static final class DeviceEntrySerde implements Serde<DeviceEntry>, Serializer<DeviceEntry>,
            Deserializer<DeviceEntry> {
        @Override
        public byte[] serialize(String topic, DeviceEntry value) {
            if (value == null) {
                return null;
            }
            int size = 1 + 8 + Varints.sizeOfUnsignedVarint(value.memberships().size());
            List<byte[]> ids = new ArrayList<>(value.memberships().size());
            for (FenceMembership membership : value.memberships()) {
                byte[] id = membership.fenceId().getBytes(StandardCharsets.UTF_8);
                ids.add(id);
                size += Varints.sizeOfUnsignedVarint(id.length) + id.length + 8 + 1 + 8 + 8;
            }
            ByteBuffer out = ByteBuffer.allocate(size).put(VERSION).putLong(value.cell());
            Varints.writeUnsignedVarint(value.memberships().size(), out);
            for (int i = 0; i < ids.size(); i++) {
                FenceMembership membership = value.memberships().get(i);
                Varints.writeUnsignedVarint(ids.get(i).length, out);
                out.put(ids.get(i)).putLong(membership.fenceVersion()).put((byte) membership.status().ordinal())
                        .putLong(membership.since()).putLong(membership.enteredAt());
            }
            return out.array();
        }

        @Override
        public DeviceEntry deserialize(String topic, byte[] data) {
            if (data == null) {
                return null;
            }
            return read(data, "device entry", in -> {
                long cell = in.getLong();
                int n = Varints.readUnsignedVarint(in);
                if (n < 0 || n > in.remaining()) {
                    throw new SerializationException("device entry claims " + n + " memberships in " + in.remaining()
                            + " bytes");
                }
                List<FenceMembership> memberships = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    String fenceId = readString(in);
                    long version = in.getLong();
                    int status = in.get();
                    if (status < 0 || status >= FenceMembership.Status.values().length) {
                        throw new SerializationException("unknown membership status " + status);
                    }
                    memberships.add(new FenceMembership(fenceId, version, FenceMembership.Status.values()[status],
                            in.getLong(), in.getLong()));
                }
                return new DeviceEntry(cell, memberships);
            });
        }

        @Override
        public void configure(java.util.Map<String, ?> configs, boolean isKey) {
            // Nothing to configure: the format is fixed.
        }

        @Override
        public void close() {
        }

        @Override
        public Serializer<DeviceEntry> serializer() {
            return this;
        }

        @Override
        public Deserializer<DeviceEntry> deserializer() {
            return this;
        }
    }

    /** {@link FenceMember}. */
    public static final class FenceMemberSerde implements Serde<FenceMember>, Serializer<FenceMember>,
            Deserializer<FenceMember> {
        @Override
        public byte[] serialize(String topic, FenceMember value) {
            if (value == null) {
                return null;
            }
            return ByteBuffer.allocate(17).put(VERSION).putLong(value.enteredAt()).putLong(value.fenceVersion()).array();
        }

        @Override
        public FenceMember deserialize(String topic, byte[] data) {
            if (data == null) {
                return null;
            }
            return read(data, "fence member", in -> new FenceMember(in.getLong(), in.getLong()));
        }

        @Override
        public void configure(java.util.Map<String, ?> configs, boolean isKey) {
            // Nothing to configure: the format is fixed.
        }

        @Override
        public void close() {
        }

        @Override
        public Serializer<FenceMember> serializer() {
            return this;
        }

        @Override
        public Deserializer<FenceMember> deserializer() {
            return this;
        }
    }

    private interface Reader<T> {
        T read(ByteBuffer in);
    }

    private static <T> T read(byte[] data, String what, Reader<T> reader) {
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            byte version = in.get();
            if (version != VERSION) {
                throw new SerializationException(what + " format version " + version + " is not " + VERSION
                        + " (written by a newer SpectraCache?)");
            }
            T value = reader.read(in);
            if (in.hasRemaining()) {
                throw new SerializationException(what + " has " + in.remaining() + " bytes after its end");
            }
            return value;
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new SerializationException("not a stored " + what + ": " + e.getMessage(), e);
        }
    }

    static String readString(ByteBuffer in) {
        int length = Varints.readUnsignedVarint(in);
        if (length < 0 || length > in.remaining()) {
            throw new SerializationException("a string of " + length + " bytes exceeds the record");
        }
        String text = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return text;
    }
}
