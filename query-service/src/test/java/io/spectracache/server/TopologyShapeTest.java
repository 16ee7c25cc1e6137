package io.spectracache.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.routing.Instance;
import io.spectracache.state.WriteBehindKeyValueStore;
import io.spectracache.topics.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shape of the one topology, composed exactly as {@link StreamsRuntime} composes it (issue 7, item 3): the event
 * path has no repartition and no per-event changelog write that is not on the lists below, and every capability
 * hangs off ingest's sub-topology. A capability that adds one gets a message saying what it did and where the rule
 * is written; if the new cost is intended, it goes on the list with the reason.
 */
class TopologyShapeTest {
    private static final String APPLICATION_ID = "topology-shape";
    private static final String RULES = "see the README, section \"Adding a capability\", item 7 (the hot path rules)";

    /** Repartition topics (as {@code describe()} names them, without the application id), each with why it must exist. */
    private static final Map<String, String> ALLOWED_REPARTITIONS = Map.of(
            "ingest-by-device-repartition",
            "ingest moves events that producers did not key by device onto their device's partition, so de-duplication "
                    + "and every per-device store are exact; events already in place skip it",
            "kv-writes-rerouted-repartition",
            "cache writes from producers with another partitioner (kcat's) move to the partition point reads look "
                    + "at; writes already in place skip it. On the kv.writes path, never on the event path");

    /**
     * Changelogged stores that write one changelog record per input record (no record cache, no write-behind), with
     * why. A new capability that folds device events belongs here only if each event's record is what the product
     * needs.
     */
    private static final Map<String, String> ALLOWED_PER_EVENT_CHANGELOGS = Map.of(
            "kv-cache",
            "the key-value cache, fed by spectra.kv.writes (a user's write, not a device event): caching is off so point "
                    + "and range queries see the same latest state (KeyValueTopology)");

    /** A store that batches by itself: the class of its outermost layer, and how it batches. */
    private record WriteBehind(String layer, String how) {
    }

    /** A store built by schemas' WriteBehindStores, and how it batches. */
    private static WriteBehind writtenBehind(String how) {
        return new WriteBehind(WriteBehindKeyValueStore.class.getSimpleName(), how);
    }

    /**
     * Stores that batch by themselves (a custom StoreBuilder that changelogs once per key per commit), which the
     * record-cache layer check cannot see: name them here with how they batch. Checked against their layers too.
     */
    private static final Map<String, WriteBehind> WRITE_BEHIND_STORES = Map.of(
            "ingest-dedup",
            new WriteBehind("DedupStore", "the ids each device sent are held in memory and written as one batch per device "
                    + "per commit, when Kafka Streams flushes before the commit (issue 7: it was one record per event)"),
            "device-state",
            writtenBehind("an event updates the state object; each device "
                    + "updated since the last commit is serialised and changelogged once, when Kafka Streams flushes before "
                    + "the commit"),
            "timeseries-open-tails",
            writtenBehind("a reading changes its series' open chunk and buckets (objects) and logs what it "
                    + "did; each device changed since the last commit is changelogged once, with what its series logged "
                    + "since its last record (TailSegmentsStore)"),
            "spatial-index",
            writtenBehind("a position rewrites its device's index entry (a pending put, and a pending delete "
                    + "when the device changed cell; objects); each key changed since the last commit is changelogged "
                    + "once per commit"),
            "spatial-devices",
            writtenBehind("written when a device changes cell or fence membership, as an object; "
                    + "changelogged once per device per commit"),
            "spatial-fence-members",
            writtenBehind("written at geofence transitions only (not per event), and then once per key per "
                    + "commit"),
            "sketches-windows",
            writtenBehind("an event updates the HLL and frequent-items objects of its windows; each window "
                    + "changed since the last commit is serialised and changelogged once"),
            "sketches-seen",
            writtenBehind("an event moves its lanes' last-seen time and the partition clock (objects); "
                    + "each lane changed since the last commit is changelogged once"),
            "sketches-filters",
            writtenBehind("a new value sets bits in one Bloom block (an object); each block changed since "
                    + "the last commit is changelogged once"));

