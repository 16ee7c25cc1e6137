package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import io.spectracache.query.Codec;
import io.spectracache.query.PointQuery;
import io.spectracache.query.ScatterQuery;
import io.spectracache.routing.LocalStores;
import io.spectracache.routing.ReadOptions;
import io.spectracache.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.locationtech.jts.geom.Geometry;

/**
 * The queries of the spatial capability, for every transport. Area queries (radius, box, polygon, nearest) are gathered
 * from every instance, each answering exactly for its own partitions (cells prune, exact predicates decide) and
 * returning at most the answer's size, so the merge of the parts is the exact answer: the global first {@code n} in
 * the answer's order are among the union of every part's first {@code n}. A device's tenant and attributes are those
 * of the event that carried its position, kept in the index with it: an answer needs no second read per device.
 */
public final class SpatialQueries {
    private static final HexFormat HEX = HexFormat.of();
    private static final Comparator<Found> BY_DISTANCE = Comparator.<Found>comparingDouble(
            found -> found.distanceM() == null ? 0 : found.distanceM()).thenComparing(Found::deviceId);
    private static final Comparator<Found> BY_DEVICE = Comparator.comparing(Found::deviceId);
    /** Greater than every index key (a cell id's first byte is at most 0xBF). */
    private static final Bytes LAST_INDEX_KEY = Bytes.wrap(new byte[] {-1});

    /** Devices within a radius, nearest first. */
    public static final ScatterQuery<RadiusRequest, Features> RADIUS = ScatterQuery.of("geo.radius",
            Codec.json(RadiusRequest.class), SpatialTopology.INDEX_STORE.name(), Topics.EVENTS_RAW, Codec.json(Features.class),
            (request, stores, read) -> local(stores, read, request.filter(), request.limit(), true,
                    (partitions, admit) -> SpatialSearch.radius(partitions, request.lat(), request.lon(), request.radiusM(),
                            admit, request.limit() + 1, request.maxCells())),
            (request, parts) -> Features.merge(parts, BY_DISTANCE, request.limit()));

    /** Devices in a latitude/longitude box, by device id. */
    public static final ScatterQuery<BoxRequest, Features> BOX = ScatterQuery.of("geo.box",
            Codec.json(BoxRequest.class), SpatialTopology.INDEX_STORE.name(), Topics.EVENTS_RAW, Codec.json(Features.class),
            (request, stores, read) -> local(stores, read, request.filter(), request.limit(), false,
                    (partitions, admit) -> SpatialSearch.box(partitions, request.minLat(), request.minLon(), request.maxLat(),
                            request.maxLon(), admit, request.limit() + 1, request.maxCells())),
            (request, parts) -> Features.merge(parts, BY_DEVICE, request.limit()));

    /** Devices in a Polygon or MultiPolygon (holes honoured), by device id. */
    public static final ScatterQuery<WithinRequest, Features> WITHIN = ScatterQuery.of("geo.within",
            Codec.json(WithinRequest.class), SpatialTopology.INDEX_STORE.name(), Topics.EVENTS_RAW, Codec.json(Features.class),
            (request, stores, read) -> {
                Geometry area = GeoJson.polygonal(GeoJson.tree(request.geometry().getBytes(StandardCharsets.UTF_8),
                        "body"), "body", request.maxVertices());
                return local(stores, read, request.filter(), request.limit(), false,
                        (partitions, admit) -> SpatialSearch.within(partitions, area, admit, request.limit() + 1,
                                request.maxCells()));
            },
            (request, parts) -> Features.merge(parts, BY_DEVICE, request.limit()));

    /** The k nearest devices, nearest first: exact across every instance. */
    public static final ScatterQuery<NearestRequest, Features> NEAREST = ScatterQuery.of("geo.nearest",
            Codec.json(NearestRequest.class), SpatialTopology.INDEX_STORE.name(), Topics.EVENTS_RAW, Codec.json(Features.class),
            (request, stores, read) -> local(stores, read, request.filter(), request.k(), true,
                    (partitions, admit) -> SpatialSearch.nearest(partitions, request.lat(), request.lon(), request.k(),
                            admit, request.maxCells())),
            (request, parts) -> Features.merge(parts, BY_DISTANCE, request.k()));

