package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import io.spectracache.devices.DeviceState;
import io.spectracache.devices.DeviceStateStore;
import io.spectracache.query.Codec;
import io.spectracache.query.PointQuery;
import io.spectracache.query.ScatterQuery;
import io.spectracache.routing.LocalStores;
import io.spectracache.routing.ReadOptions;
import io.spectracache.timeseries.codec.Chunk;
import io.spectracache.topics.StoreSpec;
import io.spectracache.topics.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * The queries of the time-series capability, for every transport. One device's series are answered by the device's
 * owner (point queries, routed by device id like device state); fleet-wide ones are gathered from every instance.
 * Parameters carry what the owner needs of the settings (tiers, chunk span), so every instance answers alike.
 */
public final class SeriesQueries {
    /** Routes by device id: the series stores are partitioned as the events, by device. */
    static final StoreSpec<String, byte[]> BY_DEVICE =
            new StoreSpec<>(TimeSeriesTopology.OPEN_STORE_NAME, Serdes.String(), Serdes.ByteArray());

    private static final RollupSerde ROLLUPS = new RollupSerde();
    private static final HexFormat HEX = HexFormat.of();
    /** Greater than every series key (a device id's length prefix is at most five bytes, never all 0xFF). */
    private static final Bytes LAST_KEY = Bytes.wrap(new byte[] {-1, -1, -1, -1, -1, -1});

    /** A device's series with their oldest and newest point; empty when it has none. */
    public static final PointQuery<ListRequest, String, Listing> LIST = PointQuery.of("series.list",
            Codec.json(ListRequest.class), BY_DEVICE, ListRequest::deviceId, Codec.json(Listing.class),
            (request, partition, stores, read) -> {
                List<SeriesReads.Listed> listed = SeriesReads.metrics(new LocalSeriesStores(stores, partition, read),
                        request.tiers(), request.deviceId());
                return listed.isEmpty() ? Optional.empty() : Optional.of(new Listing(listed));
            });

    /** Raw points of one series in {@code [from, to)}, at most {@code limit}; empty when the series does not exist. */
    public static final PointQuery<RawRequest, String, Points> RAW = PointQuery.of("series.raw",
            Codec.json(RawRequest.class), BY_DEVICE, RawRequest::deviceId, Codec.json(Points.class),
            SeriesQueries::readRaw);

    /** Aggregated buckets of one series; empty when the series does not exist. */
    public static final PointQuery<BucketsRequest, String, Buckets> BUCKETS = PointQuery.of("series.buckets",
            Codec.json(BucketsRequest.class), BY_DEVICE, BucketsRequest::deviceId, Codec.json(Buckets.class),
            SeriesQueries::readBuckets);

    /** Buckets of a metric over many devices, grouped, as mergeable rollups; gathered from every instance. */
    public static final ScatterQuery<GroupRequest, Groups> GROUP = ScatterQuery.of("series.group",
            Codec.json(GroupRequest.class), TimeSeriesTopology.OPEN_STORE_NAME, Topics.EVENTS_RAW, Codec.json(Groups.class),
            SeriesQueries::localGroups, (request, parts) -> Groups.merge(parts));

    /** One page of the raw points of a metric over many devices, in series-key order; gathered from every instance. */
    public static final ScatterQuery<ScanRequest, ScanPage> SCAN = ScatterQuery.of("series.scan",
            Codec.json(ScanRequest.class), TimeSeriesTopology.OPEN_STORE_NAME, Topics.EVENTS_RAW, Codec.json(ScanPage.class),
            SeriesQueries::localScan, (request, parts) -> ScanPage.merge(parts));

    /**
     * {@link #SCAN}'s page written straight into a Flight batch ({@link ColumnWriter}) instead of answered as blocks:
     * for a page read on this instance only ({@link io.spectracache.flight.FlightDataset.Pages#local()}); its request
     * holds the batch, so it is never sent to a peer and no peer is offered it ({@link TimeSeriesCapability#queries()}
     * leaves it out).
     */
    static final ScatterQuery<ColumnsRequest, ColumnsPage> COLUMNS = ScatterQuery.of("series.columns",
            Codec.json(ColumnsRequest.class), TimeSeriesTopology.OPEN_STORE_NAME, Topics.EVENTS_RAW,
            Codec.json(ColumnsPage.class), SeriesQueries::localColumns, (request, parts) -> ColumnsPage.merge(parts));

