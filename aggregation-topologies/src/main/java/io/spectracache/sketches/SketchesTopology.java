package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.events.DeviceEvent;
import io.spectracache.serialization.DeviceEventSerde;
import io.spectracache.state.WriteBehindStores;
import io.spectracache.topics.StoreSpec;
import io.spectracache.topics.TopicSpec;
import io.spectracache.topology.CapabilityTopology;
import io.spectracache.topology.TopologyContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Probabilistic state: distinct counts (HLL), top-Ks (frequent items) and membership filters (scalable Bloom) per
 * partition, and watch lists checked against every event. Attached to {@link TopologyContext#events()} like device
 * state and time series: one processor, no repartition, no second read of {@code spectra.events}, object updates per
 * event and one changelog record per changed window, lane or block per commit.
 *
 * <pre>{@code
 * new IngestTopology(settings).addTo(context);                         // provides context.events()
 * new SketchesTopology(SketchSettings.defaults()).addTo(context);
 * }</pre>
 *
 * <p><b>Stores</b> (processor {@value #PROCESSOR_NAME}; key layouts in {@link SketchKeys}; all three write-behind, so a
 * changed object is serialised and changelogged once per commit and an unchanged one never again):
 * <ul>
 *   <li>{@code sketches-windows} ({@link #WINDOWS_STORE}): one {@link SketchWindow} per sketch, group (or all groups),
 *       window size and window start. Each event updates the window of every size of its sketch's all-groups lane and
 *       of its group's lane. Expired windows are deleted lane by lane from the oldest one kept, as the clock passes
 *       each finest-window boundary (see {@link WindowSpec#isKept}).
 *   <li>{@code sketches-seen} ({@link #SEEN_STORE}): per lane, when it was first and last seen ({@link SeenRange});
 *       lists a sketch's groups and tells a restarted task where expiry starts. Under {@link SketchKeys#CLOCK}, the
 *       partition's clock, which {@link SketchReads} plans window covers with.
 *   <li>{@code sketches-filters} ({@link #FILTERS_STORE}): the {@link BloomBlock}s of every membership filter's layers
 *       ({@link ScalableBloom}), no windows: a filter remembers every value ever seen on its partition.
 * </ul>
 *
 * <p><b>Watch lists</b> (if any are configured): each is a Kafka Streams global store
 * {@code sketches-watch-<name>} fed by its compacted topic {@code <prefix>watch.<name>} (key = item; a tombstone
 * removes it), so every instance holds the whole list. An event whose field is on a list is copied, as it is, to
 * {@link #WATCH_MATCHES} ({@code <prefix>watch.matches}, keyed by device id) with header {@value #WATCH_HEADER} = the
 * list's name, once per list it matches, in the same transaction as the event's other results. Each task remembers
 * the list's answer for an item for one second (wall clock), so a change to a list applies to every event processed
 * from one second after the change reached the instance (a global store lookup per event would cost about 2.4 µs of
 * stream-thread CPU; a remembered answer a hash lookup). The copy is the only
 * Kafka write per event this capability makes, and only for matches. (Ingest does not mark {@code spectra.events}
 * itself: that would put the lookup before ingest's own write, in ingest.)
 *
 * <p><b>Time.</b> Event time ({@code DeviceEvent.ts}). The clock is the newest event time of the partition; a window
 * is kept while its end is less than its retention behind it. An event for an expired window of one size still counts
 * in the others ({@link SketchMeters#UPDATES_SKIPPED}, reason {@code beyond-retention}).
 *
 * <p><b>Replays.</b> Re-processing an event leaves distinct counts and filters exactly as they were (HLL registers
 * and Bloom bits only ever take a maximum); a top-K counts it again. Ingest drops duplicates and exactly-once
 * processing never delivers an event to this processor twice in committed state, so top-K counts hold for the
 * de-duplicated stream.
 */
public final class SketchesTopology implements CapabilityTopology {
    /** The processor that updates every sketch. */
    public static final String PROCESSOR_NAME = "sketches-update";
    /** Every window of every distinct count and top-K. */
    public static final StoreSpec<Bytes, SketchWindow> WINDOWS_STORE =
            new StoreSpec<>("sketches-windows", Serdes.Bytes(), new SketchWindowSerde());
    /** Per lane, when first and last seen; and the partition's clock. */
    public static final StoreSpec<Bytes, SeenRange> SEEN_STORE =
            new StoreSpec<>("sketches-seen", Serdes.Bytes(), new SeenRangeSerde());
    /** The Bloom blocks of every membership filter. */
    public static final StoreSpec<Bytes, BloomBlock> FILTERS_STORE =
            new StoreSpec<>("sketches-filters", Serdes.Bytes(), new BloomBlockSerde());
    /** Copies of the events a watch list matched, keyed by device id, with header {@value #WATCH_HEADER}. */
    public static final TopicSpec<String, DeviceEvent> WATCH_MATCHES =
            new TopicSpec<>("watch.matches", Serdes.String(), DeviceEventSerde.INSTANCE, false);
    /** The header naming the watch list that matched (UTF-8). */
    public static final String WATCH_HEADER = "spectra.watch.list";
    /** The prefix of every watch list's global store; the list's name follows. */
    public static final String WATCH_STORE_PREFIX = "sketches-watch-";

    private final SketchSettings settings;

    /** A topology with the {@linkplain SketchSettings#defaults() default settings}. */
    public SketchesTopology() {
        this(SketchSettings.defaults());
    }

    /** @param settings what to keep; never null */
    public SketchesTopology(SketchSettings settings) {
        this.settings = requireNonNull(settings, "settings");
    }

    /** The settings this topology keeps. */
    public SketchSettings settings() {
        return settings;
    }

    /** The global store of a watch list: item → the value of its last record on the list's topic. */
    public static StoreSpec<String, byte[]> watchStore(WatchDefinition watch) {
        return new StoreSpec<>(WATCH_STORE_PREFIX + watch.name(), Serdes.String(), Serdes.ByteArray());
    }

    /** The topics this capability reads or writes besides the validated events: each watch list's and the matches. */
    public List<TopicSpec<?, ?>> topics() {
        List<TopicSpec<?, ?>> topics = new ArrayList<>();
        if (settings.enabled() && !settings.watches().isEmpty()) {
            settings.watches().forEach(watch -> topics.add(watch.topic()));
            topics.add(WATCH_MATCHES);
        }
        return topics;
    }

    /** The stores to make queryable: those this topology adds, by name. */
    public List<String> storeNames() {
        List<String> names = new ArrayList<>();
        if (!settings.enabled()) {
            return names;
        }
        if (!settings.distinct().isEmpty() || !settings.topK().isEmpty()) {
            names.add(WINDOWS_STORE.name());
            names.add(SEEN_STORE.name());
        }
        if (!settings.filters().isEmpty()) {
            names.add(FILTERS_STORE.name());
        }
        settings.watches().forEach(watch -> names.add(watchStore(watch).name()));
        return names;
    }

    /**
     * Adds processor {@value #PROCESSOR_NAME} and its stores after the validated events, the watch lists' global
     * stores and the matches sink, and registers the {@link SketchMeters} at zero. Adds nothing when disabled or when
     * nothing is defined.
     */
    @Override
    public void addTo(TopologyContext context) {
        requireNonNull(context, "context");
        if (!settings.enabled() || storeNames().isEmpty()) {
            return;
        }
        MeterRegistry meters = context.meters();
        registerMeters(meters);
        for (WatchDefinition watch : settings.watches()) {
            StoreSpec<String, byte[]> spec = watchStore(watch);
            TopicSpec<String, byte[]> topic = watch.topic();
            // A global store's topic is its changelog: logging off, and restored from the topic as it is.
            context.streams().addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(spec.name()),
                            spec.keySerde(), spec.valueSerde()).withLoggingDisabled(),
                    context.topicName(topic),
                    Consumed.with(topic.keySerde(), topic.valueSerde()).withName(spec.name() + "-source"),
                    () -> new WatchListFeeder(spec.name()));
        }
        KStream<String, DeviceEvent> matches = context.events().process(new Supplier(meters), Named.as(PROCESSOR_NAME));
        if (!settings.watches().isEmpty()) {
            matches.to(context.topicName(WATCH_MATCHES), Produced.with(WATCH_MATCHES.keySerde(), WATCH_MATCHES.valueSerde())
                    .withName("sketches-watch-matches"));
        }
    }

    private void registerMeters(MeterRegistry meters) {
        List<String> windowed = new ArrayList<>();
        settings.distinct().forEach(d -> windowed.add(d.name()));
        settings.topK().forEach(t -> windowed.add(t.name()));
        for (String name : windowed) {
            for (String reason : List.of(SketchMeters.REASON_NO_VALUE, SketchMeters.REASON_GROUP_TOO_LONG,
                    SketchMeters.REASON_ITEM_TOO_LONG, SketchMeters.REASON_BEYOND_RETENTION)) {
                SketchMeters.UPDATES_SKIPPED.counter(meters, name, reason);
            }
            SketchMeters.WINDOWS_EXPIRED.counter(meters, name, null);
        }
        for (FilterDefinition filter : settings.filters()) {
            SketchMeters.UPDATES_SKIPPED.counter(meters, filter.name(), SketchMeters.REASON_NO_VALUE);
            SketchMeters.FILTER_LAYERS_OPENED.counter(meters, filter.name(), null);
        }
        settings.watches().forEach(watch -> SketchMeters.WATCH_MATCHES.counter(meters, watch.name(), null));
    }

    private final class Supplier implements ProcessorSupplier<String, DeviceEvent, String, DeviceEvent> {
        private final MeterRegistry meters;

        Supplier(MeterRegistry meters) {
            this.meters = meters;
        }

        @Override
        public Processor<String, DeviceEvent, String, DeviceEvent> get() {
            return new SketchProcessor(settings, meters);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            Set<StoreBuilder<?>> stores = new HashSet<>();
            if (!settings.distinct().isEmpty() || !settings.topK().isEmpty()) {
                stores.add(WriteBehindStores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WINDOWS_STORE.name()),
                        WINDOWS_STORE.keySerde(), WINDOWS_STORE.valueSerde()));
                stores.add(WriteBehindStores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SEEN_STORE.name()),
                        SEEN_STORE.keySerde(), SEEN_STORE.valueSerde()));
            }
            if (!settings.filters().isEmpty()) {
                stores.add(WriteBehindStores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FILTERS_STORE.name()),
                        FILTERS_STORE.keySerde(), FILTERS_STORE.valueSerde()));
            }
            return stores;
        }
    }

    /** Keeps a watch list's global store equal to its topic: a value adds the key, a tombstone removes it. */
    private static final class WatchListFeeder implements Processor<String, byte[], Void, Void> {
        private final String storeName;
        private KeyValueStore<String, byte[]> store;

        WatchListFeeder(String storeName) {
            this.storeName = storeName;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(storeName);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            if (record.key() == null) {
                return;
            }
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), record.value());
            }
        }
    }
}
