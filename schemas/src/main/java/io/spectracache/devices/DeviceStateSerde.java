package io.spectracache.devices;

import io.spectracache.events.DeviceEvent;
import io.spectracache.events.GeoPoint;
import io.spectracache.serialization.Varints;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The binary form of a {@link DeviceState} in the {@code device-state} store and its changelog. It is read and
 * written once per event on the ingest path, where it costs a fraction of JSON (see
 * {@code DeviceStateSerdeBenchmarkTest}); the REST layer still answers JSON. Stateless and thread-safe.
 *
 * <p>Format version 1. {@code string} = unsigned varint length + UTF-8; {@code instant} = zig-zag varlong epoch
 * seconds + unsigned varint nanoseconds; {@code double} = 8 bytes IEEE 754 big-endian; varints as in Kafka's
 * record format. Map entries are written in key order, so equal states always give equal bytes.
 * <pre>
 * byte     version = 1
 * string   deviceId
 * instant  firstSeen, lastSeen
 * varlong  eventCount
 * byte     flags      bit 0: location follows
 * [double lat, double lon]
 * uvarint  metric count, then per metric: string name, double value, instant at
 * -- lastEvent --
 * byte     flags      bit 0 eventId, bit 1 tenant, bit 2 location, bit 3 deviceId differs from the state's
 * [string deviceId] instant ts [string eventId] [string tenant]
 * uvarint  metric count, then per metric: string name, double value
 * [double lat, double lon]
 * uvarint  attribute count, then per attribute: string name, string value
 * </pre>
 * Unknown versions or flags are rejected with Kafka's {@link SerializationException}; a new format gets a new
 * version number and version 1 stays readable ({@code DeviceStateSerdeTest} decodes a committed golden file).
 */
public final class DeviceStateSerde implements Serde<DeviceState>, Serializer<DeviceState>, Deserializer<DeviceState> {
    public static final byte VERSION_1 = 1;
    private static final int HAS_LOCATION = 1;
    private static final int EVENT_HAS_ID = 1;
    private static final int EVENT_HAS_TENANT = 2;
    private static final int EVENT_HAS_LOCATION = 4;
    private static final int EVENT_HAS_OWN_DEVICE_ID = 8;
    private static final int EVENT_FLAGS = EVENT_HAS_ID | EVENT_HAS_TENANT | EVENT_HAS_LOCATION | EVENT_HAS_OWN_DEVICE_ID;

    @Override
    public byte[] serialize(String topic, DeviceState state) {
        if (state == null) {
            return null;
        }
        Writer out = new Writer();
        out.writeByte(VERSION_1);
        out.writeString(state.deviceId());
        out.writeInstant(state.firstSeen());
        out.writeInstant(state.lastSeen());
        out.writeVarlong(state.eventCount());
        out.writeByte(state.location() == null ? 0 : HAS_LOCATION);
        out.writeLocation(state.location());
        String[] metricNames = sortedKeys(state.metrics());
        out.writeUnsignedVarint(metricNames.length);
        for (String name : metricNames) {
            MetricReading reading = state.metrics().get(name);
            out.writeString(name);
            out.writeDouble(reading.value());
            out.writeInstant(reading.at());
        }

        DeviceEvent event = state.lastEvent();
        boolean ownDeviceId = !event.deviceId().equals(state.deviceId());
        out.writeByte((event.eventId() == null ? 0 : EVENT_HAS_ID)
                | (event.tenant() == null ? 0 : EVENT_HAS_TENANT)
                | (event.location() == null ? 0 : EVENT_HAS_LOCATION)
                | (ownDeviceId ? EVENT_HAS_OWN_DEVICE_ID : 0));
        if (ownDeviceId) {
            out.writeString(event.deviceId());
        }
        out.writeInstant(event.ts());
        if (event.eventId() != null) {
            out.writeString(event.eventId());
        }
        if (event.tenant() != null) {
            out.writeString(event.tenant());
        }
        String[] eventMetricNames = sortedKeys(event.metrics());
        out.writeUnsignedVarint(eventMetricNames.length);
        for (String name : eventMetricNames) {
            out.writeString(name);
            out.writeDouble(event.metrics().get(name));
        }
        out.writeLocation(event.location());
        String[] attributeNames = sortedKeys(event.attributes());
        out.writeUnsignedVarint(attributeNames.length);
        for (String name : attributeNames) {
            out.writeString(name);
            out.writeString(event.attributes().get(name));
        }
        return out.toByteArray();
    }

