package io.spectracache.timeseries;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.events.DeviceEvent;
import io.spectracache.testing.TopologyHarness;
import io.spectracache.timeseries.codec.Chunk;
import io.spectracache.topics.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bulk reader's points are {@link SeriesReads#raw}'s, bit for bit and in order, whether it decodes the stored
 * chunks' bytes (as the store handles of a Flight page give them) or reads decoded chunks, for any range and limit.
 */
class RawPointReaderTest {
    private static final long T0 = Instant.parse("2026-11-24T19:00:00Z").toEpochMilli();
    private static final String DEVICE = "truck-0042";

    private TimeSeriesSettings settings;
    private TopologyHarness harness;

    @BeforeEach
    void start() {
        settings = TimeSeriesSettings.defaults().withChunkMaxPoints(50);
        harness = TopologyHarness.of(TopologyHarness.validatedEventsFromTopic(), new TimeSeriesTopology(settings))
                .applicationId("raw-point-reader-test").startingAt(Instant.ofEpochMilli(T0)).build();
        TestInputTopic<String, DeviceEvent> events = harness.input(Topics.EVENTS);
        Random random = new Random(42);
        double temp = 21.5;
        long at = T0;
        for (int i = 0; i < 1_000; i++) {
            at += 1_000 + random.nextInt(20_000);
            temp = Math.round((temp + random.nextGaussian()) * 100) / 100.0;
            // Now and then a late reading, merged into a sealed chunk or the open one.
            long time = i % 97 == 13 ? at - 200_000 - random.nextInt(100_000) : at;
            double value = i % 89 == 7 ? (i % 2 == 0 ? -0.0 : Double.longBitsToDouble(0x7ff8_0000_0000_0abcL)) : temp;
            events.pipeInput(DEVICE, DeviceEvent.of(DEVICE, Instant.ofEpochMilli(time), Map.of("temp", value,
                    "speed", (double) (i % 120))));
        }
    }

    @AfterEach
    void close() {
        harness.close();
    }

    private SeriesStores stores(boolean serialized) {
        WindowStore<Bytes, Chunk> raw = harness.driver().getWindowStore(TimeSeriesTopology.RAW_STORE.name());
        Map<String, WindowStore<Bytes, Rollup>> tiers = new HashMap<>();
        settings.tiers().forEach(tier -> tiers.put(tier.name(),
                harness.driver().getWindowStore(TimeSeriesTopology.TIER_STORE_PREFIX + tier.name())));
        SeriesStores decoded = SeriesStores.of(harness.driver().getKeyValueStore(TimeSeriesTopology.OPEN_STORE_NAME),
                harness.driver().getKeyValueStore(TimeSeriesTopology.TAILS_STORE_NAME), raw, tiers);
        return serialized ? StoredChunkStores.of(decoded, raw) : decoded;
    }

    private record Read(List<Long> timestamps, List<Long> valueBits) {
    }

    private static Read read(SeriesStores stores, long span, Bytes key, long from, long to, int limit) {
        List<Long> timestamps = new ArrayList<>();
        List<Long> bits = new ArrayList<>();
        int given = new RawPointReader().read(stores, span, key, from, to, limit, (t, v, offset, n) -> {
            assertThat(n).isPositive();
            for (int i = offset; i < offset + n; i++) {
                timestamps.add(t[i]);
                bits.add(Double.doubleToRawLongBits(v[i]));
            }
        });
        assertThat(given).isEqualTo(timestamps.size());
        return new Read(timestamps, bits);
    }

    private static Read expected(SeriesStores stores, long span, Bytes key, long from, long to, int limit) {
        Chunk all = SeriesReads.raw(stores, span, key, from, to);
        List<Long> timestamps = new ArrayList<>();
        List<Long> bits = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, all.size()); i++) {
            timestamps.add(all.timestamp(i));
            bits.add(Double.doubleToRawLongBits(all.value(i)));
        }
        return new Read(timestamps, bits);
    }

    @Test
    void shouldGiveTheRawReadsPointsBitForBitFromTheStoredBytesForAnyRangeAndLimit() {
        SeriesStores stored = stores(true);
        SeriesStores decoded = stores(false);
        long span = settings.chunkMaxSpan().toMillis();
        Random random = new Random(7);
        for (String metric : List.of("temp", "speed")) {
            Bytes key = SeriesKeys.seriesPrefix(DEVICE, metric);
            Read whole = expected(decoded, span, key, 0, Long.MAX_VALUE, Integer.MAX_VALUE);
            assertThat(whole.timestamps()).hasSizeGreaterThan(900);
            assertThat(read(stored, span, key, 0, Long.MAX_VALUE, Integer.MAX_VALUE)).isEqualTo(whole);
            assertThat(read(decoded, span, key, 0, Long.MAX_VALUE, Integer.MAX_VALUE)).isEqualTo(whole);
            long first = whole.timestamps().get(0);
            long last = whole.timestamps().get(whole.timestamps().size() - 1);
            for (int round = 0; round < 200; round++) {
                long from = first - 10_000 + (long) (random.nextDouble() * (last - first + 20_000));
                long to = from + (long) (random.nextDouble() * (last - from + 20_000));
                int limit = random.nextBoolean() ? Integer.MAX_VALUE : 1 + random.nextInt(400);
                Read want = expected(decoded, span, key, from, to, limit);
                assertThat(read(stored, span, key, from, to, limit)).as("from %d to %d, limit %d", from, to, limit)
                        .isEqualTo(want);
                assertThat(read(decoded, span, key, from, to, limit)).isEqualTo(want);
            }
        }
    }

    @Test
    void shouldGiveNothingForAnEmptyRangeAnUnknownSeriesOrNoRoom() {
        SeriesStores stored = stores(true);
        long span = settings.chunkMaxSpan().toMillis();
        Bytes key = SeriesKeys.seriesPrefix(DEVICE, "temp");
        assertThat(read(stored, span, key, T0 + 100_000, T0 + 100_000, 10).timestamps()).isEmpty();
        assertThat(read(stored, span, key, 0, Long.MAX_VALUE, 0).timestamps()).isEmpty();
        assertThat(read(stored, span, SeriesKeys.seriesPrefix("nobody", "temp"), 0, Long.MAX_VALUE, 10).timestamps())
                .isEmpty();
    }
}
