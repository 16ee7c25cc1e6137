package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import io.spectracache.query.Codec;
import io.spectracache.query.ScatterQuery;
import io.spectracache.routing.LocalStores;
import io.spectracache.routing.ReadOptions;
import io.spectracache.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.memory.Memory;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.query.KeyQuery;

/**
 * The queries of the sketches capability, for every transport. Every sketch is kept per partition, so every question
 * is gathered from every instance: each answers for its active partitions with a mergeable part (an HLL union, a
 * frequent-items merge, the "maybe" of each item), and the instance asked merges the parts
 * ({@link #mergeDistinct}, {@link #mergeSeries}, {@link #mergeTopK}, {@link #mergeMembership}) with the scan contract
 * ({@code partial}, {@code failedInstances}, {@code partitions}). Parameters carry the sketch's definition, so every
 * instance reads alike whatever its own settings say.
 *
 * <p>The distinct-count queries ({@link #distinct()}, {@link #distinctSeries()}) belong to one instance: each instance's
 * {@link SketchesCapability} makes its own, with its own merge cache and bound, closed with the instance. The others
 * hold no state and are constants.
 *
 * <pre>{@code
 * SketchQueries sketches = new SketchQueries(64L << 20);
 * Gathered<SketchQueries.DistinctPart> devices = queryService.scatter(sketches.distinct(),
 *         new SketchQueries.DistinctRequest(SketchQueries.DistinctSpec.of(definition), "acme", from, to), read);
 * SketchMerge.Estimate estimate = SketchMerge.estimate(devices.value().sketch());
 * }</pre>
 */
public final class SketchQueries implements AutoCloseable {
    /** The store whose active partitions distinct counts and top-Ks are answered for. */
    static final String WINDOWS = SketchesTopology.WINDOWS_STORE.name();
    /** The store whose active partitions membership filters are answered for. */
    static final String FILTERS = SketchesTopology.FILTERS_STORE.name();

    /** How a distinct count's part travels between instances (as HLL_4, the stored type: half the bytes). */
    static final Codec<DistinctPart> DISTINCT_ANSWER = compacting(Codec.json(DistinctPart.class),
            part -> new DistinctPart(compact(part.sketch()), part.windowsRead(), part.windowsPlanned(),
                    part.coveredFrom(), part.coveredTo()));

    /** How a series' part travels between instances. */
    static final Codec<SeriesPart> SERIES_ANSWER = compacting(Codec.json(SeriesPart.class),
            part -> new SeriesPart(part.sketches().stream().map(SketchQueries::compact).toList()));

    /** A top-K over a range: the merge of every partition's windows. */
    public static final ScatterQuery<TopKRequest, TopKPart> TOP_K = ScatterQuery.of("sketches.topk",
            Codec.json(TopKRequest.class), WINDOWS, Topics.EVENTS_RAW, Codec.json(TopKPart.class),
            SketchQueries::localTopK, SketchQueries::mergeTopK);

    /** Whether items may have been seen by a membership filter: "maybe" on any partition is "maybe". */
    public static final ScatterQuery<MembershipRequest, MembershipPart> MEMBERSHIP = ScatterQuery.of(
            "sketches.membership", Codec.json(MembershipRequest.class), FILTERS, Topics.EVENTS_RAW,
            Codec.json(MembershipPart.class), SketchQueries::localMembership, SketchQueries::mergeMembership);

    /** This instance's merge cache ({@link DenseWindowCache}); its bound is 0 (off) once closed. */
    private final DenseWindowCache mergeCache;
    private final ScatterQuery<DistinctRequest, DistinctPart> distinct;
    private final ScatterQuery<SeriesRequest, SeriesPart> distinctSeries;

    /**
     * The distinct-count queries of one instance, with their own merge cache of at most {@code mergeCacheBytes}
     * ({@value SketchSettings#MERGE_CACHE_BYTES_CONFIG}; 0: off, every window merged as read).
     *
     * @throws IllegalArgumentException if {@code mergeCacheBytes} is negative
     */
    SketchQueries(long mergeCacheBytes) {
        mergeCache = new DenseWindowCache(mergeCacheBytes);
        distinct = ScatterQuery.of("sketches.distinct", Codec.json(DistinctRequest.class), WINDOWS, Topics.EVENTS_RAW,
                DISTINCT_ANSWER, this::localDistinct, (request, parts) -> mergeDistinct(parts));
        distinctSeries = ScatterQuery.of("sketches.distinct.series", Codec.json(SeriesRequest.class), WINDOWS,
                Topics.EVENTS_RAW, SERIES_ANSWER, this::localSeries, SketchQueries::mergeSeries);
    }

