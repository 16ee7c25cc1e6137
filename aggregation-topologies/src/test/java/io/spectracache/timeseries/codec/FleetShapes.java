package io.spectracache.timeseries.codec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The fleets the codec is measured on, as streams of events, shared by the codec's speed benchmark and
 * {@code RawBytesPerPointBenchmarkTest} so both see the same data:
 * <ul>
 *   <li>{@link #simulatedFleet}: the shape of ingest's {@code SimulatedFleet} (and the same random draws as the
 *       first version of the bytes-per-point benchmark): 20 events a second, each from a random one of 200 devices,
 *       so a device's timestamps are irregular to the millisecond (on average 10 s apart); trucks report temp (2
 *       decimals), speed, battery and fuel (1 decimal), meters temp, voltage (1 decimal) and power (3 decimals),
 *       each a bounded random walk.
 *   <li>{@link #jitteredFleet}: the same devices and metrics, but each device reports every 10 s with up to 50 ms
 *       of jitter, as real devices on a timer do.
 *   <li>{@link #benchEvents}: the shape of the bench module's {@code Events}: device {@code i % devices} sends event
 *       {@code i}, one millisecond after event {@code i - 1}, with temp, speed, battery and rpm drawn uniformly at
 *       random and rounded to 2 decimals (no walk: every reading is new information).
 * </ul>
 * Deterministic for a seed. Not thread-safe.
 */
public abstract class FleetShapes {
    /** 2026-11-24T19:00:00Z. */
    public static final long T0 = 1_795_546_800_000L;

    /** One event: a device's readings at one time. */
    public record Event(String deviceId, long timestamp, Map<String, Double> metrics) {
    }

    private final String name;

    private FleetShapes(String name) {
        this.name = name;
    }

    /** A short description for reports. */
    public String name() {
        return name;
    }

    /** The next event, in time order of sending (not necessarily of timestamps across devices). */
    public abstract Event next();

    /** The SimulatedFleet shape: a random device per event, 20 events a second, 200 devices. */
    public static FleetShapes simulatedFleet(long seed) {
        return simulatedFleet(seed, 200);
    }

    /**
     * The SimulatedFleet shape over {@code devices} devices, {@code devices / 10} events a second: every device
     * reports about every 10 s whatever the fleet's size, so fewer devices reach more hours of data in as many events.
     */
    public static FleetShapes simulatedFleet(long seed, int devices) {
        return new RandomWalkFleet("simulated fleet of " + devices + " (random device per event, irregular ms timestamps)",
                seed, devices, false);
    }

    /** The SimulatedFleet's 200 devices and metrics, each device on a 10 s timer with up to 50 ms of jitter. */
    public static FleetShapes jitteredFleet(long seed) {
        return new RandomWalkFleet("jittered fleet (every device every 10 s + 0..49 ms)", seed, 200, true);
    }

    /** The bench's Events shape over {@code devices} devices: uniform random 2-decimal readings, 1 ms per event. */
    public static FleetShapes benchEvents(long seed, int devices) {
        return new BenchEvents(seed, devices);
    }

    /**
     * Cuts the series of the next {@code events} events into chunks of {@code chunkPoints} points each, per (device,
     * metric) in time order, as the series layer seals them (the last, partial chunk of each series is dropped).
     */
    public List<Chunk> chunks(int events, int chunkPoints) {
        Map<String, long[]> times = new LinkedHashMap<>();
        Map<String, double[]> values = new HashMap<>();
        Map<String, Integer> sizes = new HashMap<>();
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            Event event = next();
            for (Map.Entry<String, Double> reading : event.metrics().entrySet()) {
                String series = event.deviceId() + '/' + reading.getKey();
                long[] t = times.computeIfAbsent(series, s -> new long[chunkPoints]);
                double[] v = values.computeIfAbsent(series, s -> new double[chunkPoints]);
                int size = sizes.getOrDefault(series, 0);
                t[size] = event.timestamp();
                v[size] = reading.getValue();
                if (++size == chunkPoints) {
                    chunks.add(Chunk.of(t, v));
                    size = 0;
                }
                sizes.put(series, size);
            }
        }
        return chunks;
    }

    private static final class RandomWalkFleet extends FleetShapes {
        private final Random random;
        private final boolean onATimer;
        private final Device[] fleet;
        private final long[] last;
        private final double eventsPerSecond;
        private int sent;

        RandomWalkFleet(String name, long seed, int devices, boolean onATimer) {
            super(name);
            this.random = new Random(seed);
            this.onATimer = onATimer;
            this.fleet = new Device[devices];
            this.last = new long[devices];
            this.eventsPerSecond = devices / 10.0;
            for (int i = 0; i < devices; i++) {
                fleet[i] = new Device(i, random);
            }
        }

        @Override
        public Event next() {
            int i = sent++;
            long t;
            int d;
            if (onATimer) {
                d = i % fleet.length;
                t = T0 + (i / fleet.length) * 10_000L + d * 50L + random.nextInt(50);
            } else {
                t = T0 + (long) (i * 1000 / eventsPerSecond) + random.nextInt(50);
                d = random.nextInt(fleet.length);
            }
            double seconds = last[d] == 0 ? 0 : (t - last[d]) / 1000.0;
            last[d] = t;
            return new Event(fleet[d].id, t, fleet[d].next(random, seconds));
        }
    }

    /** One device's random walk, as in SimulatedFleet.Device. */
    private static final class Device {
        final String id;
        final boolean meter;
        double temp;
        double speed;
        double battery;
        double fuel;
        double powerKw;
        double voltage = 230;

        Device(int number, Random random) {
            this.meter = random.nextDouble() >= 0.85;
            this.id = String.format(Locale.ROOT, "%s-%04d", meter ? "meter" : "truck", number);
            this.temp = 5 + random.nextDouble() * 20;
            this.speed = random.nextDouble() * 25;
            this.battery = 40 + random.nextDouble() * 60;
            this.fuel = 20 + random.nextDouble() * 80;
            this.powerKw = random.nextDouble() * 5;
        }

        Map<String, Double> next(Random random, double seconds) {
            Map<String, Double> metrics = new HashMap<>();
            temp = clamp(temp + random.nextGaussian() * 0.2, -25, 45);
            metrics.put("temp", round(temp, 2));
            if (meter) {
                powerKw = clamp(powerKw + random.nextGaussian() * 0.3, 0, 40);
                voltage = clamp(voltage + (230 - voltage) * 0.1 + random.nextGaussian() * 0.8, 207, 253);
                metrics.put("voltage", round(voltage, 1));
                metrics.put("powerKw", round(powerKw, 3));
                return metrics;
            }
            speed = clamp(speed + random.nextGaussian() * 1.5, 0, 25);
            fuel -= speed * seconds / 1000 * 0.075;
            if (fuel < 5) {
                fuel = 95 + random.nextDouble() * 5;
            }
            battery -= seconds * 0.0005;
            if (battery < 10) {
                battery = 100;
            }
            metrics.put("speed", round(speed * 3.6, 1));
            metrics.put("battery", round(battery, 1));
            metrics.put("fuel", round(fuel, 1));
            return metrics;
        }
    }

    private static final class BenchEvents extends FleetShapes {
        private final SplittableRandom random;
        private final String[] ids;
        private int sent;

        BenchEvents(long seed, int devices) {
            super("bench Events (" + devices + " devices in turn, 1 ms per event, uniform 2-decimal readings)");
            this.random = new SplittableRandom(seed);
            this.ids = new String[devices];
            for (int d = 0; d < devices; d++) {
                ids[d] = String.format(Locale.ROOT, "bench-device-%06d", d);
            }
        }

        @Override
        public Event next() {
            int i = sent++;
            Map<String, Double> metrics = new HashMap<>();
            metrics.put("temp", round(15 + random.nextDouble() * 20, 2));
            metrics.put("speed", round(random.nextDouble() * 120, 2));
            metrics.put("battery", round(20 + random.nextDouble() * 80, 2));
            metrics.put("rpm", round(800 + random.nextDouble() * 3000, 2));
            return new Event(ids[i % ids.length], T0 + i, metrics);
        }
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