    /**
     * Exactly {@code serialize(topic, state).length}, computed without encoding: the processor checks every state
     * against its byte limit before storing it, and encoding twice per event would cost a third of the fold.
     */
    public int encodedSize(DeviceState state) {
        int size = 1 + sizeOfString(state.deviceId()) + sizeOfInstant(state.firstSeen())
                + sizeOfInstant(state.lastSeen()) + Varints.sizeOfVarlong(state.eventCount()) + 1
                + (state.location() == null ? 0 : 2 * Double.BYTES)
                + Varints.sizeOfUnsignedVarint(state.metrics().size());
        for (Map.Entry<String, MetricReading> metric : state.metrics().entrySet()) {
            size += metricSize(metric.getKey(), metric.getValue());
        }
        return size + lastEventSize(state);
    }

    /** The bytes one entry of the state's metrics takes (its count prefix aside). */
    public static int metricSize(String name, MetricReading reading) {
        return sizeOfString(name) + Double.BYTES + sizeOfInstant(reading.at());
    }

    private static int lastEventSize(DeviceState state) {
        DeviceEvent event = state.lastEvent();
        int size = 1 + (event.deviceId().equals(state.deviceId()) ? 0 : sizeOfString(event.deviceId()))
                + sizeOfInstant(event.ts())
                + (event.eventId() == null ? 0 : sizeOfString(event.eventId()))
                + (event.tenant() == null ? 0 : sizeOfString(event.tenant()))
                + Varints.sizeOfUnsignedVarint(event.metrics().size())
                + (event.location() == null ? 0 : 2 * Double.BYTES)
                + Varints.sizeOfUnsignedVarint(event.attributes().size());
        for (String name : event.metrics().keySet()) {
            size += sizeOfString(name) + Double.BYTES;
        }
        for (Map.Entry<String, String> attribute : event.attributes().entrySet()) {
            size += sizeOfString(attribute.getKey()) + sizeOfString(attribute.getValue());
        }
        return size;
    }

    private static int sizeOfInstant(Instant value) {
        return Varints.sizeOfVarlong(value.getEpochSecond()) + Varints.sizeOfUnsignedVarint(value.getNano());
    }

    private static int sizeOfString(String value) {
        int utf8 = utf8Length(value);
        return Varints.sizeOfUnsignedVarint(utf8) + utf8;
    }