    /**
     * The devices with a series of a metric whose ids pass a filter's id conditions, in series-key order; gathered
     * from every instance. Read from keys alone (no open state decoded): the dictionary of a Flight stream.
     */
    public static final ScatterQuery<DevicesRequest, DeviceIds> DEVICES = ScatterQuery.of("series.devices",
            Codec.json(DevicesRequest.class), TimeSeriesTopology.OPEN_STORE_NAME, Topics.EVENTS_RAW,
            Codec.json(DeviceIds.class), SeriesQueries::localDevices, (request, parts) -> DeviceIds.merge(parts));

    /** The names of every metric with a series on any instance. */
    public static final ScatterQuery<MetricsRequest, MetricNames> METRICS = ScatterQuery.of("series.metrics",
            Codec.json(MetricsRequest.class), TimeSeriesTopology.OPEN_STORE_NAME, Topics.EVENTS_RAW,
            Codec.json(MetricNames.class), SeriesQueries::localMetrics, (request, parts) -> MetricNames.merge(parts));

    private SeriesQueries() {
    }

    /** Asks for the devices with a series of {@code metric} passing the filter's id conditions (not its state ones). */
    public record DevicesRequest(String metric, SeriesFilter filter) {
        public DevicesRequest {
            requireNonNull(metric, "metric");
            requireNonNull(filter, "filter");
        }
    }

    /** Device ids in series-key order (by UTF-8 length, then bytes), each once. */
    public record DeviceIds(List<String> deviceIds) {
        public DeviceIds {
            deviceIds = List.copyOf(deviceIds);
        }

        static DeviceIds merge(List<DeviceIds> parts) {
            TreeMap<Bytes, String> ordered = new TreeMap<>();
            for (DeviceIds part : parts) {
                part.deviceIds().forEach(id -> ordered.put(SeriesKeys.devicePrefix(id), id));
            }
            return new DeviceIds(new ArrayList<>(ordered.values()));
        }
    }

    /** Asks for at most {@code limit} metric names. */
    public record MetricsRequest(int limit) {
    }

    public record MetricNames(TreeSet<String> names) {
        public MetricNames {
            requireNonNull(names, "names");
        }

        static MetricNames merge(List<MetricNames> parts) {
            TreeSet<String> all = new TreeSet<>();
            parts.forEach(part -> all.addAll(part.names()));
            return new MetricNames(all);
        }
    }

    /** Lists a device's series; {@code tiers} are where the oldest points may be. */
    public record ListRequest(String deviceId, List<RollupTier> tiers) {
        public ListRequest {
            requireNonNull(deviceId, "deviceId");
            tiers = List.copyOf(tiers);
        }
    }

    public record Listing(List<SeriesReads.Listed> series) {
        public Listing {
            series = List.copyOf(series);
        }
    }

    public record RawRequest(String deviceId, String metric, long from, long to, long chunkMaxSpanMs, int limit) {
        public RawRequest {
            requireNonNull(deviceId, "deviceId");
            requireNonNull(metric, "metric");
        }
    }

    /** Points in time order (at most the request's limit: more means the range holds more). */
    public record Points(long[] timestamps, double[] values) {
        public Points {
            requireNonNull(timestamps, "timestamps");
            requireNonNull(values, "values");
            if (timestamps.length != values.length) {
                throw new IllegalArgumentException("as many timestamps as values");
            }
        }

        public int size() {
            return timestamps.length;
        }
    }

    /** The plan as it travels: its range, step and source tier (null: raw). */
    public record PlanSpec(long from, long to, long step, RollupTier tier) {
        static PlanSpec of(BucketPlan plan) {
            return new PlanSpec(plan.from(), plan.to(), plan.step(), plan.tier().orElse(null));
        }

        BucketPlan plan() {
            return new BucketPlan(from, to, step, Optional.ofNullable(tier));
        }
    }

    public record BucketsRequest(String deviceId, String metric, PlanSpec plan, List<SeriesAgg> aggs,
                                 TimeSeriesSettings settings) {
        public BucketsRequest {
            requireNonNull(deviceId, "deviceId");
            requireNonNull(metric, "metric");
            requireNonNull(plan, "plan");
            aggs = List.copyOf(aggs);
            requireNonNull(settings, "settings");
        }
    }

