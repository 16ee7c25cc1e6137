package io.spectracache.keyvalue;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.topics.StoreSpec;
import io.spectracache.topics.Topics;
import io.spectracache.topology.CapabilityTopology;
import io.spectracache.topology.TopologyContext;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.BranchedKStream;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
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
 *   <li>header {@code spectra.ttl} = ASCII digits gives the entry a TTL in seconds counted from the record
 *       timestamp;
 *   <li>a put whose TTL has already run out by wall-clock time deletes the key, as the write it replays would have
 *       done by now;
 *   <li>a null value (tombstone) deletes the key.
 * </ul>
 * A write that breaks {@link KvWriteRules} (the same rules REST enforces) is not applied, and the previous entry
 * stays: a null, empty, over-long or non-UTF-8 key ({@code invalid-key}), a {@code spectra.ttl} that is not a whole
 * number of seconds from 1 s to 3,650 days ({@code invalid-ttl}), a value over
 * {@link KeyValueSettings#maxValueBytes()} or an entry whose stored record (key, value and metadata) would pass
 * what Kafka Streams' producer sends ({@code oversized}). It goes to {@link Topics#KV_WRITES_DLQ} with the
 * dead-letter envelope of bad events (original key, value and headers plus {@code spectra.dlq.reason},
 * {@code .detail}, {@code .source.topic/partition/offset}; the original bytes are left out when they are too large
 * to write again), written by this topology in the same transaction as the cache, and is counted in
 * {@link KeyValueMeters#WRITES_SKIPPED}. Nothing this topology writes can be refused by Kafka.
 *
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
    static final String CHECK_NAME = "kv-writes-check";
    static final String PROCESSOR_NAME = "kv-writes-apply";
    /** Kafka Streams names the topic {@code <application.id>-kv-writes-rerouted-repartition}. */
    static final String REROUTE_NAME = "kv-writes-rerouted";
    static final String DLQ_SINK_NAME = "kv-writes-write-dlq";

    private final KeyValueSettings settings;

    /** @param settings tuning; never null */
    public KeyValueTopology(KeyValueSettings settings) {
        this.settings = requireNonNull(settings, "settings");
    }

    /**
     * Adds the source {@code kv-writes-source}, the check {@code kv-writes-check}, the processor
     * {@code kv-writes-apply}, the dead-letter sink {@code kv-writes-write-dlq} (to {@code <prefix>kv.writes.dlq})
     * and the stores {@code kv-cache} and {@code kv-expiry} (persistent, with changelogs). Call it once per
     * topology: Kafka Streams allows one source per topic.
     */
    @Override
    public void addTo(TopologyContext context) {
        requireNonNull(context, "context");
        StreamsBuilder builder = context.streams();
        MeterRegistry meters = context.meters();
        stores().forEach(builder::addStateStore);
        // One counter set for every task: Micrometer counters are thread-safe.
        KvRejections rejections = new KvRejections(meters);
        ProcessorSupplier<String, byte[], byte[], byte[]> apply = () -> new KvWriteProcessor(settings, rejections, meters);
        int partitions = context.partitionsOf(Topics.KV_WRITES);
        // Keys are read as bytes: a key that is not UTF-8 must be refused, not decoded into U+FFFD.
        BranchedKStream<String, KvWriteCheck.CheckedWrite> checked = builder
                .stream(context.topicName(Topics.KV_WRITES),
                        Consumed.with(Serdes.ByteArray(), Topics.KV_WRITES.valueSerde()).withName(SOURCE_NAME))
                .process(() -> new KvWriteCheck(settings, rejections, partitions), Named.as(CHECK_NAME))
                .split(Named.as("kv-writes-"))
                .branch((key, write) -> write.rejected(), Branched.as("rejected"));
        if (partitions > 0) {
            checked = checked.branch((key, write) -> write.misplaced(), Branched.as("misplaced"));
        }
        Map<String, KStream<String, KvWriteCheck.CheckedWrite>> branches = checked.defaultBranch(Branched.as("in-place"));

        KStream<byte[], byte[]> deadLetters = branches.get("kv-writes-rejected")
                .map((key, write) -> KeyValue.pair(write.deadLetterKey(), write.value()), Named.as("kv-writes-unwrap-rejected"))
                .merge(branches.get("kv-writes-in-place")
                                .mapValues(KvWriteCheck.CheckedWrite::value, Named.as("kv-writes-in-place-unwrap"))
                                .process(apply, Named.as(PROCESSOR_NAME), STORE.name(), EXPIRY_INDEX.name()),
                        Named.as("kv-writes-dead-letters"));
        if (partitions > 0) {
            // Point reads find a key's partition with Kafka's default partitioner (murmur2). Producers with another
            // partitioner (librdkafka's default, so kcat's) may put a write elsewhere: such writes take one trip
            // through a repartition topic to the partition where reads will look, and are applied there.
            deadLetters = deadLetters.merge(branches.get("kv-writes-misplaced")
                            .mapValues(KvWriteCheck.CheckedWrite::value, Named.as("kv-writes-misplaced-unwrap"))
                            .repartition(Repartitioned.<String, byte[]>as(REROUTE_NAME)
                                    .withKeySerde(Topics.KV_WRITES.keySerde())
                                    .withValueSerde(Topics.KV_WRITES.valueSerde())
                                    .withNumberOfPartitions(partitions))
                            .process(apply, Named.as(PROCESSOR_NAME + "-rerouted"), STORE.name(), EXPIRY_INDEX.name()),
                    Named.as("kv-writes-dead-letters-rerouted"));
        }
        deadLetters.to(context.topicName(Topics.KV_WRITES_DLQ),
                Produced.with(Topics.KV_WRITES_DLQ.keySerde(), Topics.KV_WRITES_DLQ.valueSerde()).withName(DLQ_SINK_NAME));
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
