package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import io.spectracache.serialization.StatelessSerde;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The stored form of {@link DeviceTails}, what {@code timeseries-open-tails} holds: each open series of one device
 * as its tail. Thread-safe.
 *
 * <p>Format version 2:
 * <pre>
 * byte     version = 2
 * uvarint  length + UTF-8 device id
 * uvarint  number of series, then per series: uvarint length + UTF-8 metric, then the series' tail in
 *          {@link OpenSeriesSerde}'s tail form
 * </pre>
 * Only series with something since their base are written: a series that has none is its base. Version 1, written
 * before, is the same with each tail's operations in {@link OpenLog}'s format 1 (every value as XOR bits); it is still
 * read, and its logs are encoded again in format 2 as they are read.
 */
public final class DeviceTailsSerde extends StatelessSerde<DeviceTails> {
    static final byte VERSION_1 = 1;
    static final byte VERSION_2 = 2;

    private final OpenSeriesSerde tails;

    /** @param tierNames the configured tiers, finest first */
    public DeviceTailsSerde(String... tierNames) {
        this.tails = new OpenSeriesSerde(requireNonNull(tierNames, "tierNames"));
    }

    @Override
    public byte[] serialize(String topic, DeviceTails device) {
        if (device == null) {
            return null;
        }
        synchronized (device) {
            ByteWriter out = new ByteWriter();
            out.put(VERSION_2);
            out.bytes(device.deviceId().getBytes(StandardCharsets.UTF_8));
            int withTails = 0;
            for (int i = 0; i < device.count(); i++) {
                OpenSeries series = device.seriesAt(i);
                synchronized (series) {
                    withTails += series.hasTail() ? 1 : 0;
                }
            }
            out.unsigned(withTails);
            for (int i = 0; i < device.count(); i++) {
                OpenSeries series = device.seriesAt(i);
                synchronized (series) {
                    if (series.hasTail()) {
                        out.bytes(device.metric(i).getBytes(StandardCharsets.UTF_8));
                        tails.writeTail(series, out);
                    }
                }
            }
            return out.toByteArray();
        }
    }

    @Override
    public DeviceTails deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            byte version = in.get();
            if (version != VERSION_1 && version != VERSION_2) {
                throw new SerializationException("unknown device-tails version " + version);
            }
            int logFormat = version == VERSION_1 ? OpenLog.FORMAT_1 : OpenLog.FORMAT_2;
            DeviceTails device = new DeviceTails(new String(OpenSeriesSerde.readBytes(in), StandardCharsets.UTF_8));
            synchronized (device) {
                int count = OpenSeriesSerde.count(in, "series");
                for (int i = 0; i < count; i++) {
                    String metric = new String(OpenSeriesSerde.readBytes(in), StandardCharsets.UTF_8);
                    if (device.indexOf(metric) >= 0) {
                        throw new SerializationException("device tails hold metric " + metric + " twice");
                    }
                    device.add(metric, tails.readTail(in, logFormat));
                }
            }
            if (in.hasRemaining()) {
                throw new SerializationException("device tails have " + in.remaining() + " bytes after their end");
            }
            return device;
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new SerializationException("not valid device tails: " + e.getMessage(), e);
        }
    }
}