    /** Every position, a page at a time in index (cell) order. */
    public static final ScatterQuery<ScanRequest, ScanPage> SCAN = ScatterQuery.of("geo.scan",
            Codec.json(ScanRequest.class), SpatialTopology.INDEX_STORE.name(), Topics.EVENTS_RAW, Codec.json(ScanPage.class),
            SpatialQueries::localScan, (request, parts) -> ScanPage.merge(parts, request.limit()));

    /** Fences from the catalog (one by id, or a page in id order), as this instance knows them. */
    public static final ScatterQuery<FenceRequest, FenceList> FENCES = ScatterQuery.of("geofences.list",
            Codec.json(FenceRequest.class), SpatialTopology.DEVICES_STORE.name(), Topics.EVENTS_RAW,
            Codec.json(FenceList.class), SpatialQueries::localFences, (request, parts) -> FenceList.merge(parts, request.limit()));

    /** The devices inside one fence now, by device id, a page at a time. */
    public static final ScatterQuery<MembersRequest, Members> MEMBERS = ScatterQuery.of("geofences.members",
            Codec.json(MembersRequest.class), SpatialTopology.MEMBERS_STORE.name(), Topics.EVENTS_RAW,
            Codec.json(Members.class), SpatialQueries::localMembers, (request, parts) -> Members.merge(parts, request.limit()));

    /** One device's position and the fences it is in. */
    public static final PointQuery<String, String, DevicePosition> DEVICE = PointQuery.of("geo.device",
            Codec.json(String.class), SpatialTopology.DEVICES_STORE, id -> id,
            Codec.json(DevicePosition.class),
            (id, partition, stores, read) -> Optional.ofNullable(new LocalSpatialStores(stores, partition, read).device(id)));

    private SpatialQueries() {
    }

    public record RadiusRequest(double lat, double lon, double radiusM, int limit, GeoFilter filter, int maxCells) {
        public RadiusRequest {
            requireNonNull(filter, "filter");
        }
    }

    public record BoxRequest(double minLat, double minLon, double maxLat, double maxLon, int limit, GeoFilter filter,
                             int maxCells) {
        public BoxRequest {
            requireNonNull(filter, "filter");
        }
    }

    /** @param geometry a GeoJSON Polygon or MultiPolygon (checked by the instance asked) */
    public record WithinRequest(String geometry, int limit, GeoFilter filter, int maxCells, int maxVertices) {
        public WithinRequest {
            requireNonNull(geometry, "geometry");
            requireNonNull(filter, "filter");
        }
    }

    public record NearestRequest(double lat, double lon, int k, GeoFilter filter, int maxCells) {
        public NearestRequest {
            requireNonNull(filter, "filter");
        }
    }

    /**
     * One device in an answer.
     *
     * @param distanceM metres from the query's centre, for radius and nearest; null otherwise
     * @param tenant    the tenant of the device's newest event, or null
     */
    public record Found(String deviceId, double lat, double lon, long ts, Double distanceM, String tenant,
                        Map<String, String> attributes) {
        public Found {
            requireNonNull(deviceId, "deviceId");
            attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        }
    }

    /**
     * Devices in the answer's order, at most the size asked.
     *
     * @param truncated whether more devices matched than the answer holds
     */
    public record Features(List<Found> found, boolean truncated) {
        public Features {
            found = List.copyOf(found);
        }

        static Features merge(List<Features> parts, Comparator<Found> order, int limit) {
            List<Found> all = new ArrayList<>();
            boolean truncated = false;
            for (Features part : parts) {
                all.addAll(part.found());
                truncated |= part.truncated();
            }
            all.sort(order);
            if (all.size() > limit) {
                return new Features(all.subList(0, limit), true);
            }
            return new Features(all, truncated);
        }
    }

