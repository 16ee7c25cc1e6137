package io.spectracache.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.spectracache.serialization.Json;
import io.spectracache.simulator.SimulatedEvent;
import io.spectracache.simulator.SimulatedFleet;
import io.spectracache.simulator.SimulatorSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The time-series benchmark's data, generated deterministically so that the same points can be sent to SpectraCache,
 * modelled ({@link SealedPoints}) and loaded into Redis in separate passes without keeping millions of events in
 * memory: each {@link Source#forEach pass} generates the identical events again.
 *
 * <ul>
 *   <li>{@link Fleet}: ingest's {@link SimulatedFleet} (trucks and vans with temp, speed, battery and fuel; smart
 *       meters with temp, voltage and powerKw; random walks with 1–3 decimals), no malformed events, no duplicates;
 *       one event of a random device every {@code period / devices}, so each device reports about once per period
 *       at irregular, millisecond times. "The simulated fleet" of issue 8's bytes-per-point figure.</li>
 *   <li>{@link History}: a month (or any span) of one event per minute for a few devices with other ids and other
 *       metrics (load, pressure, flow, level), in time order: the backfill that the 1-minute rollup queries read.</li>
 * </ul>
 */
final class SeriesData {
    private SeriesData() {
    }

    /** Receives one event of a pass: its key and JSON, and each of its metrics. */
    interface EventSink {
        void event(int device, long timestamp, byte[] key, byte[] value, Map<String, Double> metrics);
    }

    /** A deterministic set of events, generated again at each pass. */
    interface Source {
        /** Device ids, in the order of the {@code device} index passed to sinks. */
        List<String> deviceIds();

        /** How many events a pass generates. */
        long events();

        /** Generates every event, in time order, into {@code sink}. */
        void forEach(EventSink sink);
    }

    /** The simulated fleet; see {@link SeriesData}. */
    static final class Fleet implements Source {
        private final int devices;
        private final long seed;
        private final double stepMs;
        private final long events;
        private final long startMillis;
        private final List<String> ids;
        private final Map<String, Integer> index = new HashMap<>();

        /**
         * @param devices     fleet size
         * @param seed        the simulator's seed
         * @param periodMs    how often each device reports on average; at least {@code devices} ms (one event per ms
         *                    at most, so timestamps stay distinct)
         * @param targetPoints about how many points (metric readings) to generate: the event count is this divided by
         *                    the fleet's mean metrics per event (vehicles 4, meters 3), so the actual count is close
         * @param end         the newest event is just before this instant
         */
        Fleet(int devices, long seed, long periodMs, long targetPoints, Instant end) {
            if (devices < 1 || periodMs < devices || targetPoints < 1) {
                throw new IllegalArgumentException("devices " + devices + ", period " + periodMs + " ms, points " + targetPoints
                        + ": need at least one device, point, and millisecond per device in a period");
            }
            this.devices = devices;
            this.seed = seed;
            this.stepMs = (double) periodMs / devices;
            this.ids = List.copyOf(newFleet().deviceIds());
            for (int i = 0; i < ids.size(); i++) {
                index.put(ids.get(i), i);
            }
            double metricsPerEvent = ids.stream().mapToInt(Fleet::metricsOf).average().orElse(4);
            this.events = Math.max(1, Math.round(targetPoints / metricsPerEvent));
            this.startMillis = end.toEpochMilli() - 1 - Math.round((events - 1) * stepMs);
        }

        /** 3 for a smart meter (temp, voltage, powerKw), 4 for a vehicle (temp, speed, battery, fuel). */
        static int metricsOf(String deviceId) {
            return deviceId.startsWith("meter-") ? 3 : 4;
        }

        private SimulatedFleet newFleet() {
            return new SimulatedFleet(SimulatorSettings.defaults().withDevices(devices).withSeed(seed)
                    .withMalformedFraction(0).withDuplicateFraction(0));
        }

        @Override
        public List<String> deviceIds() {
            return ids;
        }

        @Override
        public long events() {
            return events;
        }

        /** The timestamp of the first event. */
        long startMillis() {
            return startMillis;
        }

        /** The timestamp of the last event. */
        long endMillis() {
            return timestamp(events - 1);
        }

        private long timestamp(long i) {
            return startMillis + Math.round(i * stepMs);
        }

