package io.spectracache.spatial;

import io.spectracache.serialization.Varints;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The stored formats of the spatial stores, each starting with a version byte (1) so a newer writer is refused, never
 * misread. Numbers are big-endian; doubles IEEE 754 bits; strings a uvarint byte length and UTF-8.
 *
 * <pre>
 * IndexedPosition (spatial-index values):           version · lat f64 · lon f64 · ts i64 · tenant (uvarint length + 1,
 *                                                    0 for none, then UTF-8) · uvarint n · n × (name string · value string)
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
        /** Where the position's fixed fields end (version, lat, lon, ts): the tenant starts here. */
        static final int FIXED_BYTES = 25;

        @Override
        public byte[] serialize(String topic, IndexedPosition value) {
            if (value == null) {
                return null;
            }
            byte[] tenant = value.tenant() == null ? null : value.tenant().getBytes(StandardCharsets.UTF_8);
            int size = FIXED_BYTES + Varints.sizeOfUnsignedVarint(tenant == null ? 0 : tenant.length + 1)
                    + (tenant == null ? 0 : tenant.length) + Varints.sizeOfUnsignedVarint(value.attributes().size());
            List<byte[]> strings = new ArrayList<>(value.attributes().size() * 2);
            // By name: the same position always gives the same bytes (immutable maps iterate in a per-JVM order).
            Map<String, String> sorted = value.attributes().size() > 1 ? new java.util.TreeMap<>(value.attributes())
                    : value.attributes();
            for (Map.Entry<String, String> attribute : sorted.entrySet()) {
                byte[] name = attribute.getKey().getBytes(StandardCharsets.UTF_8);
                byte[] text = attribute.getValue().getBytes(StandardCharsets.UTF_8);
                strings.add(name);
                strings.add(text);
                size += Varints.sizeOfUnsignedVarint(name.length) + name.length + Varints.sizeOfUnsignedVarint(text.length)
                        + text.length;
            }
            ByteBuffer out = ByteBuffer.allocate(size).put(VERSION).putDouble(value.lat()).putDouble(value.lon())
                    .putLong(value.ts());
            if (tenant == null) {
                Varints.writeUnsignedVarint(0, out);
            } else {
                Varints.writeUnsignedVarint(tenant.length + 1, out);
                out.put(tenant);
            }
            Varints.writeUnsignedVarint(value.attributes().size(), out);
            for (byte[] string : strings) {
                Varints.writeUnsignedVarint(string.length, out);
                out.put(string);
            }
            return out.array();
        }

        @Override
        public IndexedPosition deserialize(String topic, byte[] data) {
            if (data == null) {
                return null;
            }
            return read(data, "indexed position", in -> {
                double lat = in.getDouble();
                double lon = in.getDouble();
                long ts = in.getLong();
                String[] tenantAndAttributes = new String[1];
                Map<String, String> attributes = readTenantAndAttributes(in, tenantAndAttributes);
                return new IndexedPosition(lat, lon, ts, tenantAndAttributes[0], attributes);
            });
        }

        /** Reads what follows the fixed fields: the tenant (into {@code tenant[0]}) and the attributes. */
        static Map<String, String> readTenantAndAttributes(ByteBuffer in, String[] tenant) {
            int tenantLength = Varints.readUnsignedVarint(in);
            if (tenantLength < 0 || tenantLength - 1 > in.remaining()) {
                throw new SerializationException("a tenant of " + (tenantLength - 1) + " bytes exceeds the record");
            }
            if (tenantLength > 0) {
                tenant[0] = new String(in.array(), in.arrayOffset() + in.position(), tenantLength - 1, StandardCharsets.UTF_8);
                in.position(in.position() + tenantLength - 1);
            }
            int n = Varints.readUnsignedVarint(in);
            if (n < 0 || n > in.remaining()) {
                throw new SerializationException("position claims " + n + " attributes in " + in.remaining() + " bytes");
            }
            if (n == 0) {
                return Map.of();
            }
            Map<String, String> attributes = new java.util.HashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                attributes.put(readString(in), readString(in));
            }
            return Map.copyOf(attributes);
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