    /** A distinct count over a range: the union of every partition's windows. */
    public ScatterQuery<DistinctRequest, DistinctPart> distinct() {
        return distinct;
    }

    /** A distinct count per step: one union per bucket. */
    public ScatterQuery<SeriesRequest, SeriesPart> distinctSeries() {
        return distinctSeries;
    }

    /** This instance's merge cache, for its meters and tests. */
    DenseWindowCache mergeCache() {
        return mergeCache;
    }

    /** Sets the bound of this instance's merge cache (its setting, as it starts); 0 empties it and turns it off. */
    void boundMergeCache(long maxBytes) {
        mergeCache.bound(maxBytes);
    }

    /** Empties the merge cache and turns it off: the queries still answer, merging every window as read. */
    @Override
    public void close() {
        mergeCache.bound(0);
    }

    /** A distinct count's definition as it travels: {@link DistinctDefinition} in the text of the settings. */
    public record DistinctSpec(String name, String field, String groupBy, String windows) {
        public DistinctSpec {
            requireNonNull(name, "name");
            requireNonNull(field, "field");
            requireNonNull(windows, "windows");
        }

        public static DistinctSpec of(DistinctDefinition definition) {
            return new DistinctSpec(definition.name(), definition.field().toString(),
                    definition.groupBy().map(SketchField::toString).orElse(null), WindowSpec.format(definition.windows()));
        }

        DistinctDefinition definition() {
            return new DistinctDefinition(name, SketchField.parse(field),
                    Optional.ofNullable(groupBy).map(SketchField::parse), WindowSpec.parseList(windows));
        }
    }

    /** A top-K's definition as it travels. */
    public record TopKSpec(String name, String field, String windows, int maxMapSize) {
        public TopKSpec {
            requireNonNull(name, "name");
            requireNonNull(field, "field");
            requireNonNull(windows, "windows");
        }

        public static TopKSpec of(TopKDefinition definition) {
            return new TopKSpec(definition.name(), definition.field().toString(), WindowSpec.format(definition.windows()),
                    definition.maxMapSize());
        }

        TopKDefinition definition() {
            return new TopKDefinition(name, SketchField.parse(field), WindowSpec.parseList(windows), maxMapSize);
        }
    }

    /** A membership filter's definition as it travels. */
    public record FilterSpec(String name, String field, double falsePositiveRate, long initialCapacity) {
        public FilterSpec {
            requireNonNull(name, "name");
            requireNonNull(field, "field");
        }

        public static FilterSpec of(FilterDefinition definition) {
            return new FilterSpec(definition.name(), definition.field().toString(), definition.falsePositiveRate(),
                    definition.initialCapacity());
        }

        FilterDefinition definition() {
            return new FilterDefinition(name, SketchField.parse(field), falsePositiveRate, initialCapacity);
        }
    }

    /** The distinct count of {@code group} (null: all groups) over {@code [from, to)}. */
    public record DistinctRequest(DistinctSpec sketch, String group, long from, long to) {
        public DistinctRequest {
            requireNonNull(sketch, "sketch");
            if (from >= to) {
                throw new IllegalArgumentException("from before to: " + from + ", " + to);
            }
        }
    }

    /**
     * The union over some partitions, with what it covers.
     *
     * @param sketch         an HLL image (lgK {@value DistinctWindow#LG_K})
     * @param windowsRead    stored windows read, over all partitions
     * @param windowsPlanned windows the range is read from (the largest plan of one partition)
     * @param coveredFrom    the start of the range the windows cover (rounded out at the edges); {@link Long#MAX_VALUE}
     *                       when no partition has anything stored in the range
     * @param coveredTo      its end; {@link Long#MIN_VALUE} likewise
     */
    public record DistinctPart(byte[] sketch, int windowsRead, int windowsPlanned, long coveredFrom, long coveredTo) {
        public DistinctPart {
            requireNonNull(sketch, "sketch");
        }
    }