    /**
     * Changelogged stores without a record cache that hold a series' whole open state (its base), written when the
     * series is created and then once per so many readings (TimeSeriesProcessor.REBASE_AFTER_READINGS), not per
     * event: checked by measurement.
     */
    private static final Map<String, String> BASE_STORES = Map.of(
            "timeseries-open",
            "one record when a series is created, then one per 128 of its readings (sooner for a device whose tails pass "
                    + "256 KiB, or when the sweep seals it)");

    /**
     * Changelogged stores without a record cache that are written when a chunk or bucket is sealed (and when a late
     * point lands in a sealed one), not per event: checked by measurement, since no layer shows it.
     */
    private static final Map<String, String> SEALED_STORES = Map.of(
            "timeseries-raw",
            "one record per sealed raw chunk (up to chunk.max.points points), and one per late point merged into one",
            "timeseries-rollup-1m",
            "one record per sealed 1-minute bucket of a series, and one per late point merged into one",
            "timeseries-rollup-1h",
            "one record per sealed 1-hour bucket of a series, and one per late point merged into one");

    /** Every sub-topology, by its source topics, with why it is not part of ingest's. */
    private static final Map<Set<String>, String> ALLOWED_SUBTOPOLOGIES = Map.of(
            Set.of("spectra.events.raw", "ingest-by-device-repartition"),
            "ingest, and every capability that folds device events (attached to TopologyContext.events())",
            Set.of("spectra.kv.writes", "kv-writes-rerouted-repartition"),
            "the key-value cache folds its own input topic, not device events");

    @TempDir
    Path stateDir;

    private Topology topology;
    private TopologyTestDriver driver;

