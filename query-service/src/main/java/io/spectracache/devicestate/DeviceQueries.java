package io.spectracache.devicestate;

import static java.util.Objects.requireNonNull;

import io.spectracache.devices.DeviceState;
import io.spectracache.query.Codec;
import io.spectracache.query.PointQuery;
import io.spectracache.query.ScatterQuery;
import io.spectracache.routing.LocalStores;
import io.spectracache.routing.ReadOptions;
import io.spectracache.routing.ScanBounds;
import io.spectracache.routing.ScanMerge;
import io.spectracache.topics.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;

/** The queries of the device-state capability, for every transport. */
public final class DeviceQueries {
    /** The latest state of one device (parameters: the device id), answered by the device's owner. */
    public static final PointQuery<String, String, DeviceState> GET = PointQuery.of("device-state.get",
            Codec.json(String.class), DeviceStateTopology.STORE, deviceId -> deviceId,
            Codec.serde(DeviceStateTopology.STORE.valueSerde()),
            (deviceId, partition, stores, read) -> stores.get(DeviceStateTopology.STORE, deviceId, partition, read));

    /** One page of device states in device-id order (UTF-8 byte order), gathered from every instance. */
    public static final ScatterQuery<ScanRequest, ScanPart> SCAN = ScatterQuery.of("device-state.scan",
            Codec.json(ScanRequest.class), DeviceStateTopology.STORE.name(), Topics.EVENTS_RAW,
            Codec.json(ScanPart.class), DeviceQueries::localPage, (request, parts) -> merge(parts, request.limit()));

    /** A page request: device ids starting with {@code prefix} (or all), strictly after {@code cursor} (or from the first). */
    public record ScanRequest(String prefix, String cursor, int limit) {
        public ScanRequest {
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be positive, was " + limit);
            }
        }
    }

    /**
     * States in device-id order; {@code nextCursor} is set when there may be more after the last one, and then an
     * instance vouches only for ids up to it.
     */
    public record ScanPart(List<DeviceState> states, String nextCursor) {
        public ScanPart {
            states = List.copyOf(requireNonNull(states, "states"));
        }
    }

    private DeviceQueries() {
    }

    private static ScatterQuery.Part<ScanPart> localPage(ScanRequest request, LocalStores stores, ReadOptions read) {
        LocalStores.LocalPage<String, DeviceState> page = stores.scan(DeviceStateTopology.STORE,
                ScanBounds.of(request.prefix(), null, null, request.cursor()), state -> true, request.limit(), read);
        List<DeviceState> states = new ArrayList<>(page.items().size());
        for (KeyValue<String, DeviceState> entry : page.items()) {
            states.add(entry.value);
        }
        String next = page.hasMore() && !states.isEmpty() ? states.get(states.size() - 1).deviceId() : null;
        return new ScatterQuery.Part<>(new ScanPart(states, next), page.partitions());
    }

    /** Merges instance pages into one, in id order ({@link ScanMerge}: no device skipped between pages). */
    static ScanPart merge(List<ScanPart> parts, int limit) {
        ScanMerge.Part<DeviceState> merged = ScanMerge.merge(
                parts.stream().map(part -> new ScanMerge.Part<>(part.states(), part.nextCursor())).toList(),
                DeviceState::deviceId, limit, state -> 0, Long.MAX_VALUE);
        return new ScanPart(merged.items(), merged.nextCursor());
    }
}