    /** The distinct count per {@code step} from {@code from} to {@code to}, both multiples of the step. */
    public record SeriesRequest(DistinctSpec sketch, String group, long from, long to, long step) {
        public SeriesRequest {
            requireNonNull(sketch, "sketch");
            if (from >= to || step <= 0) {
                throw new IllegalArgumentException("from before to and a positive step: " + from + ", " + to + ", " + step);
            }
        }

        /** How many buckets the series has. */
        public int buckets() {
            return (int) ((to - from + step - 1) / step);
        }
    }

    /** One HLL image per bucket, in time order. */
    public record SeriesPart(List<byte[]> sketches) {
        public SeriesPart {
            sketches = List.copyOf(sketches);
        }
    }

    /** The top-K over {@code [from, to)}. */
    public record TopKRequest(TopKSpec sketch, long from, long to) {
        public TopKRequest {
            requireNonNull(sketch, "sketch");
            if (from >= to) {
                throw new IllegalArgumentException("from before to: " + from + ", " + to);
            }
        }
    }

    /** The merge over some partitions, with what it covers (as {@link DistinctPart}). */
    public record TopKPart(byte[] sketch, int windowsRead, int windowsPlanned, long coveredFrom, long coveredTo) {
        public TopKPart {
            requireNonNull(sketch, "sketch");
        }
    }

    /**
     * Whether each item may have been seen by a filter.
     *
     * @param partitions the number of partitions of the events when the filter's field is the device id, so each
     *                   item is looked up only on its device's partition (the configured false-positive rate, not
     *                   one per partition); 0 to look on every partition
     */
    public record MembershipRequest(FilterSpec filter, List<String> items, int partitions) {
        public MembershipRequest {
            requireNonNull(filter, "filter");
            items = List.copyOf(items);
        }
    }

    /** "Maybe" per item, in the request's order. */
    public record MembershipPart(boolean[] maybe) {
        public MembershipPart {
            requireNonNull(maybe, "maybe");
        }
    }

    static DistinctPart mergeDistinct(List<DistinctPart> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        Union union = new Union(DistinctWindow.LG_K);
        int read = 0;
        int planned = 0;
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        for (DistinctPart part : parts) {
            union.update(wrap(part.sketch()));
            read += part.windowsRead();
            planned = Math.max(planned, part.windowsPlanned());
            from = Math.min(from, part.coveredFrom());
            to = Math.max(to, part.coveredTo());
        }
        return new DistinctPart(image(union), read, planned, from, to);
    }

    static SeriesPart mergeSeries(SeriesRequest request, List<SeriesPart> parts) {
        if (parts.size() == 1 && parts.get(0).sketches().size() == request.buckets()) {
            return parts.get(0);
        }
        List<Union> unions = new ArrayList<>(request.buckets());
        for (int b = 0; b < request.buckets(); b++) {
            unions.add(new Union(DistinctWindow.LG_K));
        }
        for (SeriesPart part : parts) {
            if (part.sketches().size() != unions.size()) {
                throw new IllegalArgumentException("a part of " + part.sketches().size() + " buckets, not "
                        + unions.size());
            }
            for (int b = 0; b < unions.size(); b++) {
                unions.get(b).update(wrap(part.sketches().get(b)));
            }
        }
        return new SeriesPart(unions.stream().map(SketchQueries::image).toList());
    }

    static TopKPart mergeTopK(TopKRequest request, List<TopKPart> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        ItemsSketch<String> merged = new ItemsSketch<>(request.sketch().maxMapSize());
        int read = 0;
        int planned = 0;
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        for (TopKPart part : parts) {
            merged.merge(TopKWindow.sketchOf(part.sketch()));
            read += part.windowsRead();
            planned = Math.max(planned, part.windowsPlanned());
            from = Math.min(from, part.coveredFrom());
            to = Math.max(to, part.coveredTo());
        }
        return new TopKPart(merged.toByteArray(TopKWindow.ITEMS), read, planned, from, to);
    }

    static MembershipPart mergeMembership(MembershipRequest request, List<MembershipPart> parts) {
        boolean[] maybe = new boolean[request.items().size()];
        for (MembershipPart part : parts) {
            if (part.maybe().length != maybe.length) {
                throw new IllegalArgumentException("a part of " + part.maybe().length + " items, not " + maybe.length);
            }
            for (int i = 0; i < maybe.length; i++) {
                maybe[i] |= part.maybe()[i];
            }
        }
        return new MembershipPart(maybe);
    }

