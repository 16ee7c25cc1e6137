package io.spectracache.sketches;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.events.DeviceEvent;
import io.spectracache.testing.TopologyHarness;
import io.spectracache.topics.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Merging across partitions (issue 9, "Merge"): two topologies stand for two partitions on two instances, each fed the
 * events of its own devices, as Kafka Streams partitions them. What the query service does with their parts
 * ({@link SketchMerge}) answers for the whole fleet: distinct counts within their bounds of the exact count of the
 * union (customers appear on both partitions), top-K counts exact while few items are tracked, membership as the OR.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SketchPartitionsTest {
    private static final int EVENTS = 8_000;
    private static final int CUSTOMERS = 6_000;
    private static final long T0 = Instant.parse("2026-11-24T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000;
    private static final DistinctDefinition SHOPPERS = new DistinctDefinition("shoppers",
            SketchField.parse("attributes.customer"), Optional.of(SketchField.parse("attributes.store")),
            WindowSpec.parseList("1m:2d,1h:30d,1d:365d"));
    private static final SketchSettings SETTINGS = SketchSettings.defaults().withDistinct(List.of(
            SketchSettings.defaults().distinct().get(0), SHOPPERS));

    private final List<TopologyHarness> partitions = new ArrayList<>();
    private final Map<String, Set<String>> customersByStore = new HashMap<>();
    private final Set<String> customers = new HashSet<>();
    private final Map<String, Long> eventsByDevice = new HashMap<>();

    @BeforeAll
    void feed() {
        for (int p = 0; p < 2; p++) {
            partitions.add(TopologyHarness.of(TopologyHarness.validatedEventsFromTopic(), new SketchesTopology(SETTINGS))
                    .applicationId("sketch-partitions").startingAt(Instant.ofEpochMilli(T0)).build());
        }
        List<TestInputTopic<String, DeviceEvent>> inputs = partitions.stream().map(h -> h.input(Topics.EVENTS)).toList();
        Random random = new Random(3);
        for (int i = 0; i < EVENTS; i++) {
            String device = "till-" + random.nextInt(40);
            String store = "store-" + device.hashCode() % 5;
            String customer = "customer-" + random.nextInt(CUSTOMERS);
            long at = T0 + i * 20_000L;
            inputs.get(Math.floorMod(device.hashCode(), 2)).pipeInput(device, new DeviceEvent(device,
                    Instant.ofEpochMilli(at), null, "acme", Map.of(), null, Map.of("customer", customer, "store", store)));
            customers.add(customer);
            customersByStore.computeIfAbsent(store, s -> new HashSet<>()).add(customer);
            eventsByDevice.merge(device, 1L, Long::sum);
        }
    }

    @AfterAll
    void close() {
        partitions.forEach(TopologyHarness::close);
    }

    private List<SketchStores> stores() {
        return partitions.stream().map(h -> SketchStores.of(
                h.driver().<org.apache.kafka.common.utils.Bytes, SketchWindow>getKeyValueStore(
                        SketchesTopology.WINDOWS_STORE.name()),
                h.driver().<org.apache.kafka.common.utils.Bytes, SeenRange>getKeyValueStore(
                        SketchesTopology.SEEN_STORE.name()),
                h.driver().<org.apache.kafka.common.utils.Bytes, BloomBlock>getKeyValueStore(
                        SketchesTopology.FILTERS_STORE.name()))).toList();
    }

    @Test
    void shouldCountTheUnionOfBothPartitionsWithinItsBounds() {
        long to = T0 + 2 * 24 * HOUR;

        List<byte[]> parts = new ArrayList<>();
        for (SketchStores partition : stores()) {
            SketchReads.DistinctPart part = SketchReads.distinct(partition, SHOPPERS, null, T0, to);
            assertThat(part.windows()).as("a few days and the open end: days, not hours").isLessThanOrEqualTo(4);
            parts.add(part.sketch());
        }
        SketchMerge.Estimate all = SketchMerge.estimate(SketchMerge.unionDistinct(parts));

        assertThat(customers.size()).as("enough customers for the sketches' HLL mode").isGreaterThan(4_000);
        assertThat(all.lower95()).isLessThanOrEqualTo(customers.size());
        assertThat(all.upper95()).isGreaterThanOrEqualTo(customers.size());
        for (Map.Entry<String, Set<String>> store : customersByStore.entrySet()) {
            List<byte[]> storeParts = new ArrayList<>();
            for (SketchStores partition : stores()) {
                storeParts.add(SketchReads.distinct(partition, SHOPPERS, store.getKey(), T0, to).sketch());
            }
            SketchMerge.Estimate estimate = SketchMerge.estimate(SketchMerge.unionDistinct(storeParts));
            assertThat(Math.abs(estimate.estimate() - store.getValue().size()) / store.getValue().size())
                    .as(store.getKey()).isLessThan(2 * SketchAccuracyTest.RSE);
        }
    }

    @Test
    void shouldCountTheUnionOfHourlyStepsAsTheHoursTheyCover() {
        List<List<SketchReads.DistinctBucket>> series = new ArrayList<>();
        for (SketchStores partition : stores()) {
            series.add(SketchReads.distinctSeries(partition, SHOPPERS, null, T0, T0 + 44 * HOUR, HOUR));
        }
        assertThat(series.get(0)).hasSize(44);
        for (int hour = 0; hour < 44; hour++) {
            long start = T0 + hour * HOUR;
            Set<String> inHour = new HashSet<>();
            Random random = new Random(3);
            for (int i = 0; i < EVENTS; i++) {
                random.nextInt(40);
                String customer = "customer-" + random.nextInt(CUSTOMERS);
                long at = T0 + i * 20_000L;
                if (at >= start && at < start + HOUR) {
                    inHour.add(customer);
                }
            }
            int h = hour;
            SketchMerge.Estimate estimate = SketchMerge.estimate(SketchMerge.unionDistinct(series.stream()
                    .map(s -> s.get(h).part().sketch()).toList()));
            assertThat(Math.round(estimate.estimate())).as("hour %d", hour).isEqualTo(inHour.size());
        }
    }

    @Test
    void shouldMergeTopKCountsAndMembershipAcrossPartitions() {
        TopKDefinition noisiest = SETTINGS.topK(SketchSettings.NOISIEST_DEVICES).orElseThrow();
        FilterDefinition seen = SETTINGS.filter(SketchSettings.SEEN_DEVICES).orElseThrow();
        List<byte[]> parts = new ArrayList<>();
        for (SketchStores partition : stores()) {
            parts.add(SketchReads.topK(partition, noisiest, T0, T0 + 3 * 24 * HOUR).sketch());
        }

        List<SketchMerge.HeavyHitter> top = SketchMerge.heavyHitters(SketchMerge.mergeTopK(parts, 256), 100);

        assertThat(top).hasSize(eventsByDevice.size());
        top.forEach(hitter -> assertThat(hitter.estimate()).as(hitter.item())
                .isEqualTo(eventsByDevice.get(hitter.item())));
        for (String device : eventsByDevice.keySet()) {
            boolean maybe = false;
            for (SketchStores partition : stores()) {
                maybe |= SketchReads.mightContain(partition, seen, device);
            }
            assertThat(maybe).as(device).isTrue();
        }
    }
}
