package io.spectracache.dashboard;

import static java.util.Objects.requireNonNull;

import io.spectracache.devices.DeviceState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The devices the fleet map shows: a bounded sample, never the whole fleet, so a page stays responsive with a
 * million devices. Each refresh reads one more page of the ordered device scan, continuing where the last one
 * stopped and starting over at the end, and keeps the newest position of at most {@link #capacity} devices (those
 * read longest ago make room). A small fleet is shown whole; a large one as a window that moves through it.
 */
final class MapSample {
    /** One device on the map. */
    record Point(String deviceId, double lat, double lon) {
        Point {
            requireNonNull(deviceId, "deviceId");
        }
    }

    /** What the map gets: the sample, and how many devices the last page read. */
    record Answer(List<Point> devices, int capacity) {
        Answer {
            devices = List.copyOf(devices);
        }
    }

    /** One page of the device scan: the states from {@code cursor} (null: the start) and the next cursor (null: the end). */
    record Page(List<DeviceState> states, String nextCursor) {
    }

    private final int capacity;
    private final int pageSize;
    private final BiFunction<String, Integer, Page> scan;
    private final LinkedHashMap<String, Point> sample = new LinkedHashMap<>();
    private String cursor;

    /**
     * @param capacity most devices kept and shown
     * @param pageSize devices read per refresh
     * @param scan     reads a page of device states from a cursor
     */
    MapSample(int capacity, int pageSize, BiFunction<String, Integer, Page> scan) {
        if (capacity < 1 || pageSize < 1) {
            throw new IllegalArgumentException("capacity and page size must be positive");
        }
        this.capacity = capacity;
        this.pageSize = pageSize;
        this.scan = requireNonNull(scan, "scan");
    }

    /** Reads one more page and answers the sample. */
    synchronized Answer refresh() {
        Page page = scan.apply(cursor, pageSize);
        for (DeviceState state : page.states()) {
            if (state.location() == null) {
                continue;
            }
            sample.remove(state.deviceId()); // re-inserted last: the newest read
            sample.put(state.deviceId(), new Point(state.deviceId(), state.location().lat(), state.location().lon()));
        }
        while (sample.size() > capacity) {
            Map.Entry<String, Point> eldest = sample.entrySet().iterator().next();
            sample.remove(eldest.getKey());
        }
        cursor = page.nextCursor();
        return new Answer(new ArrayList<>(sample.values()), capacity);
    }
}