    /** An HLL image read in place (no copy into a heap sketch): a third of the cost of heapifying it to merge it. */
    static HllSketch wrap(byte[] image) {
        return HllSketch.wrap(Memory.wrap(image));
    }

    /**
     * A union's image: its own HLL_8, which costs a copy. The HLL_4 conversion (half the bytes, but hundreds of
     * microseconds per dense sketch: 168 of them for a week by hour) is left to the codec, so it is paid only for the
     * parts that travel to another instance.
     */
    private static byte[] image(Union union) {
        return union.toCompactByteArray();
    }

    /** The image as HLL_4, the stored type: about 8 KB instead of 16 KB for a dense sketch. */
    static byte[] compact(byte[] image) {
        HllSketch sketch = wrap(image);
        return sketch.getTgtHllType() == DistinctWindow.TYPE ? image
                : sketch.copyAs(DistinctWindow.TYPE).toCompactByteArray();
    }

    /** {@code codec}, with {@code shrink} applied to every answer it encodes (for the wire only). */
    private static <T> Codec<T> compacting(Codec<T> codec, java.util.function.UnaryOperator<T> shrink) {
        return new Codec<>() {
            @Override
            public byte[] encode(T value) {
                return codec.encode(shrink.apply(value));
            }

            @Override
            public T decode(byte[] bytes) {
                return codec.decode(bytes);
            }
        };
    }

    private ScatterQuery.Part<DistinctPart> localDistinct(DistinctRequest request, LocalStores stores,
                                                                 ReadOptions read) {
        Set<Integer> active = new TreeSet<>(stores.activePartitions(WINDOWS));
        DistinctDefinition definition = request.sketch().definition();
        // One union for every local partition: an image per partition would cost a pass over the registers to write
        // it and another to merge it (measured: most of a 24-hour count's time).
        Union union = new Union(DistinctWindow.LG_K);
        int windowsRead = 0;
        int planned = 0;
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        // One IQv2 request per read for all the partitions that plan the same cover (in steady state, all of them):
        // each KafkaStreams.query takes the state updater's lock and walks every task.
        Map<WindowCover, Set<Integer>> byCover = new LinkedHashMap<>();
        // The newest event time of each group: the windows that ended before it are closed, merged first (with or
        // without the merge cache, so that both answer the same) and cached as one union.
        Map<WindowCover, Long> newest = new LinkedHashMap<>();
        clocks(stores, active, read).forEach((partition, clock) -> {
            WindowCover plan = WindowCover.plan(definition.windows(), request.from(), request.to(), clock);
            byCover.computeIfAbsent(plan, cover -> new TreeSet<>()).add(partition);
            newest.merge(plan, clock, Math::max);
        });
        for (Map.Entry<WindowCover, Set<Integer>> group : byCover.entrySet()) {
            WindowCover cover = group.getKey();
            if (cover.isEmpty()) {
                continue;
            }
            LocalSketchStores local = new LocalSketchStores(stores, group.getValue(), read);
            windowsRead += mergeCache.maxBytes() > 0
                    ? SketchReads.distinctInto(local, definition, request.group(), cover, union, mergeCache,
                            group.getValue(), newest.get(cover))
                    : SketchReads.distinctInto(local, definition, request.group(), cover, union, newest.get(cover));
            planned = Math.max(planned, cover.windows().size());
            from = Math.min(from, cover.from());
            to = Math.max(to, cover.to());
        }
        return new ScatterQuery.Part<>(new DistinctPart(image(union), windowsRead, planned, from, to), active);
    }

    /**
     * Each active partition's clock ({@link SketchReads#clock}), {@link Long#MIN_VALUE} when it has none, read in one
     * request.
     */
    private static Map<Integer, Long> clocks(LocalStores stores, Set<Integer> active, ReadOptions read) {
        Map<Integer, Long> clocks = new TreeMap<>();
        stores.queryAll(SketchesTopology.SEEN_STORE.name(), KeyQuery.<Bytes, SeenRange>withKey(SketchKeys.CLOCK), active,
                read).forEach((partition, seen) -> clocks.put(partition, seen == null ? Long.MIN_VALUE : seen.last()));
        return clocks;
    }

