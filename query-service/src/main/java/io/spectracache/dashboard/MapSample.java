package io.spectracache.dashboard;

import static java.util.Objects.requireNonNull;

import io.spectracache.devices.DeviceState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

/**
 * The devices the fleet map shows: a bounded sample, never the whole fleet, so a page stays responsive with a
 * million devices. Each refresh reads one more page of the ordered device scan, continuing where the last one
 * stopped and starting over at the end, and keeps the newest position of at most {@link #capacity} devices (those
 * read longest ago make room). A small fleet is shown whole; a large one as a window that moves through it.
 *
 * <p>What one refresh costs does not depend on the fleet: one page of the scan from a cursor (a seek, then at most
 * {@code pageSize} entries per partition), and an answer of at most {@code capacity} points
 * ({@code MapSampleFleetSizeTest} measures it with a million devices). Nor on how many pages are open: a refresh
 * asked within {@link #MIN_REFRESH_NANOS} of the previous one answers the previous sample.
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

    /** At most one scan a second, however many pages ask. */
    static final long MIN_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final int capacity;
    private final int pageSize;
    private final BiFunction<String, Integer, Page> scan;
    private final LongSupplier nanoTime;
    private final LinkedHashMap<String, Point> sample = new LinkedHashMap<>();
    private String cursor;
    private Answer last;
    private long lastAt;

    /**
     * @param capacity most devices kept and shown
     * @param pageSize devices read per refresh
     * @param scan     reads a page of device states from a cursor
     * @param nanoTime the monotonic clock ({@code System::nanoTime})
     */
    MapSample(int capacity, int pageSize, BiFunction<String, Integer, Page> scan, LongSupplier nanoTime) {
        if (capacity < 1 || pageSize < 1) {
            throw new IllegalArgumentException("capacity and page size must be positive");
        }
        this.capacity = capacity;
        this.pageSize = pageSize;
        this.scan = requireNonNull(scan, "scan");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    }

    /** Reads one more page and answers the sample; within a second of the last read, answers the last sample. */
    synchronized Answer refresh() {
        long now = nanoTime.getAsLong();
        if (last != null && now - lastAt < MIN_REFRESH_NANOS) {
            return last;
        }
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
        last = new Answer(new ArrayList<>(sample.values()), capacity);
        lastAt = now;
        return last;
    }
}