    private static ScatterQuery.Part<Features> local(LocalStores stores, ReadOptions read, GeoFilter filter, int limit,
                                                     boolean distance,
                                                     BiFunction<SpatialSearch.Partitions, Predicate<SpatialSearch.Hit>,
                                                             List<SpatialSearch.Hit>> search) {
        Set<Integer> active = new TreeSet<>(stores.activePartitions(SpatialTopology.INDEX_STORE.name()));
        SpatialSearch.Partitions partitions = LocalSpatialStores.all(stores, active, read);
        Predicate<SpatialSearch.Hit> admit = hit -> filter.admitsTime(hit.ts()) && filter.admits(hit.tenant(), hit.attributes());
        List<SpatialSearch.Hit> hits = search.apply(partitions, admit);
        boolean truncated = hits.size() > limit;
        List<Found> found = new ArrayList<>(Math.min(hits.size(), limit));
        for (SpatialSearch.Hit hit : truncated ? hits.subList(0, limit) : hits) {
            found.add(new Found(hit.deviceId(), hit.lat(), hit.lon(), hit.ts(), distance ? hit.distanceM() : null,
                    hit.tenant(), hit.attributes()));
        }
        return new ScatterQuery.Part<>(new Features(found, truncated), active);
    }

    /** A page of positions strictly after {@code cursor} (an index key in hex; null: from the first). */
    public record ScanRequest(String cursor, int limit) {
        public ScanRequest {
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be positive, was " + limit);
            }
        }
    }

    /** One position of the scan, with its index key in hex (the scan's order). */
    public record Positioned(String key, String deviceId, double lat, double lon, long ts, long cell) {
    }

    /** Positions in index order; {@code nextCursor} set when more follow. */
    public record ScanPage(List<Positioned> rows, String nextCursor) {
        public ScanPage {
            rows = List.copyOf(rows);
        }

        static ScanPage merge(List<ScanPage> parts, int limit) {
            List<Positioned> all = new ArrayList<>();
            boolean more = false;
            for (ScanPage part : parts) {
                all.addAll(part.rows());
                more |= part.nextCursor() != null;
            }
            all.sort(Comparator.comparing(Positioned::key));
            if (all.size() > limit) {
                List<Positioned> page = all.subList(0, limit);
                return new ScanPage(page, page.get(limit - 1).key());
            }
            return new ScanPage(all, more && !all.isEmpty() ? all.get(all.size() - 1).key() : null);
        }
    }

    private static ScatterQuery.Part<ScanPage> localScan(ScanRequest request, LocalStores stores, ReadOptions read) {
        Set<Integer> active = new TreeSet<>(stores.activePartitions(SpatialTopology.INDEX_STORE.name()));
        Bytes from = request.cursor() == null ? Bytes.wrap(new byte[0]) : Bytes.increment(Bytes.wrap(HEX.parseHex(request.cursor())));
        record Head(KeyValue<Bytes, IndexedPosition> entry, KeyValueIterator<Bytes, IndexedPosition> source) {
        }
        PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> a.entry().key.compareTo(b.entry().key));
        List<KeyValueIterator<Bytes, IndexedPosition>> open = new ArrayList<>();
        List<Positioned> rows = new ArrayList<>();
        boolean more = false;
        try {
            // One IQv2 request for every local partition's range.
            open.addAll(stores.queryAll(SpatialTopology.INDEX_STORE.name(),
                    RangeQuery.<Bytes, IndexedPosition>withRange(from, LAST_INDEX_KEY), active, read).values());
            for (KeyValueIterator<Bytes, IndexedPosition> range : open) {
                if (range.hasNext()) {
                    heads.add(new Head(range.next(), range));
                }
            }
            while (!heads.isEmpty()) {
                Head head = heads.poll();
                if (rows.size() == request.limit()) {
                    more = true;
                    break;
                }
                KeyValue<Bytes, IndexedPosition> entry = head.entry();
                if (entry.value != null) {
                    rows.add(new Positioned(HEX.formatHex(entry.key.get()), CellKeys.deviceOfKey(entry.key),
                            entry.value.lat(), entry.value.lon(), entry.value.ts(), CellKeys.cellOfKey(entry.key)));
                }
                if (head.source().hasNext()) {
                    heads.add(new Head(head.source().next(), head.source()));
                }
            }
        } finally {
            open.forEach(KeyValueIterator::close);
        }
        return new ScatterQuery.Part<>(new ScanPage(rows, more ? rows.get(rows.size() - 1).key() : null), active);
    }

    /** One fence ({@code id} set) or a page of at most {@code limit} after {@code after} (null: from the first). */
    public record FenceRequest(String id, String after, int limit) {
    }

    /** A fence as stored: its id and its GeoJSON Feature. */
    public record FenceJson(String id, String json) {
    }

    /** Fences in id order; {@code total} how many the catalog holds. */
    public record FenceList(List<FenceJson> fences, boolean more, int total) {
        public FenceList {
            fences = List.copyOf(fences);
        }

        static FenceList merge(List<FenceList> parts, int limit) {
            TreeMap<String, FenceJson> byId = new TreeMap<>();
            boolean more = false;
            int total = 0;
            for (FenceList part : parts) {
                part.fences().forEach(fence -> byId.putIfAbsent(fence.id(), fence));
                more |= part.more();
                total = Math.max(total, part.total());
            }
            List<FenceJson> all = new ArrayList<>(byId.values());
            if (all.size() > limit) {
                return new FenceList(all.subList(0, limit), true, total);
            }
            return new FenceList(all, more, total);
        }
    }

    private static ScatterQuery.Part<FenceList> localFences(FenceRequest request, LocalStores stores, ReadOptions read) {
        Set<Integer> active = new TreeSet<>(stores.activePartitions(SpatialTopology.DEVICES_STORE.name()));
        if (active.isEmpty()) {
            return new ScatterQuery.Part<>(new FenceList(List.of(), false, 0), active);
        }
        // Every partition's store answers from the same fence index: one is asked, and the part covers them all.
        FenceQuery query = request.id() != null ? FenceQuery.get(request.id()) : FenceQuery.page(request.after(), request.limit());
        FenceQuery.Answer answer = stores.query(SpatialTopology.DEVICES_STORE.name(), query, active.iterator().next(), read);
        List<FenceJson> fences = new ArrayList<>();
        for (Geofence fence : answer.fences()) {
            fences.add(new FenceJson(fence.id(), new String(fence.toJson(), StandardCharsets.UTF_8)));
        }
        return new ScatterQuery.Part<>(new FenceList(fences, answer.more(), answer.total()), active);
    }

    /** Members of {@code fenceId} after device {@code after} (null: from the first), at most {@code limit}. */
    public record MembersRequest(String fenceId, String after, int limit) {
        public MembersRequest {
            requireNonNull(fenceId, "fenceId");
        }
    }

    /** A device inside a fence: when it entered, and its newest position. */
    public record Member(String deviceId, long enteredAt, double lat, double lon, long ts) {
    }

    /** Members by device id; {@code more} when others follow the last. */
    public record Members(List<Member> members, boolean more) {
        public Members {
            members = List.copyOf(members);
        }

        static Members merge(List<Members> parts, int limit) {
            List<Member> all = new ArrayList<>();
            boolean more = false;
            for (Members part : parts) {
                all.addAll(part.members());
                more |= part.more();
            }
            all.sort(Comparator.comparing(Member::deviceId));
            if (all.size() > limit) {
                return new Members(all.subList(0, limit), true);
            }
            return new Members(all, more);
        }
    }

    private static ScatterQuery.Part<Members> localMembers(MembersRequest request, LocalStores stores, ReadOptions read) {
        Set<Integer> active = new TreeSet<>(stores.activePartitions(SpatialTopology.MEMBERS_STORE.name()));
        Bytes from = request.after() == null ? MemberKeys.fencePrefix(request.fenceId())
                : Bytes.increment(MemberKeys.of(request.fenceId(), request.after()));
        Bytes to = MemberKeys.fenceRangeEnd(request.fenceId());
        List<Member> found = new ArrayList<>();
        for (int partition : active) {
            LocalSpatialStores partitionStores = new LocalSpatialStores(stores, partition, read);
            int taken = 0;
            try (KeyValueIterator<Bytes, FenceMember> members = partitionStores.members(from, to)) {
                while (members.hasNext() && taken <= request.limit()) {
                    KeyValue<Bytes, FenceMember> entry = members.next();
                    if (entry.value == null) {
                        continue;
                    }
                    String deviceId = MemberKeys.decode(entry.key).deviceId();
                    DevicePosition at = partitionStores.device(deviceId);
                    if (at != null) {
                        found.add(new Member(deviceId, entry.value.enteredAt(), at.lat(), at.lon(), at.ts()));
                        taken++;
                    }
                }
            }
        }
        found.sort(Comparator.comparing(Member::deviceId));
        boolean more = found.size() > request.limit();
        return new ScatterQuery.Part<>(new Members(more ? found.subList(0, request.limit()) : found, more), active);
    }
}
