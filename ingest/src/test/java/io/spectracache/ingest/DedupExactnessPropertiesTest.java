package io.spectracache.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.events.DeviceEvent;
import io.spectracache.testing.TopologyHarness;
import io.spectracache.topics.Topics;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * De-duplication stays exact (issue 7, "Tests"): for random interleavings of originals and resends of a few devices
 * and event ids, with receipt times on and around the window edge, processed in receipt order or reordered as the
 * {@code ingest-by-device} repartition can reorder them, {@code spectra.events} carries exactly the events an
 * independent model of the contract keeps, in the same order, with or without a restart in the middle.
 *
 * <p>The model, from the Javadoc of {@link IngestTopology} and {@link DedupProcessor}: the window is measured on
 * the raw record's Kafka timestamp ({@link RawTimestampExtractor}, carried by {@link ReceivedAt}), never on event
 * time (every event here has the same event time); an event with an id is dropped iff an event of the same device
 * with the same id was already written to {@code spectra.events} with a receipt time at most the window away,
 * before or after (symmetric, both ends inclusive); an event without an id is never dropped. The contract's one
 * stated limit (an original older than the newest receipt minus the window may be forgotten early when receipt
 * times run backwards) is not asserted either way: interleavings that reach it are discarded, and only those.
 *
 * <p>The layout under test is {@link DedupStore}'s: ids in memory per device, written behind as one batch per device
 * per commit (TopologyTestDriver commits after every record), loaded back from the store after a restart or once the
 * memory budget evicted the device.
 */
class DedupExactnessPropertiesTest {
    private static final Instant NOW = Instant.parse("2026-11-24T19:00:00Z");
    private static final String EVENT_TIME = "2026-11-24T18:58:30.250Z";
    private static final long WINDOW_MS = 10_000;
    private static final String APPLICATION_ID = "dedup-properties";
    private static final String CHANGELOG = APPLICATION_ID + "-" + IngestTopology.DEDUP_STORE.name() + "-changelog";
    /** Receipt offsets from an original: on the edge, one millisecond either side of it, and the same instant. */
    private static final List<Long> EDGE_OFFSETS = List.of(0L, 1L, WINDOW_MS - 1, WINDOW_MS, WINDOW_MS + 1);

    /** One raw record as a producer sent it: {@code receivedAt} is its Kafka timestamp, in ms after {@link #NOW}. */
    record Sent(int copy, String deviceId, String eventId, long receivedAt) {
        String json() {
            return "{\"deviceId\":\"" + deviceId + "\",\"ts\":\"" + EVENT_TIME + "\""
                    + (eventId == null ? "" : ",\"eventId\":\"" + eventId + "\"")
                    + ",\"attributes\":{\"copy\":\"" + copy + "\"}}";
        }
    }

    /**
     * Regression (issue 7), found by the property below: the store kept ids for exactly the window, and Kafka Streams
     * expires a window-store entry once it is a full retention behind the newest timestamp put, so an original
     * received exactly one window before a later receipt of any device on the partition was forgotten, although the
     * window is inclusive. Fixed by a retention of window + 1 ms.
     */
    @Test
    void shouldDropAResendExactlyOneWindowAfterItsOriginalWhenAnotherDeviceSentAtThatInstant() {
        List<Sent> sent = List.of(new Sent(0, "d-0", "e-1", 0), new Sent(1, "d-1", "e-0", WINDOW_MS),
                new Sent(2, "d-0", "e-1", WINDOW_MS));

        try (TopologyHarness harness = harness()) {
            assertThat(run(harness, sent)).containsExactly(0, 1);
        }
    }

    @Property(tries = 100)
    void shouldWriteExactlyTheEventsTheContractKeepsInProcessingOrder(@ForAll("interleavings") List<Sent> sent) {
        List<Integer> expected = expectedCopies(sent);

        List<Integer> written;
        try (TopologyHarness harness = harness()) {
            written = run(harness, sent);
        }

        assertThat(written).as("copies written to spectra.events, for %s", sent).isEqualTo(expected);
    }