    /**
     * The UTF-8 length of {@code value} as {@link String#getBytes} encodes it: a lone surrogate becomes one
     * replacement byte ('?'), like the JDK's encoder does.
     */
    public static int utf8Length(String value) {
        int length = value.length();
        int bytes = length;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1))) {
                bytes += 2; // four bytes for the pair, which counted two so far
                i++;
            } else if (Character.isSurrogate(c)) {
                continue; // a lone surrogate is encoded as '?'
            } else {
                bytes += 2;
            }
        }
        return bytes;
    }

    @Override
    public DeviceState deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            Reader in = new Reader(data);
            byte version = in.buffer.get();
            if (version != VERSION_1) {
                throw new SerializationException("unknown DeviceState format version " + version);
            }
            String deviceId = in.readString();
            Instant firstSeen = in.readInstant();
            Instant lastSeen = in.readInstant();
            long eventCount = Varints.readVarlong(in.buffer);
            int flags = in.readFlags(HAS_LOCATION);
            GeoPoint location = (flags & HAS_LOCATION) != 0 ? in.readLocation() : null;
            int metricCount = in.readCount();
            Map<String, MetricReading> metrics = new HashMap<>(capacity(metricCount));
            for (int i = 0; i < metricCount; i++) {
                String name = in.readString();
                double value = in.buffer.getDouble();
                metrics.put(name, new MetricReading(value, in.readInstant()));
            }

            int eventFlags = in.readFlags(EVENT_FLAGS);
            String eventDeviceId = (eventFlags & EVENT_HAS_OWN_DEVICE_ID) != 0 ? in.readString() : deviceId;
            Instant ts = in.readInstant();
            String eventId = (eventFlags & EVENT_HAS_ID) != 0 ? in.readString() : null;
            String tenant = (eventFlags & EVENT_HAS_TENANT) != 0 ? in.readString() : null;
            int eventMetricCount = in.readCount();
            Map<String, Double> eventMetrics = new HashMap<>(capacity(eventMetricCount));
            for (int i = 0; i < eventMetricCount; i++) {
                String name = in.readString();
                eventMetrics.put(name, in.buffer.getDouble());
            }
            GeoPoint eventLocation = (eventFlags & EVENT_HAS_LOCATION) != 0 ? in.readLocation() : null;
            int attributeCount = in.readCount();
            Map<String, String> attributes = new HashMap<>(capacity(attributeCount));
            for (int i = 0; i < attributeCount; i++) {
                String name = in.readString();
                attributes.put(name, in.readString());
            }
            if (in.buffer.hasRemaining()) {
                throw new SerializationException("DeviceState has " + in.buffer.remaining() + " trailing bytes");
            }
            DeviceEvent lastEvent =
                    new DeviceEvent(eventDeviceId, ts, eventId, tenant, eventMetrics, eventLocation, attributes);
            return new DeviceState(deviceId, lastEvent, firstSeen, lastSeen, eventCount, metrics, location);
        } catch (BufferUnderflowException | IllegalArgumentException | DateTimeException | NullPointerException e) {
            throw new SerializationException("not a valid DeviceState: " + e, e);
        }
    }

    private static String[] sortedKeys(Map<String, ?> map) {
        String[] keys = map.keySet().toArray(new String[0]);
        if (keys.length > 1) {
            Arrays.sort(keys);
        }
        return keys;
    }

    private static int capacity(int entries) {
        return entries + entries / 3 + 1;
    }

    @Override
    public Serializer<DeviceState> serializer() {
        return this;
    }

    @Override
    public Deserializer<DeviceState> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // The format is fixed by its version byte: nothing to configure.
    }

    @Override
    public void close() {
        // Stateless.
    }

    /** A growable big-endian buffer: one per serialisation, because the serde is shared between stream threads. */
    private static final class Writer {
        private static final int MAX_VARLONG_BYTES = 10;
        private ByteBuffer buffer = ByteBuffer.allocate(256);

        void ensure(int bytes) {
            if (buffer.remaining() < bytes) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + bytes));
                buffer.flip();
                bigger.put(buffer);
                buffer = bigger;
            }
        }

        void writeByte(int value) {
            ensure(1);
            buffer.put((byte) value);
        }

        void writeUnsignedVarint(int value) {
            ensure(MAX_VARLONG_BYTES);
            Varints.writeUnsignedVarint(value, buffer);
        }

        void writeVarlong(long value) {
            ensure(MAX_VARLONG_BYTES);
            Varints.writeVarlong(value, buffer);
        }

        void writeDouble(double value) {
            ensure(Double.BYTES);
            buffer.putDouble(value);
        }

        void writeString(String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            writeUnsignedVarint(utf8.length);
            ensure(utf8.length);
            buffer.put(utf8);
        }

        void writeInstant(Instant value) {
            writeVarlong(value.getEpochSecond());
            writeUnsignedVarint(value.getNano());
        }

        void writeLocation(GeoPoint location) {
            if (location != null) {
                writeDouble(location.lat());
                writeDouble(location.lon());
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buffer.array(), buffer.position());
        }
    }

    private static final class Reader {
        final ByteBuffer buffer;

        Reader(byte[] data) {
            this.buffer = ByteBuffer.wrap(data);
        }

        String readString() {
            int length = readCount();
            String value = new String(buffer.array(), buffer.position(), length, StandardCharsets.UTF_8);
            buffer.position(buffer.position() + length);
            return value;
        }

        int readCount() {
            int count = Varints.readUnsignedVarint(buffer);
            // Every counted item takes at least one byte: a bigger count is corrupt, never a reason to allocate.
            if (count < 0 || count > buffer.remaining()) {
                throw new SerializationException("DeviceState count or length " + count + " exceeds the record");
            }
            return count;
        }

        int readFlags(int known) {
            int flags = buffer.get();
            if ((flags & ~known) != 0) {
                throw new SerializationException("unknown DeviceState flags " + flags);
            }
            return flags;
        }

        Instant readInstant() {
            long seconds = Varints.readVarlong(buffer);
            return Instant.ofEpochSecond(seconds, Varints.readUnsignedVarint(buffer));
        }

        GeoPoint readLocation() {
            double lat = buffer.getDouble();
            return new GeoPoint(lat, buffer.getDouble());
        }
    }
}