    private ScatterQuery.Part<SeriesPart> localSeries(SeriesRequest request, LocalStores stores, ReadOptions read) {
        Set<Integer> active = new TreeSet<>(stores.activePartitions(WINDOWS));
        DistinctDefinition definition = request.sketch().definition();
        List<Union> unions = new ArrayList<>(request.buckets());
        for (int b = 0; b < request.buckets(); b++) {
            unions.add(new Union(DistinctWindow.LG_K));
        }
        Map<List<WindowCover>, Set<Integer>> byCovers = new LinkedHashMap<>();
        clocks(stores, active, read).forEach((partition, clock) -> byCovers.computeIfAbsent(
                SketchReads.seriesCovers(definition, request.from(), request.to(), request.step(), clock),
                covers -> new TreeSet<>()).add(partition));
        byCovers.forEach((covers, partitions) -> {
            LocalSketchStores local = new LocalSketchStores(stores, partitions, read);
            if (mergeCache.maxBytes() > 0) {
                SketchReads.distinctSeriesInto(local, definition, request.group(), covers, unions, mergeCache,
                        partitions);
            } else {
                SketchReads.distinctSeriesInto(local, definition, request.group(), covers, unions);
            }
        });
        return new ScatterQuery.Part<>(new SeriesPart(unions.stream().map(SketchQueries::image).toList()), active);
    }

    private static ScatterQuery.Part<TopKPart> localTopK(TopKRequest request, LocalStores stores, ReadOptions read) {
        Set<Integer> active = new TreeSet<>(stores.activePartitions(WINDOWS));
        TopKDefinition definition = request.sketch().definition();
        // As for distinct counts: one request per read for the partitions that plan the same cover.
        Map<WindowCover, Set<Integer>> byCover = new LinkedHashMap<>();
        clocks(stores, active, read).forEach((partition, clock) -> byCover.computeIfAbsent(
                WindowCover.plan(definition.windows(), request.from(), request.to(), clock),
                cover -> new TreeSet<>()).add(partition));
        List<TopKPart> parts = new ArrayList<>();
        for (Map.Entry<WindowCover, Set<Integer>> group : byCover.entrySet()) {
            WindowCover cover = group.getKey();
            if (cover.isEmpty()) {
                continue;
            }
            SketchReads.TopKPart part = SketchReads.topK(new LocalSketchStores(stores, group.getValue(), read),
                    definition, cover);
            parts.add(new TopKPart(part.sketch(), part.windows(), cover.windows().size(), cover.from(), cover.to()));
        }
        return new ScatterQuery.Part<>(mergeTopK(request, parts), active);
    }

    private static ScatterQuery.Part<MembershipPart> localMembership(MembershipRequest request, LocalStores stores,
                                                                     ReadOptions read) {
        Set<Integer> active = new TreeSet<>(stores.activePartitions(FILTERS));
        FilterDefinition filter = request.filter().definition();
        List<String> items = request.items();
        boolean[] maybe = new boolean[items.size()];
        for (int partition : active) {
            List<Integer> asked = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                if (!maybe[i] && (request.partitions() <= 0 || partitionOf(items.get(i), request.partitions()) == partition)) {
                    asked.add(i);
                }
            }
            if (asked.isEmpty()) {
                continue;
            }
            LocalSketchStores local = new LocalSketchStores(stores, partition, read);
            if (asked.size() == 1) {
                // One item: its blocks by key, not the whole filter.
                int i = asked.get(0);
                maybe[i] = SketchReads.mightContain(local, filter, items.get(i));
                continue;
            }
            List<Boolean> answers = SketchReads.mightContainAll(local, filter,
                    asked.stream().map(items::get).toList());
            for (int a = 0; a < asked.size(); a++) {
                maybe[asked.get(a)] = answers.get(a);
            }
        }
        return new ScatterQuery.Part<>(new MembershipPart(maybe), active);
    }

    /** The partition Kafka's default partitioner gives a record keyed by {@code deviceId}, where ingest puts it. */
    static int partitionOf(String deviceId, int partitions) {
        return Utils.toPositive(Utils.murmur2(deviceId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
