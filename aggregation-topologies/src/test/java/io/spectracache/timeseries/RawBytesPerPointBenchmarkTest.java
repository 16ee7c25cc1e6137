package io.spectracache.timeseries;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.events.DeviceEvent;
import io.spectracache.storage.TieredRocksDbConfigSetter;
import io.spectracache.testing.TopologyHarness;
import io.spectracache.timeseries.codec.Chunk;
import io.spectracache.timeseries.codec.GorillaCodec;
import io.spectracache.topics.Topics;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Bytes per raw point on disk for a simulated fleet, measured with RocksDB's own size property
 * ({@code total-sst-files-size} of {@code timeseries-raw}, as Kafka Streams reports it) against the 16 bytes of a
 * (long, double) pair. The fleet has the shape of ingest's {@code SimulatedFleet}: trucks and vans reporting
 * temperature (2 decimals), speed, battery and fuel (1 decimal), meters reporting temperature, voltage (1 decimal)
 * and power (3 decimals), each a bounded random walk; a random device per event, so each device's timestamps are
 * irregular to the millisecond. Run with
 * {@code mvn -o -q verify -pl aggregation-topologies -am -Dtest.excludedGroups=integration -Dgroups=benchmark
 * -Dtest=RawBytesPerPointBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class RawBytesPerPointBenchmarkTest {
    private static final long T0 = Instant.parse("2026-11-24T19:00:00Z").toEpochMilli();
    private static final int DEVICES = 200;
    private static final int EVENTS = 100_000;
    private static final String APPLICATION_ID = "timeseries-bytes";
    /** The fleet sends 20 events a second: each device about every 10 s. */
    private static final double EVENTS_PER_SECOND = 20;

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

        private static double clamp(double value, double min, double max) {
            return Math.max(min, Math.min(max, value));
        }

        private static double round(double value, int decimals) {
            double scale = Math.pow(10, decimals);
            return Math.round(value * scale) / scale;
        }
    }

    @Test
    void shouldReportBytesPerRawPointOnDisk() {
        Random random = new Random(42);
        Device[] fleet = new Device[DEVICES];
        long[] last = new long[DEVICES];
        for (int i = 0; i < DEVICES; i++) {
            fleet[i] = new Device(i, random);
        }
        // -Dtimeseries.bench.compression=false measures the same run at Kafka Streams' defaults (no compression).
        boolean tiered = Boolean.parseBoolean(System.getProperty("timeseries.bench.compression", "true"));
        TopologyHarness.Builder builder = TopologyHarness.of(TopologyHarness.validatedEventsFromTopic(),
                new TimeSeriesTopology(TimeSeriesSettings.defaults())).meters(new SimpleMeterRegistry());
        if (tiered) {
            builder.property(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, TieredRocksDbConfigSetter.class);
        }
        try (TopologyHarness harness = builder
                .applicationId(APPLICATION_ID).startingAt(Instant.ofEpochMilli(T0)).build()) {
            TestInputTopic<String, DeviceEvent> events = harness.input(Topics.EVENTS);
            long points = 0;
            long started = System.nanoTime();
            for (int i = 0; i < EVENTS; i++) {
                long t = T0 + (long) (i * 1000 / EVENTS_PER_SECOND) + random.nextInt(50);
                int d = random.nextInt(DEVICES);
                double seconds = last[d] == 0 ? 0 : (t - last[d]) / 1000.0;
                last[d] = t;
                Map<String, Double> metrics = fleet[d].next(random, seconds);
                points += metrics.size();
                events.pipeInput(fleet[d].id, DeviceEvent.of(fleet[d].id, Instant.ofEpochMilli(t), metrics));
                if (i % 5_000 == 0) {
                    drainChangelogs(harness);
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            harness.driver().advanceWallClockTime(java.time.Duration.ofMinutes(1));

            long sealedPoints = 0;
            long valueBytes = 0;
            long keyBytes = 0;
            long chunks = 0;
            long regularBytes = 0;
            WindowStore<Bytes, Chunk> raw = harness.driver().getWindowStore(TimeSeriesTopology.RAW_STORE.name());
            try (KeyValueIterator<Windowed<Bytes>, Chunk> all = raw.all()) {
                while (all.hasNext()) {
                    var entry = all.next();
                    sealedPoints += entry.value.size();
                    valueBytes += TimeSeriesTopology.RAW_STORE.valueSerde().serializer().serialize("", entry.value).length;
                    keyBytes += entry.key.key().get().length + Long.BYTES + Integer.BYTES;
                    // The same values at a regular 10 s period: what the timestamps cost against a device's clock.
                    long[] regular = new long[entry.value.size()];
                    for (int p = 0; p < regular.length; p++) {
                        regular[p] = T0 + p * 10_000L;
                    }
                    regularBytes += GorillaCodec.encode(Chunk.of(regular, entry.value.values())).length;
                    chunks++;
                }
            }
            long sstBytes = metric(harness.driver().metrics(), "total-sst-files-size", "timeseries-raw");
            long minuteBytes = metric(harness.driver().metrics(), "total-sst-files-size", "timeseries-rollup-1m");
            long minuteBuckets = 0;
            WindowStore<Bytes, Rollup> minutes = harness.driver().getWindowStore("timeseries-rollup-1m");
            try (KeyValueIterator<Windowed<Bytes>, Rollup> all = minutes.all()) {
                while (all.hasNext()) {
                    all.next();
                    minuteBuckets++;
                }
            }
            System.out.printf(Locale.ROOT, "time series bytes per raw point: %d events (%.0f/s through the driver), "
                            + "%d readings, %d sealed in %d chunks (%.1f points each); Gorilla values %.2f B/point, "
                            + "keys %.2f B/point; RocksDB (%s) timeseries-raw total-sst-files-size %d B = %.2f B/point; "
                            + "the same values at a regular 10 s period %.2f B/point; a (long, double) pair is 16 B; "
                            + "timeseries-rollup-1m %d B for %d sealed buckets = %.0f B/bucket%n",
                    EVENTS, EVENTS / seconds, points, sealedPoints, chunks, (double) sealedPoints / chunks,
                    (double) valueBytes / sealedPoints, (double) keyBytes / sealedPoints,
                    tiered ? "LZ4 raw, ZSTD tiers" : "no compression", sstBytes, (double) sstBytes / sealedPoints,
                    (double) regularBytes / sealedPoints, minuteBytes, minuteBuckets, (double) minuteBytes / minuteBuckets);
            assertThat(sealedPoints).isPositive();
        }
    }

    /**
     * The test driver commits after every record and keeps every record sent, changelogs included: without this a
     * long run fills the heap with changelog records the production path would send once per commit.
     */
    private static void drainChangelogs(TopologyHarness harness) {
        for (String store : new String[] {"timeseries-open", "timeseries-open-tails", "timeseries-raw",
                "timeseries-rollup-1m", "timeseries-rollup-1h"}) {
            harness.driver().createOutputTopic(APPLICATION_ID + "-" + store + "-changelog",
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer()).readRecordsToList();
        }
    }

    private static long metric(Map<MetricName, ? extends Metric> metrics, String name, String store) {
        long total = 0;
        for (Map.Entry<MetricName, ? extends Metric> metric : metrics.entrySet()) {
            if (metric.getKey().name().equals(name) && metric.getKey().tags().values().stream()
                    .anyMatch(tag -> tag.startsWith(store))) {
                Object value = metric.getValue().metricValue();
                if (value instanceof Number number) {
                    total += number.longValue();
                }
            }
        }
        return total;
    }
}