    /** Non-empty buckets by start; {@code values[a][b]} is aggregate {@code a} of bucket {@code b}. */
    public record Buckets(long[] starts, double[][] values) {
        public Buckets {
            requireNonNull(starts, "starts");
            requireNonNull(values, "values");
        }
    }

    public record GroupRequest(String metric, PlanSpec plan, SeriesFilter filter, String groupBy,
                               TimeSeriesSettings settings) {
        public GroupRequest {
            requireNonNull(metric, "metric");
            requireNonNull(plan, "plan");
            requireNonNull(filter, "filter");
            requireNonNull(settings, "settings");
        }
    }

    /** One group: how many devices contributed, and its buckets as serialised rollups by start. */
    public record Group(int devices, TreeMap<Long, byte[]> buckets) {
        public Group {
            requireNonNull(buckets, "buckets");
        }

        /** The rollups, decoded. */
        public NavigableMap<Long, Rollup> rollups() {
            NavigableMap<Long, Rollup> decoded = new TreeMap<>();
            buckets.forEach((start, bytes) -> decoded.put(start, ROLLUPS.deserialize(null, bytes)));
            return decoded;
        }
    }

    /** Groups by key ({@code ""} for devices without the grouping attribute). */
    public record Groups(TreeMap<String, Group> groups) {
        public Groups {
            requireNonNull(groups, "groups");
        }

        static Groups merge(List<Groups> parts) {
            Map<String, Integer> devices = new TreeMap<>();
            Map<String, NavigableMap<Long, Rollup>> rollups = new TreeMap<>();
            for (Groups part : parts) {
                part.groups().forEach((key, group) -> {
                    devices.merge(key, group.devices(), Integer::sum);
                    NavigableMap<Long, Rollup> into = rollups.computeIfAbsent(key, k -> new TreeMap<>());
                    group.rollups().forEach((start, rollup) -> into.merge(start, rollup, BucketPlan::merged));
                });
            }
            TreeMap<String, Group> merged = new TreeMap<>();
            rollups.forEach((key, buckets) -> merged.put(key, new Group(devices.get(key), encode(buckets))));
            return new Groups(merged);
        }
    }

