package io.spectracache.timeseries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.events.DeviceEvent;
import io.spectracache.testing.TopologyHarness;
import io.spectracache.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.WindowStore;

/**
 * What a query answers, against a naive reference computed from the same events: random readings of a few devices
 * (out of order, all within the grace period, so raw and rollups hold the same readings), random ranges and steps, every aggregate, and the fleet-wide merge of
 * per-instance groups. Buckets may come from either tier or from the raw points (whichever the plan picks); the
 * answer must be the same as the naive one: exact for count, sum, min, max, first and last, and for the quantiles
 * too, since KLL keeps every item of a bucket below 200 of them.
 */
class SeriesAnswersPropertiesTest {
    private static final long T0 = Instant.parse("2026-11-24T19:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private static final String[] DEVICES = {"truck-1", "truck-10", "meter-1"};
    private static final List<Duration> STEPS = List.of(Duration.ofSeconds(30), Duration.ofMinutes(1),
            Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(2));

    record Reading(int device, long offsetMs, int value) {
    }

    record Query(long fromOffset, long length, int step) {
    }

    @Provide
    Arbitrary<List<Reading>> readings() {
        return Combinators.combine(Arbitraries.integers().between(0, DEVICES.length - 1),
                        // Within the grace period of each other (1 h): every reading is kept raw as well as rolled up.
                        Arbitraries.longs().between(0, 59 * MINUTE), Arbitraries.integers().between(-50, 50))
                .as(Reading::new).list().ofMinSize(1).ofMaxSize(120);
    }

    @Provide
    Arbitrary<List<Query>> queries() {
        return Combinators.combine(Arbitraries.longs().between(-30 * MINUTE, 60 * MINUTE),
                        Arbitraries.longs().between(1, 120 * MINUTE), Arbitraries.integers().between(0, STEPS.size() - 1))
                .as(Query::new).list().ofMinSize(1).ofMaxSize(6);
    }

    @Property(tries = 60)
    void shouldAnswerEveryAggregateOfEveryStepAsTheNaiveReference(@ForAll("readings") List<Reading> readings,
                                                                   @ForAll("queries") List<Query> queries) {
        TimeSeriesSettings settings = TimeSeriesSettings.defaults();
        Map<String, TreeMap<Long, Double>> sent = new TreeMap<>();
        try (TopologyHarness harness = TopologyHarness.of(TopologyHarness.validatedEventsFromTopic(),
                        new TimeSeriesTopology(settings)).meters(new SimpleMeterRegistry()).applicationId("series-answers")
                .startingAt(Instant.ofEpochMilli(T0)).build()) {
            TestInputTopic<String, DeviceEvent> events = harness.input(Topics.EVENTS);
            for (Reading reading : readings) {
                String device = DEVICES[reading.device()];
                // Times unique across devices too, so "first" and "last" of the fleet are well defined.
                long ts = T0 + reading.offsetMs() - reading.offsetMs() % DEVICES.length + reading.device();
                if (sent.computeIfAbsent(device, d -> new TreeMap<>()).putIfAbsent(ts, reading.value() / 4.0) == null) {
                    events.pipeInput(device, DeviceEvent.of(device, Instant.ofEpochMilli(ts), Map.of("temp", reading.value() / 4.0)));
                }
            }
            Map<String, WindowStore<Bytes, Rollup>> tiers = new HashMap<>();
            settings.tiers().forEach(tier -> tiers.put(tier.name(),
                    harness.driver().getWindowStore(TimeSeriesTopology.tierStore(tier).name())));
            SeriesStores stores = SeriesStores.of(harness.driver().getKeyValueStore(TimeSeriesTopology.OPEN_STORE_NAME),
                    harness.driver().getKeyValueStore(TimeSeriesTopology.TAILS_STORE_NAME),
                    harness.driver().getWindowStore(TimeSeriesTopology.RAW_STORE.name()), tiers);
            long now = T0 + 60 * MINUTE;
            for (Query query : queries) {
                long from = T0 + query.fromOffset();
                long to = from + query.length();
                BucketPlan plan = BucketPlan.of(from, to, STEPS.get(query.step()), now, settings);
                List<SeriesQueries.Groups> instances = new ArrayList<>();
                for (String device : DEVICES) {
                    NavigableMap<Long, Rollup> answered = plan.read(stores, settings, device, "temp");
                    TreeMap<Long, List<Double>> expected = naive(sent.getOrDefault(device, new TreeMap<>()), plan);
                    assertSame(SeriesQueries.aggregate(answered, List.of(SeriesAgg.values())), expected,
                            device + " " + plan);
                    instances.add(new SeriesQueries.Groups(new TreeMap<>(Map.of("", new SeriesQueries.Group(1,
                            SeriesQueries.encode(answered))))));
                }
                TreeMap<Long, Double> everyPoint = new TreeMap<>();
                sent.values().forEach(everyPoint::putAll);
                TreeMap<Long, List<Double>> fleet = naive(everyPoint, plan);
                SeriesQueries.Groups merged = SeriesQueries.Groups.merge(instances);
                assertSame(SeriesQueries.aggregate(merged.groups().get("").rollups(), List.of(SeriesAgg.values())), fleet,
                        "fleet " + plan);
            }
        }
    }

    /** The values of each bucket of the plan, in time order; empty buckets left out. */
    private static TreeMap<Long, List<Double>> naive(TreeMap<Long, Double> points, BucketPlan plan) {
        TreeMap<Long, List<Double>> buckets = new TreeMap<>();
        points.subMap(plan.from(), true, plan.to(), false).forEach((ts, value) ->
                buckets.computeIfAbsent(plan.startOf(ts), start -> new ArrayList<>()).add(value));
        return buckets;
    }

    private static void assertSame(SeriesQueries.Buckets answered, TreeMap<Long, List<Double>> expected, String what) {
        assertThat(answered.starts()).as("%s bucket starts", what)
                .containsExactly(expected.keySet().stream().mapToLong(Long::longValue).toArray());
        int b = 0;
        for (List<Double> values : expected.values()) {
            List<Double> sorted = new ArrayList<>(values);
            sorted.sort(Double::compare);
            double sum = values.stream().mapToDouble(Double::doubleValue).sum();
            for (SeriesAgg agg : SeriesAgg.values()) {
                double value = answered.values()[agg.ordinal()][b];
                double reference = switch (agg) {
                    case AVG -> sum / values.size();
                    case MIN -> sorted.get(0);
                    case MAX -> sorted.get(sorted.size() - 1);
                    case SUM -> sum;
                    case COUNT -> values.size();
                    case FIRST -> values.get(0);
                    case LAST -> values.get(values.size() - 1);
                    case P50 -> quantile(sorted, 0.50);
                    case P95 -> quantile(sorted, 0.95);
                    case P99 -> quantile(sorted, 0.99);
                };
                assertThat(value).as("%s %s of bucket %d", what, agg, b).isCloseTo(reference, within(1e-9));
            }
            b++;
        }
    }

    /** The smallest value whose share of values at or below it reaches {@code rank}. */
    private static double quantile(List<Double> sorted, double rank) {
        return sorted.get(Math.max(0, (int) Math.ceil(rank * sorted.size()) - 1));
    }
}
