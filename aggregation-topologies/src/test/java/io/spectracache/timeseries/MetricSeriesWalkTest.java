package io.spectracache.timeseries;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.timeseries.codec.Chunk;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.Test;

class MetricSeriesWalkTest {
    private static final OpenSeriesSerde SERDE = new OpenSeriesSerde("1m", "1h");

    /** An open store in memory that counts how many values it deserialised. */
    private static final class CountingStores implements SeriesStores {
        final NavigableMap<Bytes, byte[]> open = new TreeMap<>();
        int decoded;
        /** Whether {@link #openSerialized} answers (as store handles do), or is empty (as interactive queries are). */
        boolean serialized;

        @Override
        public java.util.Optional<KeyValueIterator<Bytes, byte[]>> openSerialized(Bytes from, Bytes to) {
            if (!serialized) {
                return java.util.Optional.empty();
            }
            Iterator<Map.Entry<Bytes, byte[]>> entries = new ArrayList<>(open.subMap(from, true, to, true).entrySet()).iterator();
            return java.util.Optional.of(new KeyValueIterator<>() {
                @Override
                public boolean hasNext() {
                    return entries.hasNext();
                }

                @Override
                public KeyValue<Bytes, byte[]> next() {
                    Map.Entry<Bytes, byte[]> entry = entries.next();
                    return KeyValue.pair(entry.getKey(), entry.getValue());
                }

                @Override
                public Bytes peekNextKey() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void close() {
                }
            });
        }

        void add(String deviceId, String metric) {
            open.put(SeriesKeys.seriesPrefix(deviceId, metric), SERDE.serialize(null, SERDE.empty()));
        }

        @Override
        public OpenSeries open(Bytes series) {
            byte[] value = open.get(series);
            if (value == null) {
                return null;
            }
            decoded++;
            return SERDE.deserialize(null, value);
        }

        @Override
        public KeyValueIterator<Bytes, OpenSeries> openRange(Bytes from, Bytes to) {
            Iterator<Map.Entry<Bytes, byte[]>> entries = new ArrayList<>(open.subMap(from, true, to, true).entrySet()).iterator();
            return new KeyValueIterator<>() {
                private Map.Entry<Bytes, byte[]> peeked;

                @Override
                public boolean hasNext() {
                    if (peeked == null && entries.hasNext()) {
                        peeked = entries.next();
                    }
                    return peeked != null;
                }

                @Override
                public KeyValue<Bytes, OpenSeries> next() {
                    hasNext();
                    Map.Entry<Bytes, byte[]> entry = peeked;
                    peeked = null;
                    decoded++;
                    return KeyValue.pair(entry.getKey(), SERDE.deserialize(null, entry.getValue()));
                }

                @Override
                public Bytes peekNextKey() {
                    hasNext();
                    return peeked.getKey();
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public DeviceTails tails(Bytes devicePrefix) {
            throw new AssertionError("a walk reads no tails");
        }

        @Override
        public WindowStoreIterator<Chunk> raw(Bytes series, long fromStart, long toStart) {
            throw new AssertionError("a walk reads no chunks");
        }

        @Override
        public WindowStoreIterator<Rollup> tier(RollupTier tier, Bytes series, long fromStart, long toStart) {
            throw new AssertionError("a walk reads no buckets");
        }
    }

    private static List<Bytes> walk(SeriesStores stores, String metric, Bytes from) {
        List<Bytes> found = new ArrayList<>();
        MetricSeriesWalk walk = new MetricSeriesWalk(stores, metric, from);
        for (Bytes series = walk.peek(); series != null; walk.advance(), series = walk.peek()) {
            found.add(series);
        }
        return found;
    }

    @Test
    void shouldFindOneMetricsSeriesWithoutDecodingTheOpenStateOfAnyMetric() {
        CountingStores stores = new CountingStores();
        for (String device : List.of("truck-01", "truck-02", "meter-1", "t")) {
            for (String metric : List.of("a", "battery", "speed", "temp", "zz-last", "voltage")) {
                if (!(device.equals("meter-1") && metric.equals("temp"))) {
                    stores.add(device, metric);
                }
            }
        }

        List<Bytes> found = walk(stores, "temp", null);

        assertThat(found).extracting(key -> SeriesKeys.decodeSeries(key).deviceId())
                .containsExactly("t", "truck-01", "truck-02");
        assertThat(stores.decoded).as("open states decoded by the walk").isZero();
    }

    @Test
    void shouldSeekAboutTwiceADeviceWhateverTheNumberOfMetrics() {
        CountingStores stores = new CountingStores();
        for (int d = 0; d < 100; d++) {
            for (int m = 0; m < 30; m++) {
                stores.add("device-" + d, "metric-" + m);
            }
        }
        MetricSeriesWalk walk = new MetricSeriesWalk(stores, "metric-17", null);
        int found = 0;
        for (Bytes series = walk.peek(); series != null; walk.advance(), series = walk.peek()) {
            found++;
        }

        assertThat(found).isEqualTo(100);
        assertThat(walk.seeks()).isLessThanOrEqualTo(2 * 100 + 1);
    }

    @Test
    void shouldListExactlyTheMetricsSeriesInKeyOrderFromAnyStartingKey() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            CountingStores stores = new CountingStores();
            List<String> metrics = List.of("a", "ab", "b", "temp", "speed", "\u00e9t\u00e9", "x".repeat(130));
            int devices = 1 + random.nextInt(12);
            for (int d = 0; d < devices; d++) {
                String device = random.nextBoolean() ? "d" + random.nextInt(1000) : "dev-" + "y".repeat(random.nextInt(200));
                for (String metric : metrics) {
                    if (random.nextInt(3) > 0) {
                        stores.add(device, metric);
                    }
                }
            }
            String metric = metrics.get(random.nextInt(metrics.size()));
            List<Bytes> keys = new ArrayList<>(stores.open.keySet());
            Bytes from = keys.isEmpty() || random.nextBoolean() ? null : keys.get(random.nextInt(keys.size()));
            List<Bytes> expected = keys.stream()
                    .filter(key -> from == null || key.compareTo(from) >= 0)
                    .filter(key -> SeriesKeys.decodeSeries(key).metric().equals(metric))
                    .toList();

            assertThat(walk(stores, metric, from)).as("round %d, metric %s", round, metric).isEqualTo(expected);
            assertThat(MetricSeriesWalk.all(stores, metric, from)).as("all, walking").isEqualTo(expected);
            stores.serialized = true;
            assertThat(MetricSeriesWalk.all(stores, metric, from)).as("all, one pass over keys").isEqualTo(expected);
            assertThat(stores.decoded).isZero();
        }
    }
}