    @Property(tries = 40)
    void shouldStayExactAcrossARestartThatRestoresTheStoreFromItsChangelog(
            @ForAll("interleavings") List<Sent> sent, @ForAll Random random) {
        List<Integer> expected = expectedCopies(sent);
        // Always between two records, so there is state to carry over and events to decide after it.
        int restartAt = sent.size() < 2 ? sent.size() : 1 + random.nextInt(sent.size() - 1);

        List<Integer> written = new ArrayList<>();
        List<TestRecord<byte[], byte[]>> changelog;
        try (TopologyHarness before = harness()) {
            written.addAll(run(before, sent.subList(0, restartAt)));
            changelog = before.driver().createOutputTopic(CHANGELOG, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                    .readRecordsToList();
        }
        try (TopologyHarness after = harness()) {
            restore(after, changelog);
            written.addAll(run(after, sent.subList(restartAt, sent.size())));
        }

        assertThat(written).as("copies written to spectra.events with a restart before %d of %s", restartAt, sent)
                .isEqualTo(expected);
    }

    /**
     * The memory layout (issue 7): ids are held in memory per device and written behind once per device per commit;
     * with a budget of a few ids, devices leave memory between their events (their pending ids written out early)
     * and load back from the store, so every decision below goes through that path, with or without a restart.
     */
    @Property(tries = 60)
    void shouldStayExactWhenTheMemoryBudgetEvictsDevicesBetweenTheirEvents(
            @ForAll("interleavings") List<Sent> sent, @ForAll Random random) {
        List<Integer> expected = expectedCopies(sent);
        long budget = 1 + random.nextInt(3);
        boolean restart = random.nextBoolean() && sent.size() >= 2;
        int restartAt = restart ? 1 + random.nextInt(sent.size() - 1) : sent.size();

        List<Integer> written = new ArrayList<>();
        List<TestRecord<byte[], byte[]>> changelog;
        try (TopologyHarness before = harness(budget)) {
            written.addAll(run(before, sent.subList(0, restartAt)));
            changelog = before.driver().createOutputTopic(CHANGELOG, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                    .readRecordsToList();
        }
        if (restart) {
            try (TopologyHarness after = harness(budget)) {
                restore(after, changelog);
                written.addAll(run(after, sent.subList(restartAt, sent.size())));
            }
        }

        assertThat(written).as("copies written to spectra.events with %d ids of memory%s, for %s", budget,
                restart ? " and a restart before " + restartAt : "", sent).isEqualTo(expected);
    }

    private static TopologyHarness harness() {
        return harness(IngestSettings.DEFAULT_DEDUP_MEMORY_MAX_IDS);
    }

    private static TopologyHarness harness(long memoryMaxIds) {
        IngestSettings settings = IngestSettings.defaults().withDedupWindow(Duration.ofMillis(WINDOW_MS))
                .withDedupMemoryMaxIds(memoryMaxIds);
        return TopologyHarness.of(new IngestTopology(settings, Clock.fixed(NOW, ZoneOffset.UTC)))
                .applicationId(APPLICATION_ID).startingAt(NOW).build();
    }

    /** Pipes {@code sent} in list order, each with its receipt time as the raw record timestamp; the copies written. */
    private static List<Integer> run(TopologyHarness harness, List<Sent> sent) {
        TestInputTopic<byte[], byte[]> raw = harness.input(Topics.EVENTS_RAW);
        TestOutputTopic<String, DeviceEvent> events = harness.output(Topics.EVENTS);
        for (Sent s : sent) {
            raw.pipeInput(new TestRecord<>((byte[]) null, s.json().getBytes(UTF_8), NOW.plusMillis(s.receivedAt())));
        }
        return events.readValuesToList().stream().map(e -> Integer.valueOf(e.attributes().get("copy"))).toList();
    }

    /**
     * What Kafka Streams does when a task starts without local state: every changelog record, in order, back into
     * the store. The de-duplication store ({@link DedupStore}) keeps its ids in a window store below it: a changelog
     * key is the device id, then the batch's window start (8 bytes) and a sequence number (4 bytes); the value an
     * {@link IdBatch}. TopologyTestDriver wipes its state directory on close and never restores, hence the replay by
     * hand, into the window store under the memory, which starts empty as after a real restart. If the layout
     * changes, this method is the one to adapt: it fails here rather than let the property pass without a restore.
     */
    private static void restore(TopologyHarness harness, List<TestRecord<byte[], byte[]>> changelog) {
        StateStore outer = harness.driver().getStateStore(IngestTopology.DEDUP_STORE.name());
        assertThat(outer).as("the de-duplication store is a DedupStore").isInstanceOf(DedupStore.class);
        WindowStore<String, IdBatch> store = ((DedupStore) outer).wrapped();
        StringDeserializer keys = new StringDeserializer();
        for (TestRecord<byte[], byte[]> record : changelog) {
            byte[] binary = record.key();
            String key = keys.deserialize(CHANGELOG, Arrays.copyOfRange(binary, 0, binary.length - 12));
            long windowStart = ByteBuffer.wrap(binary, binary.length - 12, 8).getLong();
            store.put(key, IdBatch.Serde.INSTANCE.deserialize(CHANGELOG, record.value()), windowStart);
        }
    }

    /**
     * The model: the copies the contract writes, in processing order. Discards (via {@link Assume}) the
     * interleavings that reach the contract's stated limit, where the outcome is not specified.
     */
    static List<Integer> expectedCopies(List<Sent> sent) {
        Map<String, List<Long>> written = new HashMap<>();
        List<Integer> copies = new ArrayList<>();
        long newest = Long.MIN_VALUE;
        boolean reachedLimit = false;
        boolean droppedAtEdge = false;
        boolean droppedReordered = false;
        for (Sent s : sent) {
            long before = newest;
            newest = Math.max(newest, s.receivedAt());
            if (s.eventId() == null) {
                copies.add(s.copy());
                continue;
            }
            List<Long> times = written.computeIfAbsent(s.deviceId() + "\u0000" + s.eventId(), k -> new ArrayList<>());
            List<Long> within = times.stream().filter(t -> Math.abs(t - s.receivedAt()) <= WINDOW_MS).toList();
            reachedLimit |= within.stream().anyMatch(t -> t < before - WINDOW_MS);
            if (within.isEmpty()) {
                times.add(s.receivedAt());
                copies.add(s.copy());
            } else {
                droppedAtEdge |= within.stream().anyMatch(t -> Math.abs(t - s.receivedAt()) == WINDOW_MS);
                droppedReordered |= within.stream().anyMatch(t -> t > s.receivedAt());
            }
        }
        Assume.that(!reachedLimit);
        Statistics.label("dropped exactly at the edge").collect(droppedAtEdge);
        Statistics.label("dropped a resend received before its original").collect(droppedReordered);
        Statistics.label("records").collect(sent.size() < 6 ? "< 6" : sent.size() < 12 ? "6-11" : ">= 12");
        Statistics.label("written / sent").collect(copies.size() * 4 / Math.max(1, sent.size()) + "/4");
        return copies;
    }

    /**
     * A few originals (3 devices × 3 ids, so ids repeat across devices and over time), each with resends on and
     * around the window edge either side, plus events without an id; then processed in receipt order, or with
     * some records moved earlier or later as the repartition can reorder them.
     */
    @Provide
    Arbitrary<List<Sent>> interleavings() {
        Arbitrary<long[]> original = Combinators.combine(
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 3),
                Arbitraries.of(0L, WINDOW_MS / 2, WINDOW_MS, 2 * WINDOW_MS).injectDuplicates(0.3)
                        .flatMap(base -> Arbitraries.longs().between(0, 3 * WINDOW_MS).map(r -> r % 2 == 0 ? base : r)))
                .as((device, id, at) -> new long[] {device, id, at});
        Arbitrary<Long> resendOffset = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(EDGE_OFFSETS).flatMap(o -> Arbitraries.of(o, -o))),
                Tuple.of(1, Arbitraries.longs().between(-2 * WINDOW_MS, 2 * WINDOW_MS)));
        Arbitrary<List<long[]>> groups = original.flatMap(o -> resendOffset.list().ofMaxSize(3).map(offsets -> {
            List<long[]> group = new ArrayList<>();
            group.add(o);
            offsets.forEach(offset -> group.add(new long[] {o[0], o[1], o[2] + offset}));
            return group;
        })).list().ofMinSize(1).ofMaxSize(5).map(all -> all.stream().flatMap(List::stream).toList());
        Arbitrary<List<long[]>> withoutId = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.longs().between(0, 3 * WINDOW_MS)).as((device, at) -> new long[] {device, -1, at})
                .list().ofMaxSize(3);
        Arbitrary<Integer> jitter = Arbitraries.frequency(Tuple.of(1, 0), Tuple.of(1, 1))
                .flatMap(moved -> moved == 0 ? Arbitraries.just(0) : Arbitraries.integers().between(-4, 4));
        return Combinators.combine(groups, withoutId, jitter.list().ofSize(20), Arbitraries.of(true, false))
                .as((records, noIds, jitters, inReceiptOrder) -> {
                    List<long[]> all = new ArrayList<>(records);
                    all.addAll(noIds);
                    List<Sent> sent = IntStream.range(0, all.size()).mapToObj(i -> new Sent(i, "d-" + all.get(i)[0],
                            all.get(i)[1] < 0 ? null : "e-" + all.get(i)[1], all.get(i)[2] + 2 * WINDOW_MS)).toList();
                    List<Sent> ordered = new ArrayList<>(sent);
                    ordered.sort(Comparator.comparingLong(Sent::receivedAt));
                    if (inReceiptOrder) {
                        return ordered;
                    }
                    // Each record may move a few places from its receipt-order position, as the merge of the in-place
                    // and repartitioned streams can deliver it.
                    double[] position = new double[ordered.size()];
                    for (int i = 0; i < position.length; i++) {
                        position[i] = i + jitters.get(i % jitters.size()) + 0.5 * i / position.length;
                    }
                    Integer[] order = IntStream.range(0, ordered.size()).boxed().toArray(Integer[]::new);
                    Arrays.sort(order, Comparator.comparingDouble(i -> position[i]));
                    return Arrays.stream(order).map(ordered::get).toList();
                });
    }
}