    /**
     * A page request of raw points: series of {@code metric} on devices passing {@code filter}, strictly after
     * {@code cursor} (or from the first), at most {@code limit} points.
     *
     * @param knownDevices null, or the devices with a series of the metric as {@link #DEVICES} listed them on the one
     *                     partition the page is read from, in series-key order: the page then reads their series
     *                     instead of walking the store's keys again. Only for a page read on this instance (it is
     *                     too large to send to another); ignored when the page reads several partitions.
     */
    public record ScanRequest(String metric, long from, long to, SeriesFilter filter, String cursor, int limit,
                              long chunkMaxSpanMs, List<String> knownDevices) {
        public ScanRequest {
            requireNonNull(metric, "metric");
            requireNonNull(filter, "filter");
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be positive, was " + limit);
            }
        }
    }

    /** The points of one series within a page; {@code key} is its series key in hex. */
    public record Block(String key, String deviceId, long[] timestamps, double[] values) {
        public Block {
            requireNonNull(key, "key");
            requireNonNull(deviceId, "deviceId");
        }
    }

    /**
     * Blocks in series-key order; {@code nextCursor} set when there may be more after the last point, and then the
     * page vouches only for points up to it.
     */
    public record ScanPage(List<Block> blocks, String nextCursor) {
        public ScanPage {
            blocks = List.copyOf(blocks);
        }

        /** How many points the page holds. */
        public int points() {
            return blocks.stream().mapToInt(block -> block.timestamps().length).sum();
        }

        /**
         * Merges instance pages: blocks in key order, cut at the smallest cursor of an instance with more to give,
         * so that no point is skipped between pages (the cut points come again on the next page, from that cursor).
         */
        static ScanPage merge(List<ScanPage> parts) {
            String cut = null;
            for (ScanPage part : parts) {
                if (part.nextCursor() != null && (cut == null || part.nextCursor().compareTo(cut) < 0)) {
                    cut = part.nextCursor();
                }
            }
            TreeMap<String, Block> blocks = new TreeMap<>();
            for (ScanPage part : parts) {
                for (Block block : part.blocks()) {
                    Block kept = cut == null ? block : before(block, cut);
                    if (kept != null) {
                        blocks.put(kept.key(), kept);
                    }
                }
            }
            return new ScanPage(new ArrayList<>(blocks.values()), cut);
        }

        private static Block before(Block block, String cut) {
            Cursor at = Cursor.parse(cut);
            int order = block.key().compareTo(at.key());
            if (order < 0) {
                return block;
            }
            if (order > 0) {
                return null;
            }
            int n = 0;
            while (n < block.timestamps().length && block.timestamps()[n] <= at.timestamp()) {
                n++;
            }
            return n == 0 ? null : new Block(block.key(), block.deviceId(),
                    java.util.Arrays.copyOf(block.timestamps(), n), java.util.Arrays.copyOf(block.values(), n));
        }
    }

    /** Where {@link #COLUMNS} writes a page: the points of one series after another. */
    interface ColumnWriter extends PointSink {
        /**
         * The points that follow are {@code deviceId}'s series'; false when that series is to be left out of the page
         * (its points are then neither read nor counted).
         */
        boolean startSeries(String deviceId);
    }

    /**
     * A {@link #SCAN} request whose points go to {@code writer}; {@code tailRecords} is the serde of
     * {@code timeseries-open-tails} for the configured tiers, with which each series' tail is read from its device's
     * stored records alone.
     */
    record ColumnsRequest(ScanRequest scan, DeviceTailsSerde tailRecords, ColumnWriter writer) {
        ColumnsRequest {
            requireNonNull(scan, "scan");
            requireNonNull(tailRecords, "tailRecords");
            requireNonNull(writer, "writer");
        }
    }

    /** How many points a {@link #COLUMNS} page wrote, and the cursor after them as {@link ScanPage#nextCursor()}. */
    record ColumnsPage(int points, String nextCursor) {
        static ColumnsPage merge(List<ColumnsPage> parts) {
            if (parts.size() != 1) {
                throw new IllegalStateException("a series.columns page is read on one instance only, not gathered");
            }
            return parts.get(0);
        }
    }

    /**
     * A scan position: the series key in hex and the time of the last point given, which sort as text in the order
     * of the store (hex keeps the byte order; the time is fixed-width with the sign flipped).
     */
    record Cursor(String key, long timestamp) {
        String encode() {
            return key + ":" + String.format("%016x", timestamp ^ Long.MIN_VALUE);
        }

        static Cursor parse(String text) {
            int colon = text.lastIndexOf(':');
            if (colon < 0 || text.length() - colon - 1 != 16) {
                throw new IllegalArgumentException("not a series scan cursor: " + text);
            }
            return new Cursor(text.substring(0, colon), Long.parseUnsignedLong(text.substring(colon + 1), 16) ^ Long.MIN_VALUE);
        }
    }

    private static Optional<Points> readRaw(RawRequest request, int partition, LocalStores stores, ReadOptions read) {
        SeriesStores series = new LocalSeriesStores(stores, partition, read);
        Bytes key = SeriesKeys.seriesPrefix(request.deviceId(), request.metric());
        if (series.open(key) == null) {
            return Optional.empty();
        }
        Chunk points = SeriesReads.raw(series, request.chunkMaxSpanMs(), key, request.from(), request.to());
        int n = Math.min(points.size(), request.limit());
        return Optional.of(new Points(java.util.Arrays.copyOf(points.timestamps(), n),
                java.util.Arrays.copyOf(points.values(), n)));
    }

    private static Optional<Buckets> readBuckets(BucketsRequest request, int partition, LocalStores stores,
                                                 ReadOptions read) {
        SeriesStores series = new LocalSeriesStores(stores, partition, read);
        if (series.open(SeriesKeys.seriesPrefix(request.deviceId(), request.metric())) == null) {
            return Optional.empty();
        }
        NavigableMap<Long, Rollup> buckets = request.plan().plan().read(series, request.settings(), request.deviceId(),
                request.metric());
        return Optional.of(aggregate(buckets, request.aggs()));
    }

    /** The aggregates of every non-empty bucket. */
    static Buckets aggregate(NavigableMap<Long, Rollup> buckets, List<SeriesAgg> aggs) {
        List<Map.Entry<Long, Rollup>> kept = buckets.entrySet().stream().filter(e -> e.getValue().count() > 0).toList();
        long[] starts = new long[kept.size()];
        double[][] values = new double[aggs.size()][kept.size()];
        for (int b = 0; b < kept.size(); b++) {
            starts[b] = kept.get(b).getKey();
            for (int a = 0; a < aggs.size(); a++) {
                values[a][b] = aggs.get(a).of(kept.get(b).getValue());
            }
        }
        return new Buckets(starts, values);
    }

    static TreeMap<Long, byte[]> encode(NavigableMap<Long, Rollup> rollups) {
        TreeMap<Long, byte[]> encoded = new TreeMap<>();
        rollups.forEach((start, rollup) -> encoded.put(start, ROLLUPS.serialize(null, rollup)));
        return encoded;
    }

    private static ScatterQuery.Part<MetricNames> localMetrics(MetricsRequest request, LocalStores stores, ReadOptions read) {
        Set<Integer> active = new TreeSet<>(stores.activePartitions(TimeSeriesTopology.OPEN_STORE_NAME));
        TreeSet<String> names = new TreeSet<>();
        for (int partition : active) {
            try (KeyValueIterator<Bytes, OpenSeries> all = new LocalSeriesStores(stores, partition, read).openRange(
                    Bytes.wrap(new byte[0]), LAST_KEY)) {
                while (all.hasNext() && names.size() < request.limit()) {
                    names.add(SeriesKeys.decodeSeries(all.next().key).metric());
                }
            }
        }
        return new ScatterQuery.Part<>(new MetricNames(names), active);
    }

    /** A series this instance holds, with the partition it is on. */
    record Local(Bytes key, String deviceId, int partition) {
    }

    private static ScatterQuery.Part<Groups> localGroups(GroupRequest request, LocalStores stores, ReadOptions read) {
        Set<Integer> active = new TreeSet<>(stores.activePartitions(TimeSeriesTopology.OPEN_STORE_NAME));
        BucketPlan plan = request.plan().plan();
        Map<String, Integer> devices = new TreeMap<>();
        Map<String, NavigableMap<Long, Rollup>> groups = new TreeMap<>();
        for (Local series : allLocalSeries(request.metric(), request.filter(), stores, active, read)) {
            DeviceState state = request.filter().needsState() || needsState(request.groupBy())
                    ? stores.get(DeviceStateStore.SPEC, series.deviceId(), series.partition(), read).orElse(null)
                    : null;
            if (!request.filter().admitsState(state)) {
                continue;
            }
            String group = request.groupBy() == null ? ""
                    : request.groupBy().equals("deviceId") ? series.deviceId()
                    : String.valueOf(SeriesFilter.attribute(state, request.groupBy()) == null ? ""
                    : SeriesFilter.attribute(state, request.groupBy()));
            NavigableMap<Long, Rollup> buckets = plan.read(new LocalSeriesStores(stores, series.partition(), read),
                    request.settings(), series.deviceId(), request.metric());
            if (buckets.isEmpty()) {
                continue;
            }
            devices.merge(group, 1, Integer::sum);
            NavigableMap<Long, Rollup> into = groups.computeIfAbsent(group, g -> new TreeMap<>());
            buckets.forEach((start, rollup) -> into.merge(start, rollup, BucketPlan::merged));
        }
        TreeMap<String, Group> answer = new TreeMap<>();
        groups.forEach((key, buckets) -> answer.put(key, new Group(devices.get(key), encode(buckets))));
        return new ScatterQuery.Part<>(new Groups(answer), active);
    }

    private static boolean needsState(String groupBy) {
        return groupBy != null && !groupBy.equals("deviceId");
    }

    private static ScatterQuery.Part<ScanPage> localScan(ScanRequest request, LocalStores stores, ReadOptions read) {
        List<Block> blocks = new ArrayList<>();
        PageRead page = readPage(request, stores, read, null, (series, seriesStores, hex, from, max, last) -> {
            List<Chunk> parts = SeriesReads.rawParts(seriesStores, request.chunkMaxSpanMs(), series.key(), from,
                    request.to());
            int size = 0;
            for (Chunk part : parts) {
                size += part.size();
            }
            if (size == 0) {
                return 0;
            }
            // The block's points copied once, straight from the decoded chunks, and only as many as the page takes.
            int take = Math.min(size, max);
            long[] timestamps = new long[take];
            double[] values = new double[take];
            int at = 0;
            for (Chunk part : parts) {
                int n = Math.min(part.size(), take - at);
                part.copyTo(0, n, timestamps, values, at);
                at += n;
                if (at == take) {
                    break;
                }
            }
            blocks.add(new Block(hex, series.deviceId(), timestamps, values));
            last[0] = timestamps[take - 1];
            return take;
        });
        return new ScatterQuery.Part<>(new ScanPage(blocks, page.nextCursor()), page.partitions());
    }

    private static ScatterQuery.Part<ColumnsPage> localColumns(ColumnsRequest request, LocalStores stores,
                                                               ReadOptions read) {
        ScanRequest scan = request.scan();
        ColumnWriter writer = request.writer();
        RawPointReader reader = new RawPointReader();
        long[] lastGiven = new long[1];
        PointSink sink = (timestamps, values, offset, n) -> {
            writer.accept(timestamps, values, offset, n);
            lastGiven[0] = timestamps[offset + n - 1];
        };
        PageRead page = readPage(scan, stores, read, request.tailRecords(), (series, seriesStores, hex, from, max, last) -> {
            if (!writer.startSeries(series.deviceId())) {
                return 0;
            }
            int n = reader.read(seriesStores, scan.chunkMaxSpanMs(), series.key(), from, scan.to(), max, sink);
            last[0] = lastGiven[0];
            return n;
        });
        return new ScatterQuery.Part<>(new ColumnsPage(page.points(), page.nextCursor()), page.partitions());
    }

    /** Reads one series' points for a page. */
    @FunctionalInterface
    private interface SeriesPageRead {
        /**
         * Takes at most {@code max} points of {@code series} from {@code from} on (to the request's end); returns how
         * many, with the time of the last one in {@code last[0]}.
         */
        int read(Local series, SeriesStores stores, String hex, long from, int max, long[] last);
    }

    /** What a page read: its points, the cursor after them (null: nothing more), the partitions it covers. */
    private record PageRead(int points, String nextCursor, Set<Integer> partitions) {
    }

    /**
     * Reads one page of {@code request} on this instance's active partitions: the series in key order from the
     * request's cursor on, each through {@code seriesRead}, until the page holds {@code request.limit()} points;
     * series' tails read with {@code tailRecords} ({@link HandleSeriesStores#forPage}; null: whole devices).
     */
    private static PageRead readPage(ScanRequest request, LocalStores stores, ReadOptions read,
                                     DeviceTailsSerde tailRecords, SeriesPageRead seriesRead) {
        Set<Integer> active = new TreeSet<>(stores.activePartitions(TimeSeriesTopology.OPEN_STORE_NAME));
        Cursor after = request.cursor() == null ? null : Cursor.parse(request.cursor());
        int[] points = {0};
        String[] next = {null};
        long[] last = {0};
        // One set of store handles per partition for the whole page: three interactive queries a partition, not three
        // a series.
        Map<Integer, SeriesStores> pageStores = new HashMap<>();
        IntFunction<SeriesStores> storesOf = partition -> pageStores.computeIfAbsent(partition,
                p -> HandleSeriesStores.forPage(stores, p, read, tailRecords));
        // Walked lazily and left as soon as the page is full: a page costs its own series, not every series again.
        Predicate<Local> visit = series -> {
            if (request.filter().needsState() && !request.filter().admitsState(
                    stores.get(DeviceStateStore.SPEC, series.deviceId(), series.partition(), read).orElse(null))) {
                return true;
            }
            String hex = HEX.formatHex(series.key().get());
            long from = after != null && hex.equals(after.key()) ? Math.max(request.from(), after.timestamp() + 1) : request.from();
            if (from >= request.to()) {
                return true;
            }
            int take = seriesRead.read(series, storesOf.apply(series.partition()), hex, from,
                    request.limit() - points[0], last);
            if (take == 0) {
                return true;
            }
            points[0] += take;
            if (points[0] >= request.limit()) {
                next[0] = new Cursor(hex, last[0]).encode();
                return false;
            }
            return true;
        };
        if (request.knownDevices() != null && active.size() == 1) {
            knownSeries(request.metric(), request.knownDevices(), after, active.iterator().next(), visit);
        } else {
            localSeries(request.metric(), request.filter(), after, storesOf, active, visit);
        }
        return new PageRead(points[0], next[0], active);
    }

    private static ScatterQuery.Part<DeviceIds> localDevices(DevicesRequest request, LocalStores stores, ReadOptions read) {
        Set<Integer> active = new TreeSet<>(stores.activePartitions(TimeSeriesTopology.OPEN_STORE_NAME));
        List<String> devices = new ArrayList<>();
        if (request.filter().devices() != null) {
            localSeries(request.metric(), request.filter(), null, partition -> new LocalSeriesStores(stores, partition,
                    read), active, series -> devices.add(series.deviceId()));
            return new ScatterQuery.Part<>(new DeviceIds(devices), active);
        }
        // Every series of the metric, listed in one pass over each partition's keys through a store handle (no value
        // decoded), then merged in key order.
        TreeMap<Bytes, String> ordered = new TreeMap<>();
        for (int partition : active) {
            for (Bytes key : MetricSeriesWalk.all(HandleSeriesStores.forPage(stores, partition, read), request.metric(),
                    null)) {
                String deviceId = SeriesKeys.decodeSeries(key).deviceId();
                if (request.filter().admitsId(deviceId)) {
                    ordered.put(key, deviceId);
                }
            }
        }
        devices.addAll(ordered.values());
        return new ScatterQuery.Part<>(new DeviceIds(devices), active);
    }

    /**
     * Gives {@code visit} the series of {@code metric} of {@code devices} (in series-key order, all on
     * {@code partition}) from {@code after}'s series on (inclusive), until it answers false; reads no store.
     */
    static void knownSeries(String metric, List<String> devices, Cursor after, int partition, Predicate<Local> visit) {
        int low = 0;
        if (after != null) {
            Bytes start = Bytes.wrap(HEX.parseHex(after.key()));
            int high = devices.size();
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (SeriesKeys.seriesPrefix(devices.get(mid), metric).compareTo(start) < 0) {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
        }
        for (int i = low; i < devices.size(); i++) {
            String device = devices.get(i);
            if (!visit.test(new Local(SeriesKeys.seriesPrefix(device, metric), device, partition))) {
                return;
            }
        }
    }

    private static List<Local> allLocalSeries(String metric, SeriesFilter filter, LocalStores stores,
                                              Set<Integer> active, ReadOptions read) {
        List<Local> found = new ArrayList<>();
        localSeries(metric, filter, null, partition -> new LocalSeriesStores(stores, partition, read), active,
                found::add);
        return found;
    }

    /**
     * Gives {@code visit} this instance's series of {@code metric} whose device passes the filter's id conditions, in
     * series-key order across its active partitions, from {@code after}'s series on (inclusive: the caller skips what
     * it gave), until {@code visit} answers false. Explicit device lists are looked up one by one; otherwise the open
     * store is walked, one entry per series, no further than the visitor wants.
     */
    private static void localSeries(String metric, SeriesFilter filter, Cursor after, IntFunction<SeriesStores> storesOf,
                                    Set<Integer> active, Predicate<Local> visit) {
        Bytes start = after == null ? null : Bytes.wrap(HEX.parseHex(after.key()));
        if (filter.devices() != null) {
            TreeMap<Bytes, String> wanted = new TreeMap<>();
            for (String device : filter.devices()) {
                if (filter.prefix() == null || device.startsWith(filter.prefix())) {
                    wanted.put(SeriesKeys.seriesPrefix(device, metric), device);
                }
            }
            for (Map.Entry<Bytes, String> series : (start == null ? wanted : wanted.tailMap(start, true)).entrySet()) {
                for (int partition : active) {
                    if (MetricSeriesWalk.exists(storesOf.apply(partition), series.getKey())) {
                        if (!visit.test(new Local(series.getKey(), series.getValue(), partition))) {
                            return;
                        }
                        break;
                    }
                }
            }
            return;
        }
        // Key-only walks, one per partition, merged in key order: no other metric's open state is decoded.
        record Head(Bytes key, MetricSeriesWalk walk, int partition) {
        }
        PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> a.key().compareTo(b.key()));
        for (int partition : active) {
            MetricSeriesWalk walk = new MetricSeriesWalk(storesOf.apply(partition), metric, start);
            if (walk.peek() != null) {
                heads.add(new Head(walk.peek(), walk, partition));
            }
        }
        while (!heads.isEmpty()) {
            Head head = heads.poll();
            String deviceId = SeriesKeys.decodeSeries(head.key()).deviceId();
            if (filter.admitsId(deviceId) && !visit.test(new Local(head.key(), deviceId, head.partition()))) {
                return;
            }
            head.walk().advance();
            if (head.walk().peek() != null) {
                heads.add(new Head(head.walk().peek(), head.walk(), head.partition()));
            }
        }
    }
}