        @Override
        public void forEach(EventSink sink) {
            SimulatedFleet fleet = newFleet();
            for (long i = 0; i < events; i++) {
                long t = timestamp(i);
                SimulatedEvent event = fleet.next(Instant.ofEpochMilli(t));
                sink.event(index.get(event.deviceId()), t, event.deviceId().getBytes(UTF_8), event.value(),
                        metrics(event.value()));
            }
        }
    }

    /** A backfill of one event per minute per device; see {@link SeriesData}. */
    static final class History implements Source {
        static final String DEVICE_PREFIX = "history-device-";
        static final List<String> METRICS = List.of("load", "pressure", "flow", "level");

        private final List<String> ids;
        private final long seed;
        private final long minutes;
        private final long firstMinute;

        /**
         * @param devices how many devices
         * @param seed    seeds the random walks
         * @param span    how far back the history goes from {@code end}
         * @param end     the newest event is in the minute before this instant
         */
        History(int devices, long seed, java.time.Duration span, Instant end) {
            if (devices < 1 || span.toMinutes() < 1) {
                throw new IllegalArgumentException("need at least one device and one minute, were " + devices + " and " + span);
            }
            this.ids = java.util.stream.IntStream.range(0, devices)
                    .mapToObj(d -> DEVICE_PREFIX + String.format(Locale.ROOT, "%03d", d)).toList();
            this.seed = seed;
            this.minutes = span.toMinutes();
            this.firstMinute = end.toEpochMilli() / 60_000 - minutes;
        }

        @Override
        public List<String> deviceIds() {
            return ids;
        }

        @Override
        public long events() {
            return minutes * ids.size();
        }

        /** The first event's timestamp. */
        long startMillis() {
            return firstMinute * 60_000;
        }

        @Override
        public void forEach(EventSink sink) {
            SplittableRandom random = new SplittableRandom(seed);
            double[][] walk = new double[ids.size()][METRICS.size()];
            for (double[] device : walk) {
                device[0] = 40 + random.nextDouble() * 20;
                device[1] = 3 + random.nextDouble();
                device[2] = 100 + random.nextDouble() * 50;
                device[3] = 50 + random.nextDouble() * 30;
            }
            StringBuilder json = new StringBuilder(256);
            for (long m = 0; m < minutes; m++) {
                long t = (firstMinute + m) * 60_000;
                String ts = Instant.ofEpochMilli(t).toString();
                for (int d = 0; d < ids.size(); d++) {
                    double[] values = walk[d];
                    Map<String, Double> metrics = new HashMap<>(8);
                    json.setLength(0);
                    json.append("{\"deviceId\":\"").append(ids.get(d)).append("\",\"ts\":\"").append(ts)
                            .append("\",\"eventId\":\"").append(ids.get(d)).append('-').append(m)
                            .append("\",\"tenant\":\"acme\",\"metrics\":{");
                    for (int k = 0; k < values.length; k++) {
                        values[k] = Math.max(0, values[k] + random.nextGaussian() * values[k] * 0.01);
                        double rounded = Math.round(values[k] * 100) / 100.0;
                        metrics.put(METRICS.get(k), rounded);
                        json.append(k == 0 ? "" : ",").append('"').append(METRICS.get(k)).append("\":").append(rounded);
                    }
                    json.append("},\"attributes\":{\"model\":\"history\",\"region\":\"eu-central\"}}");
                    sink.event(d, t, ids.get(d).getBytes(UTF_8), json.toString().getBytes(UTF_8), metrics);
                }
            }
        }
    }

    /**
     * The numeric {@code metrics} of one contract-v1 event as ingest reads them (JSON numbers as doubles); other
     * fields are skipped.
     */
    static Map<String, Double> metrics(byte[] json) {
        Map<String, Double> metrics = new HashMap<>(8);
        try (JsonParser parser = Json.mapper().getFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return metrics;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("metrics") && value == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String metric = parser.currentName();
                        JsonToken number = parser.nextToken();
                        if (number == JsonToken.VALUE_NUMBER_FLOAT || number == JsonToken.VALUE_NUMBER_INT) {
                            metrics.put(metric, parser.getDoubleValue());
                        } else {
                            parser.skipChildren();
                        }
                    }
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("generated event is not JSON: " + new String(json, UTF_8), e);
        }
        return metrics;
    }
}
