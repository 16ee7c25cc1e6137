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
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Random event sequences (in order, late by seconds to days, past every retention, with and without a tenant) against
 * a model written from the contract on {@link SketchesTopology}: an event counts in each window of its lane that is
 * still kept when it arrives; a window is dropped once its retention has passed; a distinct count over a range is the
 * union of the windows {@link WindowCover} plans. Counts stay below a hundred devices, where an HLL sketch is exact.
 */
class SketchPropertiesTest {
    private static final long T0 = Instant.parse("2026-11-24T19:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private static final long HOUR = 60 * MINUTE;
    private static final List<WindowSpec> WINDOWS = WindowSpec.parseList("1m:20m,10m:2h,1h:6h");
    private static final DistinctDefinition DEVICES = new DistinctDefinition("devices", SketchField.DEVICE_ID,
            Optional.of(SketchField.TENANT), WINDOWS);
    private static final SketchSettings SETTINGS = SketchSettings.defaults().withDistinct(List.of(DEVICES))
            .withTopK(List.of()).withFilters(List.of());
    private static final String[] TENANTS = {"acme", "globex", null};

    /** One event: its device, tenant (index, the last none), how far the fleet's time moved, and how late it is. */
    record Op(int device, int tenant, long advanceMs, long lateMs) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Long> late = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.just(0L)),
                net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(0, 15 * MINUTE)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, 8 * HOUR)));
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 59),
                Arbitraries.integers().between(0, TENANTS.length - 1), Arbitraries.longs().between(0, 12 * MINUTE),
                late).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(120);
    }

    /** The contract's model: which devices each window of each lane counted, and the newest event time. */
    static final class Model {
        long clock = Long.MIN_VALUE;
        final Map<String, Set<String>> windows = new HashMap<>();

        static String key(String group, WindowSpec spec, long start) {
            return group + "|" + spec.sizeMs() + "|" + start;
        }

        void add(String device, String tenant, long t) {
            clock = Math.max(clock, t);
            for (String group : tenant == null ? new String[] {"*"} : new String[] {"*", tenant}) {
                for (WindowSpec spec : WINDOWS) {
                    long start = spec.startOf(t);
                    if (spec.isKept(start, clock)) {
                        windows.computeIfAbsent(key(group, spec, start), k -> new HashSet<>()).add(device);
                    }
                }
            }
        }
    }

    @Property(tries = 60)
    void shouldCountWhatTheContractCountsAndDropWhatItsRetentionDrops(@ForAll("ops") List<Op> ops,
            @ForAll @LongRange(min = 0, max = 10 * HOUR) long queryOffset,
            @ForAll @LongRange(min = 1, max = 8 * HOUR) long queryLength) {
        Model model = new Model();
        try (TopologyHarness harness = TopologyHarness.of(TopologyHarness.validatedEventsFromTopic(),
                new SketchesTopology(SETTINGS)).applicationId("sketch-properties").startingAt(Instant.ofEpochMilli(T0))
                .build()) {
            TestInputTopic<String, DeviceEvent> input = harness.input(Topics.EVENTS);
            long fleet = T0;
            for (Op op : ops) {
                fleet += op.advanceMs();
                long t = fleet - op.lateMs();
                String device = "truck-" + op.device();
                String tenant = TENANTS[op.tenant()];
                input.pipeInput(device, new DeviceEvent(device, Instant.ofEpochMilli(t), null, tenant, Map.of(), null,
                        Map.of()));
                model.add(device, tenant, t);
            }
            KeyValueStore<Bytes, SketchWindow> windows = harness.driver().getKeyValueStore(
                    SketchesTopology.WINDOWS_STORE.name());
            SketchStores stores = SketchStores.of(windows, harness.driver().getKeyValueStore(
                    SketchesTopology.SEEN_STORE.name()), null);
            long clock = SketchReads.clock(stores);
            assertThat(WINDOWS.get(0).startOf(clock)).as("the stored clock is in the newest event's finest window")
                    .isEqualTo(WINDOWS.get(0).startOf(model.clock));

            // Stored windows: every window the model counted that is kept at the clock, and none expired by the last
            // sweep (which ran at the latest in the clock's finest window).
            long sweptAt = WINDOWS.get(0).startOf(model.clock);
            Set<String> stored = new HashSet<>();
            try (KeyValueIterator<Bytes, SketchWindow> all = windows.all()) {
                all.forEachRemaining(entry -> {
                    SketchKeys.WindowKey key = SketchKeys.decodeWindow(entry.key);
                    WindowSpec spec = WINDOWS.stream().filter(w -> w.sizeMs() == key.size()).findFirst().orElseThrow();
                    assertThat(spec.isKept(key.start(), sweptAt)).as("stored but expired: %s", key).isTrue();
                    stored.add(Model.key(key.group() == null ? "*" : key.group(), spec, key.start()));
                });
            }
            for (String counted : model.windows.keySet()) {
                String[] parts = counted.split("\\|");
                WindowSpec spec = WINDOWS.stream().filter(w -> w.sizeMs() == Long.parseLong(parts[1])).findFirst()
                        .orElseThrow();
                if (spec.isKept(Long.parseLong(parts[2]), model.clock)) {
                    assertThat(stored).as("kept window").contains(counted);
                }
            }

            long from = T0 + queryOffset;
            WindowCover cover = WindowCover.plan(WINDOWS, from, from + queryLength, clock);
            for (String group : new String[] {null, "acme", "globex"}) {
                Set<String> expected = new HashSet<>();
                for (WindowCover.Window window : cover.windows()) {
                    WindowSpec spec = WINDOWS.stream().filter(w -> w.sizeMs() == window.size()).findFirst().orElseThrow();
                    expected.addAll(model.windows.getOrDefault(Model.key(group == null ? "*" : group, spec,
                            window.start()), Set.of()));
                }
                SketchReads.DistinctPart part = SketchReads.distinct(stores, DEVICES, group, cover);
                assertThat(Math.round(part.estimate())).as("group %s over %s", group, cover).isEqualTo(expected.size());
            }
            List<String> groups = new ArrayList<>(SketchReads.groups(stores, DEVICES, from, from + queryLength));
            for (String group : groups) {
                assertThat(Math.round(SketchReads.distinct(stores, DEVICES, group, cover).estimate()))
                        .as("a listed group has events in the range").isPositive();
            }
        }
    }
}
