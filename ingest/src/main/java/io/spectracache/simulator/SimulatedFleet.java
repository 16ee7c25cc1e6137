package io.spectracache.simulator;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.spectracache.serialization.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * A deterministic fleet of devices around Berlin that produces one JSON event at a time: trucks and vans drive
 * along a heading at plausible speeds, burning fuel and battery; smart meters stay put and report voltage and
 * power. Every metric drifts as a random walk within physical bounds.
 *
 * <p>Given the same {@link SimulatorSettings#seed()} and the same sequence of {@code now} arguments, the bytes are
 * identical: tests and benchmarks generate from this directly, {@link FleetSimulator} sends what it generates.
 * Not thread-safe: one fleet, one thread.
 *
 * <pre>{@code
 * SimulatedFleet fleet = new SimulatedFleet(SimulatorSettings.defaults().withSeed(42));
 * SimulatedEvent event = fleet.next(Instant.parse("2026-11-24T19:00:00Z"));
 * }</pre>
 */
public final class SimulatedFleet {
    /** The region devices move in: greater Berlin. Vehicles turn back at its edges. */
    static final double MIN_LAT = 52.34;
    static final double MAX_LAT = 52.68;
    static final double MIN_LON = 13.09;
    static final double MAX_LON = 13.76;

    private static final double METRES_PER_DEGREE_LAT = 111_320.0;
    /** Longest gap a device's movement is simulated over: a device silent for hours did not drive for hours. */
    private static final double MAX_STEP_SECONDS = 600;
    private static final int RECENT_EVENTS = 256;
    private static final String[] FIRMWARE = {"1.4.2", "1.4.3", "1.5.0", "2.0.1"};

    private final SimulatorSettings settings;
    private final Random random;
    private final JsonFactory json = Json.mapper().getFactory();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
    private final Device[] devices;
    /** A ring of recent valid events, the pool duplicates are drawn from. */
    private final SimulatedEvent[] recent = new SimulatedEvent[RECENT_EVENTS];
    private long validCount;

    public SimulatedFleet(SimulatorSettings settings) {
        this.settings = requireNonNull(settings, "settings");
        this.random = new Random(settings.seed());
        this.devices = createDevices(settings.devices());
    }

    /** The ids of every device, in a stable order. */
    public List<String> deviceIds() {
        List<String> ids = new ArrayList<>(devices.length);
        for (Device device : devices) {
            ids.add(device.id);
        }
        return ids;
    }

    /**
     * The next event of a random device, timestamped {@code now}; the device has moved for the time since its
     * previous event. Its kind is drawn from the settings' malformed and duplicate fractions.
     */
    public SimulatedEvent next(Instant now) {
        requireNonNull(now, "now");
        double draw = random.nextDouble();
        if (draw >= settings.malformedFraction() && draw < settings.malformedFraction() + settings.duplicateFraction()
                && validCount > 0) {
            // Resend verbatim: same key, same bytes, so ingest sees exactly what a retrying device would send.
            SimulatedEvent original = recent[random.nextInt((int) Math.min(validCount, RECENT_EVENTS))];
            return new SimulatedEvent(original.deviceId(), original.eventId(), original.value(), SimulatedEvent.Kind.DUPLICATE);
        }
        Device device = devices[random.nextInt(devices.length)];
        device.advance(now, random);
        String eventId = eventId();
        SimulatedEvent.Kind kind = draw < settings.malformedFraction() ? malformedKind() : SimulatedEvent.Kind.VALID;
        SimulatedEvent event = new SimulatedEvent(device.id, eventId, write(device, now, eventId, kind), kind);
        if (kind == SimulatedEvent.Kind.VALID) {
            recent[(int) (validCount % RECENT_EVENTS)] = event;
            validCount++;
        }
        return event;
    }

    private SimulatedEvent.Kind malformedKind() {
        return switch (random.nextInt(4)) {
            case 0 -> SimulatedEvent.Kind.MALFORMED_JSON;
            case 1 -> SimulatedEvent.Kind.MISSING_TIMESTAMP;
            case 2 -> SimulatedEvent.Kind.INVALID_COORDINATES;
            default -> SimulatedEvent.Kind.WRONG_TYPE;
        };
    }

    /** A random (version 4) UUID from the seeded generator, so ids are both unique and reproducible. */
    private String eventId() {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & ~(0x3L << 62)) | (0x2L << 62);
        return new UUID(msb, lsb).toString();
    }

    private byte[] write(Device device, Instant now, String eventId, SimulatedEvent.Kind kind) {
        buffer.reset();
        try (JsonGenerator out = json.createGenerator(buffer)) {
            out.writeStartObject();
            out.writeStringField("deviceId", device.id);
            if (kind != SimulatedEvent.Kind.MISSING_TIMESTAMP) {
                out.writeStringField("ts", now.toString());
            }
            out.writeStringField("eventId", eventId);
            out.writeStringField("tenant", device.tenant);
            out.writeObjectFieldStart("metrics");
            device.writeMetrics(out, kind == SimulatedEvent.Kind.WRONG_TYPE);
            out.writeEndObject();
            out.writeObjectFieldStart("location");
            if (kind == SimulatedEvent.Kind.INVALID_COORDINATES) {
                // A sign or scale error in the device's GPS code: degrees times ten.
                out.writeNumberField("lat", round(device.lat * 10, 6));
                out.writeNumberField("lon", round(device.lon * 10, 6));
            } else {
                out.writeNumberField("lat", round(device.lat, 6));
                out.writeNumberField("lon", round(device.lon, 6));
            }
            out.writeEndObject();
            out.writeObjectFieldStart("attributes");
            out.writeStringField("fw", device.firmware);
            out.writeStringField("model", device.kind.model);
            out.writeStringField("region", "eu-central");
            out.writeEndObject();
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        byte[] bytes = buffer.toByteArray();
        if (kind == SimulatedEvent.Kind.MALFORMED_JSON) {
            return Arrays.copyOf(bytes, bytes.length / 2);
        }
        return bytes;
    }

    private Device[] createDevices(int count) {
        Device[] created = new Device[count];
        int[] numbers = new int[DeviceKind.values().length];
        int width = Math.max(4, Integer.toString(count).length());
        for (int i = 0; i < count; i++) {
            DeviceKind kind = DeviceKind.pick(random.nextDouble());
            int number = ++numbers[kind.ordinal()];
            String id = kind.prefix + "-" + String.format(Locale.ROOT, "%0" + width + "d", number);
            created[i] = new Device(id, kind, random);
        }
        return created;
    }

    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    /** The kinds of device in the fleet, with their share and how they behave. */
    enum DeviceKind {
        TRUCK("truck", "Actros 1845", 0.55, 25.0),
        VAN("van", "eSprinter", 0.30, 30.0),
        METER("meter", "SGM-3", 0.15, 0.0);

        final String prefix;
        final String model;
        final double share;
        /** Top speed in m/s; zero for devices that never move. */
        final double maxSpeed;

        DeviceKind(String prefix, String model, double share, double maxSpeed) {
            this.prefix = prefix;
            this.model = model;
            this.share = share;
            this.maxSpeed = maxSpeed;
        }

        static DeviceKind pick(double draw) {
            double cumulative = 0;
            for (DeviceKind kind : values()) {
                cumulative += kind.share;
                if (draw < cumulative) {
                    return kind;
                }
            }
            return METER;
        }
    }

    /** One device's state between events. */
    static final class Device {
        final String id;
        final DeviceKind kind;
        final String firmware;
        final String tenant;
        double lat;
        double lon;
        /** Degrees clockwise from north. */
        double heading;
        /** Metres per second. */
        double speed;
        double temp;
        double battery;
        double fuel;
        double powerKw;
        double voltage;
        Instant last;

        Device(String id, DeviceKind kind, Random random) {
            this.id = id;
            this.kind = kind;
            this.firmware = FIRMWARE[random.nextInt(FIRMWARE.length)];
            this.tenant = random.nextInt(3) == 0 ? "globex" : "acme";
            this.lat = MIN_LAT + random.nextDouble() * (MAX_LAT - MIN_LAT);
            this.lon = MIN_LON + random.nextDouble() * (MAX_LON - MIN_LON);
            this.heading = random.nextDouble() * 360;
            this.speed = random.nextDouble() * kind.maxSpeed;
            this.temp = 5 + random.nextDouble() * 20;
            this.battery = 40 + random.nextDouble() * 60;
            this.fuel = 20 + random.nextDouble() * 80;
            this.powerKw = random.nextDouble() * 5;
            this.voltage = 230;
        }

        void advance(Instant now, Random random) {
            double seconds = last == null ? 0 : Math.min(MAX_STEP_SECONDS,
                    Math.max(0, (now.toEpochMilli() - last.toEpochMilli()) / 1000.0));
            last = now;
            temp = clamp(temp + random.nextGaussian() * 0.2, -25, 45);
            if (kind.maxSpeed == 0) {
                powerKw = clamp(powerKw + random.nextGaussian() * 0.3, 0, 40);
                // Mains voltage: pulled back towards 230 V, within the EN 50160 band of ±10 %.
                voltage = clamp(voltage + (230 - voltage) * 0.1 + random.nextGaussian() * 0.8, 207, 253);
                return;
            }
            heading = (heading + random.nextGaussian() * 10 + 360) % 360;
            speed = clamp(speed + random.nextGaussian() * 1.5, 0, kind.maxSpeed);
            double metres = speed * seconds;
            double radians = Math.toRadians(heading);
            lat += metres * Math.cos(radians) / METRES_PER_DEGREE_LAT;
            lon += metres * Math.sin(radians) / (METRES_PER_DEGREE_LAT * Math.cos(Math.toRadians(lat)));
            if (lat < MIN_LAT || lat > MAX_LAT || lon < MIN_LON || lon > MAX_LON) {
                lat = clamp(lat, MIN_LAT, MAX_LAT);
                lon = clamp(lon, MIN_LON, MAX_LON);
                heading = (heading + 180) % 360;
            }
            // About 30 l/100 km for a truck tank of 400 l: 0.075 % per km; a refuel when nearly empty.
            fuel -= metres / 1000 * 0.075;
            if (fuel < 5) {
                fuel = 95 + random.nextDouble() * 5;
            }
            battery -= seconds * 0.0005;
            if (battery < 10) {
                battery = 100;
            }
        }

        void writeMetrics(JsonGenerator out, boolean wrongType) throws IOException {
            if (wrongType) {
                out.writeStringField("temp", round(temp, 1) + "C");
            } else {
                out.writeNumberField("temp", round(temp, 2));
            }
            if (kind.maxSpeed == 0) {
                out.writeNumberField("voltage", round(voltage, 1));
                out.writeNumberField("powerKw", round(powerKw, 3));
                return;
            }
            out.writeNumberField("speed", round(speed * 3.6, 1));
            out.writeNumberField("battery", round(battery, 1));
            out.writeNumberField("fuel", round(fuel, 1));
        }

        private static double clamp(double value, double min, double max) {
            return Math.max(min, Math.min(max, value));
        }
    }
}
