package io.spectracache.timeseries;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.events.DeviceEvent;
import io.spectracache.serialization.Varints;
import io.spectracache.storage.TieredRocksDbConfigSetter;
import io.spectracache.testing.TopologyHarness;
import io.spectracache.timeseries.codec.Chunk;
import io.spectracache.timeseries.codec.FleetShapes;
import io.spectracache.timeseries.codec.GorillaCodec;
import io.spectracache.timeseries.codec.SeriesStatistics;
import io.spectracache.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
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
 * Bytes per raw point on disk, measured with RocksDB's own size property ({@code total-sst-files-size} of
 * {@code timeseries-raw}, as Kafka Streams reports it) against the 16 bytes of a (long, double) pair, for the fleets
 * of {@link FleetShapes}: the SimulatedFleet shape (irregular millisecond timestamps, random-walk readings with 1 to 3
 * decimals), the same devices on a jittered 10 s timer, and the bench's Events shape (uniform random readings with 2
 * decimals, regular timestamps). Each run also prints what the points look like to a codec ({@link SeriesStatistics}:
 * distributions and order-0 entropies, the floor for coding one delta at a time), the encoded chunk bytes split
 * into timestamps and values, and what the chunks would take if a device's metrics shared one timestamp column.
 *
 * <p>Measured 2026-11-30 (on disk, B/point; 120-point chunks, then 240 with {@code -Dtimeseries.bench.chunk.points=240}):
 * <pre>
 * fleet                         format 1 (Gorilla)   format 2 (120)   format 2 (240)   order-0 floor of the chunk contents
 * simulated fleet, 200 devices        7.35               1.23             1.14          2.35 (timestamps 14.75 bits, values 4.04)
 * simulated fleet, 20 for 13 h        7.39               1.55             1.45          as above
 * jittered 10 s timer                 4.42               0.95             0.88          1.30 (timestamps 6.37 bits, values 4.03)
 * bench Events                        6.53               2.15             1.99          1.74 (values 13.95 bits, timestamps 0)
 * </pre>
 * On disk goes below the floor of the chunks where a device's metrics share their timestamps: their chunks begin with
 * the same bytes, which LZ4 stores once when they share a 16 KiB block (less often over 13 hours, when a series has
 * ~40 chunks in the segment between them). The bench Events' readings are uniform random: 1.74 B/point is their
 * information content, and RocksDB adds ~30 B per chunk (key and entry), so 120-point chunks cannot reach 2 B/point.
 * Run with
 * {@code mvn -o -q verify -pl aggregation-topologies -am -Dtest.excludedGroups=integration -Dgroups=benchmark
 * -Dtest=RawBytesPerPointBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class RawBytesPerPointBenchmarkTest {
    private static final int EVENTS = 100_000;
    private static final String APPLICATION_ID = "timeseries-bytes";

    @Test
    void shouldReportBytesPerRawPointOnDiskForTheSimulatedFleet() {
        measure(FleetShapes.simulatedFleet(42), 2.0);
    }

    /**
     * As above, but 20 devices for 13 hours: a series then has about 40 sealed chunks in the one RocksDB segment
     * (13 h, half the raw store's retention) instead of 4, so the chunks of a device's other metrics for the same
     * time lie as far apart in the store as they do in production.
     */
    @Test
    void shouldReportBytesPerRawPointOnDiskForTheSimulatedFleetOverThirteenHours() {
        measure(FleetShapes.simulatedFleet(42, 20), 2.0);
    }

    @Test
    void shouldReportBytesPerRawPointOnDiskForAFleetOnAJitteredTimer() {
        measure(FleetShapes.jitteredFleet(42), 2.0);
    }

    @Test
    void shouldReportBytesPerRawPointOnDiskForTheBenchEventsShape() {
        // The information content alone is 1.74 B/point (see above).
        measure(FleetShapes.benchEvents(42, 200), 2.3);
    }

    /**
     * Measures {@code fleet}; fails if a raw point takes more than {@code ceiling} bytes on disk with the store's
     * compression (a regression).
     */
    private static void measure(FleetShapes fleet, double ceiling) {
        // -Dtimeseries.bench.compression=false measures the same run at Kafka Streams' defaults (no compression).
        boolean tiered = Boolean.parseBoolean(System.getProperty("timeseries.bench.compression", "true"));
        // -Dtimeseries.bench.chunk.points=240 measures another chunk size (spectracache.timeseries.chunk.max.points).
        TimeSeriesSettings settings = TimeSeriesSettings.defaults().withChunkMaxPoints(Integer.getInteger(
                "timeseries.bench.chunk.points", TimeSeriesSettings.DEFAULT_CHUNK_MAX_POINTS));
        TopologyHarness.Builder builder = TopologyHarness.of(TopologyHarness.validatedEventsFromTopic(),
                new TimeSeriesTopology(settings)).meters(new SimpleMeterRegistry());
        if (tiered) {
            builder.property(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, TieredRocksDbConfigSetter.class);
        }
        try (TopologyHarness harness = builder
                .applicationId(APPLICATION_ID).startingAt(Instant.ofEpochMilli(FleetShapes.T0)).build()) {
            TestInputTopic<String, DeviceEvent> events = harness.input(Topics.EVENTS);
            long points = 0;
            long started = System.nanoTime();
            for (int i = 0; i < EVENTS; i++) {
                FleetShapes.Event event = fleet.next();
                points += event.metrics().size();
                events.pipeInput(event.deviceId(),
                        DeviceEvent.of(event.deviceId(), Instant.ofEpochMilli(event.timestamp()), event.metrics()));
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
            long timestampOnlyBytes = 0;
            long valueOnlyBytes = 0;
            Map<String, Long> timestampsPerDeviceChunk = new HashMap<>();
            SeriesStatistics statistics = new SeriesStatistics();
            WindowStore<Bytes, Chunk> raw = harness.driver().getWindowStore(TimeSeriesTopology.RAW_STORE.name());
            try (KeyValueIterator<Windowed<Bytes>, Chunk> all = raw.all()) {
                while (all.hasNext()) {
                    var entry = all.next();
                    Chunk chunk = entry.value;
                    String[] deviceAndMetric = deviceAndMetric(entry.key.key());
                    statistics.add(deviceAndMetric[1], chunk);
                    sealedPoints += chunk.size();
                    valueBytes += TimeSeriesTopology.RAW_STORE.valueSerde().serializer().serialize("", chunk).length;
                    keyBytes += entry.key.key().get().length + Long.BYTES + Integer.BYTES;
                    // What the timestamps alone cost (constant values cost next to nothing), and the values alone
                    // (at a regular period timestamps cost next to nothing).
                    long timestampBytes = GorillaCodec.encode(Chunk.of(chunk.timestamps(), new double[chunk.size()])).length;
                    long[] regular = new long[chunk.size()];
                    for (int p = 0; p < regular.length; p++) {
                        regular[p] = FleetShapes.T0 + p * 10_000L;
                    }
                    timestampOnlyBytes += timestampBytes;
                    valueOnlyBytes += GorillaCodec.encode(Chunk.of(regular, chunk.values())).length;
                    timestampsPerDeviceChunk.merge(deviceAndMetric[0] + "@" + chunk.timestamp(0) + "/"
                            + chunk.timestamp(chunk.size() - 1) + "/" + chunk.size(), timestampBytes, Math::max);
                    chunks++;
                }
            }
            long sharedBytes = valueOnlyBytes + timestampsPerDeviceChunk.values().stream().mapToLong(Long::longValue).sum();
            long sstBytes = metric(harness.driver().metrics(), "total-sst-files-size", "timeseries-raw");
            System.out.printf(Locale.ROOT, "time series bytes per raw point, %s: %d events (%.0f/s through the driver), "
                            + "%d readings, %d sealed in %d chunks (%.1f points each); chunk bytes %.2f B/point "
                            + "(timestamps alone %.2f, values alone %.2f), keys %.2f B/point; RocksDB (%s) "
                            + "timeseries-raw total-sst-files-size %d B = %.2f B/point; a (long, double) pair is 16 B; "
                            + "if a device's metrics shared one timestamp column: %.2f B/point in chunks%n%s",
                    fleet.name(), EVENTS, EVENTS / seconds, points, sealedPoints, chunks, (double) sealedPoints / chunks,
                    (double) valueBytes / sealedPoints, (double) timestampOnlyBytes / sealedPoints,
                    (double) valueOnlyBytes / sealedPoints, (double) keyBytes / sealedPoints,
                    tiered ? "LZ4 raw, ZSTD tiers" : "no compression", sstBytes, (double) sstBytes / sealedPoints,
                    (double) sharedBytes / sealedPoints, statistics.report());
            assertThat(sealedPoints).isPositive();
            if (tiered) {
                assertThat((double) sstBytes / sealedPoints).as("bytes per raw point on disk, %s", fleet.name())
                        .isLessThanOrEqualTo(ceiling);
            }
        }
    }

    /** The device id and metric name of a series key prefix. */
    private static String[] deviceAndMetric(Bytes seriesPrefix) {
        ByteBuffer in = ByteBuffer.wrap(seriesPrefix.get());
        String[] parts = new String[2];
        for (int i = 0; i < 2; i++) {
            byte[] text = new byte[Varints.readUnsignedVarint(in)];
            in.get(text);
            parts[i] = new String(text, StandardCharsets.UTF_8);
        }
        return parts;
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