    @BeforeEach
    void compose() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SpectraConfig config = SpectraConfig.of(Map.of());
        Properties props = StreamsRuntime.properties(config, "unused:9092", new Instance("localhost", 7070), registry);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // As production: partition counts known, so events already on their device's partition skip the hop.
        topology = TopologyComposer.compose(Capabilities.ALL, config, registry, topic -> 4, props);
        driver = new TopologyTestDriver(topology, props, Instant.parse("2026-11-24T19:00:00Z"));
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void shouldAddNoRepartitionTopicBeyondTheAllowedOnes() {
        Set<String> repartitions = new TreeSet<>();
        for (TopologyDescription.Subtopology subtopology : topology.describe().subtopologies()) {
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Sink sink && sink.topic() != null && sink.topic().endsWith("-repartition")) {
                    repartitions.add(sink.topic());
                }
                if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                    source.topicSet().stream().filter(topic -> topic.endsWith("-repartition")).forEach(repartitions::add);
                }
            }
        }

        assertThat(repartitions)
                .as("repartition topics of the composed topology. A repartition is a second Kafka write and read of "
                        + "every event it carries: attach to TopologyContext.events(), which is already partitioned by "
                        + "device, instead of re-keying or grouping by another key (%s). If this one is intended, add "
                        + "it to ALLOWED_REPARTITIONS with why it is needed", RULES)
                .isEqualTo(ALLOWED_REPARTITIONS.keySet());
    }

    @Test
    void shouldWriteAChangelogRecordPerEventOnlyForTheAllowedStores() {
        Map<String, List<String>> layers = new TreeMap<>();
        driver.getAllStateStores().forEach((name, store) -> layers.put(name, layersOf(store)));
        Set<String> changelogged = layers.entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(layer -> layer.startsWith("ChangeLogging")))
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
        // Measured as well: a store whose changelog receives records is changelogged, whatever its layers say (a
        // custom store may log by itself).
        pipeEventsOfOneDevice(3);
        driver.producedTopicNames().stream()
                .filter(topic -> topic.startsWith(APPLICATION_ID + "-") && topic.endsWith("-changelog"))
                .map(topic -> topic.substring(APPLICATION_ID.length() + 1, topic.length() - "-changelog".length()))
                .forEach(changelogged::add);
        Set<String> perEvent = changelogged.stream()
                .filter(store -> !WRITE_BEHIND_STORES.containsKey(store))
                .filter(store -> !SEALED_STORES.containsKey(store))
                .filter(store -> !BASE_STORES.containsKey(store))
                .filter(store -> layers.getOrDefault(store, List.of()).stream()
                        .noneMatch(layer -> layer.startsWith("Caching") || layer.startsWith("TimeOrderedCaching")))
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(perEvent)
                .as("changelogged stores without a record cache or write-behind (store layers: %s). Each writes one "
                        + "changelog record per update, i.e. a Kafka write per event: build the store with caching "
                        + "enabled (withCachingEnabled(), Materialized default) so updates collapse to one record per "
                        + "key per commit (%s). If the per-event record is what the product needs, add the store to "
                        + "ALLOWED_PER_EVENT_CHANGELOGS with why; if it batches by itself, to WRITE_BEHIND_STORES; if "
                        + "it is written once per sealed chunk or bucket, to SEALED_STORES",
                        layers, RULES)
                .isEqualTo(ALLOWED_PER_EVENT_CHANGELOGS.keySet());
        assertThat(changelogged).as("the changelogged stores include the write-behind ones named here")
                .containsAll(WRITE_BEHIND_STORES.keySet());
        WRITE_BEHIND_STORES.forEach((store, writeBehind) -> assertThat(layers.get(store))
                .as("store %s is named a write-behind store (%s), so its outermost layer must be %s", store,
                        writeBehind.how(), writeBehind.layer())
                .first().isEqualTo(writeBehind.layer()));
    }

    @Test
    void shouldWriteTheSealedStoresNothingWhileEventsFillOpenChunksAndBuckets() {
        pipeEventsOfOneDevice(3);

        for (String store : SEALED_STORES.keySet()) {
            assertThat(driver.createOutputTopic(APPLICATION_ID + "-" + store + "-changelog", new ByteArrayDeserializer(),
                    new ByteArrayDeserializer()).getQueueSize())
                    .as("changelog records of %s after three events in one open chunk and minute (%s)", store,
                            SEALED_STORES.get(store))
                    .isZero();
        }
    }

    @Test
    void shouldWriteABaseOnlyWhenASeriesIsCreatedWhileEventsFillItsTail() {
        pipeEventsOfOneDevice(3);

        for (String store : BASE_STORES.keySet()) {
            assertThat(driver.createOutputTopic(APPLICATION_ID + "-" + store + "-changelog", new ByteArrayDeserializer(),
                    new ByteArrayDeserializer()).getQueueSize())
                    .as("changelog records of %s after three events of one new series (%s)", store,
                            BASE_STORES.get(store))
                    .isEqualTo(1);
        }
    }

    @Test
    void shouldTellAPerEventChangelogFromACachedOneByMeasurement() {
        // The layer check above rests on TopologyTestDriver building the stores as Kafka Streams does; this pins it:
        // the allowed per-event store really writes once per input record here.
        TestInputTopic<String, byte[]> writes = driver.createInputTopic(Topics.KV_WRITES.name("spectra."),
                new StringSerializer(), new ByteArraySerializer());
        for (int i = 0; i < 3; i++) {
            writes.pipeInput(new TestRecord<>("greeting", ("hello " + i).getBytes(UTF_8), Instant.parse("2026-11-24T19:00:00Z")));
        }

        assertThat(driver.createOutputTopic(APPLICATION_ID + "-kv-cache-changelog", new ByteArrayDeserializer(),
                new ByteArrayDeserializer()).getQueueSize()).isEqualTo(3);
    }

    /**
     * Regression (issue 7): de-duplication wrote one changelog record per event (a window store without a cache),
     * a Kafka write per event that the product did not need. Now a resend writes nothing, and an original is
     * written with the other ids of its device at the commit (TopologyTestDriver commits after every record, so here
     * that is one batch per new id).
     */
    @Test
    void shouldWriteNoDeduplicationRecordForAResendAndOneBatchPerDevicePerCommit() {
        pipeEventsOfOneDevice(3);
        pipeEventsOfOneDevice(3); // the same three ids again: resends

        assertThat(driver.createOutputTopic(APPLICATION_ID + "-ingest-dedup-changelog", new ByteArrayDeserializer(),
                new ByteArrayDeserializer()).getQueueSize()).isEqualTo(3);
        assertThat(driver.createOutputTopic("spectra.events", new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .getQueueSize()).as("events written, resends dropped").isEqualTo(3);
    }

    @Test
    void shouldHangEveryCapabilityOffIngestsSubtopologyAndNeverReadEventsAgain() {
        Map<Set<String>, Set<String>> subtopologies = new LinkedHashMap<>();
        for (TopologyDescription.Subtopology subtopology : topology.describe().subtopologies()) {
            Set<String> sources = new TreeSet<>();
            Set<String> stores = new TreeSet<>();
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Source source) {
                    sources.addAll(source.topicSet());
                }
                if (node instanceof TopologyDescription.Processor processor) {
                    stores.addAll(processor.stores());
                }
            }
            subtopologies.put(sources, stores);
        }

        assertThat(subtopologies.keySet().stream().flatMap(Set::stream))
                .as("no capability reads %s again: attach to TopologyContext.events() (%s)", Topics.EVENTS.name("spectra."), RULES)
                .doesNotContain(Topics.EVENTS.name("spectra."));
        assertThat(subtopologies.keySet())
                .as("sub-topologies by source topics, with their stores: %s. A capability that folds device events "
                        + "attaches to TopologyContext.events() and so lands in ingest's sub-topology; a new "
                        + "sub-topology means a new input topic or a repartition (%s). If intended, add it to "
                        + "ALLOWED_SUBTOPOLOGIES with why", subtopologies, RULES)
                .containsExactlyInAnyOrderElementsOf(ALLOWED_SUBTOPOLOGIES.keySet());
        assertThat(subtopologies.get(Set.of("spectra.events.raw", "ingest-by-device-repartition")))
                .as("ingest's sub-topology holds de-duplication and the device state")
                .contains("ingest-dedup", "device-state", "timeseries-open", "timeseries-raw", "spatial-index",
                        "spatial-devices", "spatial-fence-members");
    }

    /** The layers of a store as Kafka Streams built it, outermost first, by simple class name. */
    private static List<String> layersOf(StateStore store) {
        List<String> layers = new ArrayList<>();
        StateStore layer = store;
        while (layer instanceof WrappedStateStore<?, ?, ?> wrapped) {
            layers.add(wrapped.getClass().getSimpleName());
            layer = wrapped.wrapped();
        }
        layers.add(layer.getClass().getSimpleName());
        return layers;
    }

    private void pipeEventsOfOneDevice(int count) {
        TestInputTopic<byte[], byte[]> raw = driver.createInputTopic(Topics.EVENTS_RAW.name("spectra."),
                new ByteArraySerializer(), new ByteArraySerializer());
        for (int i = 0; i < count; i++) {
            String json = "{\"deviceId\":\"truck-1\",\"ts\":\"2026-11-24T18:59:0" + i + "Z\",\"eventId\":\"e-" + i
                    + "\",\"metrics\":{\"temp\":21.5}}";
            raw.pipeInput(new TestRecord<>("truck-1".getBytes(UTF_8), json.getBytes(UTF_8),
                    Instant.parse("2026-11-24T19:00:00Z").plusSeconds(i)));
        }
    }
}
