package io.spectracache.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Instant;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A pre-generated, deterministic batch of device events (contract v1 JSON), keyed by device id, so that no
 * generation cost falls inside a measured phase and the raw-Kafka reference can send exactly the same bytes.
 *
 * <p>Event {@code i} belongs to device {@code i % devices}: devices are interleaved, every device gets
 * {@code events / devices} events, and each device's timestamps increase by one millisecond per event of the whole
 * batch. Event ids are unique (device, sequence and a random tail), so de-duplication drops nothing.
 *
 * <pre>{@code Events events = Events.generate(1_000_000, 1_000, 42L, Instant.now());}</pre>
 */
final class Events {
    private static final String[] REGIONS = {"eu-central", "eu-west", "us-east", "us-west", "ap-south"};
    private static final String[] FIRMWARE = {"1.2.3", "1.2.4", "1.3.0", "2.0.1"};

    private final String[] deviceIds;
    private final byte[][] deviceKeys;
    private final byte[][] values;
    private final long totalValueBytes;
    private final long firstMillis;

    private Events(String[] deviceIds, byte[][] deviceKeys, byte[][] values, long totalValueBytes, long firstMillis) {
        this.deviceIds = deviceIds;
        this.deviceKeys = deviceKeys;
        this.values = values;
        this.totalValueBytes = totalValueBytes;
        this.firstMillis = firstMillis;
    }

    /**
     * @param events  how many events; must be a multiple of {@code devices}
     * @param devices how many devices
     * @param seed    the same seed gives the same events (apart from timestamps)
     * @param now     the newest event is one millisecond before this instant
     */
    static Events generate(int events, int devices, long seed, Instant now) {
        return generate(events, devices, seed, now, DEVICE_PREFIX);
    }

    /** As {@link #generate(int, int, long, Instant)}, with device ids {@code <devicePrefix>000042}. */
    static Events generate(int events, int devices, long seed, Instant now, String devicePrefix) {
        if (devices <= 0 || events <= 0 || events % devices != 0) {
            throw new IllegalArgumentException("events (" + events + ") must be a positive multiple of devices (" + devices + ")");
        }
        String[] ids = new String[devices];
        byte[][] keys = new byte[devices][];
        for (int d = 0; d < devices; d++) {
            ids[d] = deviceId(devicePrefix, d);
            keys[d] = ids[d].getBytes(UTF_8);
        }
        SplittableRandom random = new SplittableRandom(seed);
        long firstMillis = now.toEpochMilli() - events;
        byte[][] values = new byte[events][];
        long total = 0;
        StringBuilder json = new StringBuilder(320);
        for (int i = 0; i < events; i++) {
            int device = i % devices;
            json.setLength(0);
            appendEvent(json, ids[device], Instant.ofEpochMilli(firstMillis + i), i / devices, device, random);
            values[i] = json.toString().getBytes(UTF_8);
            total += values[i].length;
        }
        return new Events(ids, keys, values, total, firstMillis);
    }

    static final String DEVICE_PREFIX = "bench-device-";

    static String deviceId(int device) {
        return deviceId(DEVICE_PREFIX, device);
    }

    static String deviceId(String prefix, int device) {
        return prefix + String.format(Locale.ROOT, "%06d", device);
    }

    private static void appendEvent(StringBuilder json, String deviceId, Instant ts, int sequence, int device,
                                    SplittableRandom random) {
        double lat = 48.0 + (device % 100) * 0.05 + random.nextDouble() * 0.01;
        double lon = 2.0 + (device / 100 % 100) * 0.05 + random.nextDouble() * 0.01;
        json.append("{\"deviceId\":\"").append(deviceId)
                .append("\",\"ts\":\"").append(ts)
                .append("\",\"eventId\":\"").append(deviceId).append('-').append(sequence).append('-')
                .append(Long.toHexString(random.nextLong() | Long.MIN_VALUE))
                .append("\",\"tenant\":\"acme\",\"metrics\":{\"temp\":").append(round2(15 + random.nextDouble() * 20))
                .append(",\"speed\":").append(round2(random.nextDouble() * 120))
                .append(",\"battery\":").append(round2(20 + random.nextDouble() * 80))
                .append(",\"rpm\":").append(round2(800 + random.nextDouble() * 3000))
                .append("},\"location\":{\"lat\":").append(round6(lat)).append(",\"lon\":").append(round6(lon))
                .append("},\"attributes\":{\"fw\":\"").append(FIRMWARE[device % FIRMWARE.length])
                .append("\",\"region\":\"").append(REGIONS[device % REGIONS.length]).append("\"}}");
    }

    private static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static double round6(double value) {
        return Math.round(value * 1_000_000) / 1_000_000.0;
    }

    int size() {
        return values.length;
    }

    int devices() {
        return deviceIds.length;
    }

    String[] deviceIds() {
        return deviceIds.clone();
    }

    /** The record key of event {@code i}: its device id. */
    byte[] key(int i) {
        return deviceKeys[i % deviceKeys.length];
    }

    byte[] value(int i) {
        return values[i];
    }

    /** The {@code ts} of event {@code i}, in epoch milliseconds. */
    long timestamp(int i) {
        return firstMillis + i;
    }

    /** The device index (in {@link #deviceIds()}) of event {@code i}. */
    int device(int i) {
        return i % deviceIds.length;
    }

    int eventsPerDevice() {
        return values.length / deviceIds.length;
    }

    long totalValueBytes() {
        return totalValueBytes;
    }

    double averageValueBytes() {
        return (double) totalValueBytes / values.length;
    }

    /** Key plus value bytes of all events: what a MB/s figure counts. */
    long totalPayloadBytes() {
        long keys = 0;
        for (byte[] key : deviceKeys) {
            keys += key.length;
        }
        return totalValueBytes + keys * eventsPerDevice();
    }
}
