package io.spectracache.keyvalue;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.topics.StoreSpec;
import io.spectracache.topics.Topics;
import io.spectracache.topology.CapabilityTopology;
import io.spectracache.topology.TopologyContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The key-value cache: applies the records of {@code kv.writes} to the store {@link #STORE}.
 *
 * <pre>{@code
 * new KeyValueTopology(KeyValueSettings.defaults()).addTo(context);
 * // later, on the instance that owns the key:
 * StateQueryResult<KvEntry> result = streams.query(StateQueryRequest.inStore(KeyValueTopology.STORE.name())
 *         .withQuery(KeyQuery.<String, KvEntry>withKey("greeting"))
 *         .withPartitions(Set.of(partition)).withPositionBound(PositionBound.at(position)));
 * }</pre>
 *
 * <p>Semantics of a record of {@link Topics#KV_WRITES}:
 * <ul>
 *   <li>a non-null value puts a {@link KvEntry} (value, header {@code content-type}, record timestamp) that
 *       replaces the previous entry of the key, its TTL included;
 *   <li>header {@code spectra.ttl} = positive ASCII digits gives the entry a TTL in seconds counted from the record
 *       timestamp. A header that is present but not that (empty, zero, signed, spaced, overflowing) makes the record
 *       invalid: it is skipped, counted in {@link KeyValueMeters#WRITES_SKIPPED} and logged at WARN with its topic,
 *       partition and offset; the previous entry stays. Values longer than
 *       {@link KeyValueSettings#maxValueBytes()} and null keys are skipped the same way;
 *   <li>a put whose TTL has already run out by wall-clock time deletes the key, as the write it replays would have
 *       done by now;
 *   <li>a null value (tombstone) deletes the key.
 * </ul>
 * An entry is gone from its {@code expiresAt} on. A wall-clock punctuator deletes expired entries every
 * {@link KeyValueSettings#purgeInterval()}, at most {@link KeyValueSettings#maxPurgePerRun()} per run, so between
 * expiry and purge the store may still hold it: readers must filter with {@link KvEntry#isExpiredAt(long)}.
 *
 * <p>For interactive queries: the records are read straight from {@code kv.writes}, never repartitioned, so the
 * store's IQv2 {@code Position} is in {@code kv.writes} partitions and offsets, and a consistency token of a write
 * (its partition and offset) is a valid {@code PositionBound}. The store is a plain, uncached key-value store:
 * {@code KeyQuery<String, KvEntry>} answers the {@code KvEntry} (null if absent) and {@code RangeQuery<String,
 * KvEntry>} a {@code KeyValueIterator<String, KvEntry>} in key order (UTF-8 byte order), which the caller must
 * close. Caching is off so that point and range queries see the same, latest state.
 */
public final class KeyValueTopology implements CapabilityTopology {
    /** The cache: key = cache key, value = the entry, possibly expired but not yet purged. */
    public static final StoreSpec<String, KvEntry> STORE =
            new StoreSpec<>("kv-cache", Serdes.String(), new KvEntrySerde());

    /** Expiry time and key of every entry with a TTL, in expiry order (see {@link ExpiryIndex}). */
    static final StoreSpec<Bytes, byte[]> EXPIRY_INDEX =
            new StoreSpec<>("kv-expiry", Serdes.Bytes(), Serdes.ByteArray());

    static final String SOURCE_NAME = "kv-writes-source";
    static final String PROCESSOR_NAME = "kv-writes-apply";
    static final String CHECK_NAME = "kv-writes-check-placement";
    /** Kafka Streams names the topic {@code <application.id>-kv-writes-rerouted-repartition}. */
    static final String REROUTE_NAME = "kv-writes-rerouted";

    private final KeyValueSettings settings;

    /** @param settings tuning; never null */
    public KeyValueTopology(KeyValueSettings settings) {
        this.settings = requireNonNull(settings, "settings");
    }

    /**
     * Adds the source {@code kv-writes-source}, the processor {@code kv-writes-apply} and the stores
     * {@code kv-cache} and {@code kv-expiry} (persistent, with changelogs). Call it once per topology: Kafka
     * Streams allows one source per topic.
     */
    @Override
    public void addTo(TopologyContext context) {
        requireNonNull(context, "context");
        StreamsBuilder builder = context.streams();
        MeterRegistry meters = context.meters();
        int writesPartitions = context.partitionsOf(Topics.KV_WRITES);
        stores().forEach(builder::addStateStore);
        KStream<String, byte[]> writes = builder.stream(context.topicName(Topics.KV_WRITES),
                Consumed.with(Topics.KV_WRITES.keySerde(), Topics.KV_WRITES.valueSerde()).withName(SOURCE_NAME));
        ProcessorSupplier<String, byte[], Void, Void> apply = () -> new KvWriteProcessor(settings, meters);
        if (writesPartitions == 0) {
            writes.process(apply, Named.as(PROCESSOR_NAME), STORE.name(), EXPIRY_INDEX.name());
            return;
        }
        // Point reads find a key's partition with Kafka's default partitioner (murmur2). Producers with another
        // partitioner (librdkafka's default, so kcat's) may put a write elsewhere: such writes take one trip
        // through a repartition topic to the partition where reads will look, and are applied there.
        Map<String, KStream<String, PlacedWrite>> placed = writes
                .processValues(() -> new PlacementCheck(writesPartitions), Named.as(CHECK_NAME))
                .split(Named.as("kv-writes-"))
                .branch((key, write) -> write.misplaced(), Branched.as("misplaced"))
                .defaultBranch(Branched.as("in-place"));
        placed.get("kv-writes-in-place")
                .mapValues(PlacedWrite::value, Named.as("kv-writes-in-place-unwrap"))
                .process(apply, Named.as(PROCESSOR_NAME), STORE.name(), EXPIRY_INDEX.name());
        placed.get("kv-writes-misplaced")
                .mapValues(PlacedWrite::value, Named.as("kv-writes-misplaced-unwrap"))
                .repartition(Repartitioned.<String, byte[]>as(REROUTE_NAME)
                        .withKeySerde(Topics.KV_WRITES.keySerde())
                        .withValueSerde(Topics.KV_WRITES.valueSerde())
                        .withNumberOfPartitions(writesPartitions))
                .process(apply, Named.as(PROCESSOR_NAME + "-rerouted"), STORE.name(), EXPIRY_INDEX.name());
    }

    /** A write and whether it sits on another partition than the default partitioner would have chosen. */
    record PlacedWrite(byte[] value, boolean misplaced) {
    }

    /** Marks writes whose partition is not murmur2(key) mod partitions, as Kafka's Java producer computes it. */
    static final class PlacementCheck implements FixedKeyProcessor<String, byte[], PlacedWrite> {
        private final int partitions;
        private FixedKeyProcessorContext<String, PlacedWrite> context;

        PlacementCheck(int partitions) {
            this.partitions = partitions;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, PlacedWrite> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> write) {
            int actual = context.recordMetadata().map(RecordMetadata::partition).orElse(-1);
            boolean misplaced = write.key() != null && actual >= 0 && actual != partitionOf(write.key(), partitions);
            context.forward(write.withValue(new PlacedWrite(write.value(), misplaced)));
        }

        static int partitionOf(String key, int partitions) {
            return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
        }
    }

    private static Set<StoreBuilder<?>> stores() {
        StoreBuilder<KeyValueStore<String, KvEntry>> cache = Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(STORE.name()), STORE.keySerde(), STORE.valueSerde())
                .withCachingDisabled();
        // The index is only scanned by its own task, through the cache layer, so caching is safe here and
        // saves RocksDB and changelog writes for entries that are replaced or purged within a commit interval.
        StoreBuilder<KeyValueStore<Bytes, byte[]>> index = Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(EXPIRY_INDEX.name()),
                        EXPIRY_INDEX.keySerde(), EXPIRY_INDEX.valueSerde())
                .withCachingEnabled();
        return Set.of(cache, index);
    }
}
