package io.spectracache.devicestate;

import io.spectracache.devices.DeviceState;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The states of recently updated devices of one task, kept as objects and bounded by their estimated heap, not
 * by their number: one fat device weighs what a thousand small ones do. The least recently updated devices make
 * room. Not thread-safe: one per processor, used by its stream thread only.
 *
 * <p>The heap of a state is estimated from the bytes it takes stored, which the processor computes anyway:
 * {@value #HEAP_BYTES_PER_STORED_BYTE} heap bytes per stored byte plus {@value #ENTRY_OVERHEAD_BYTES} per device.
 * Measured on JDK 17 with compressed references (300 devices of 1,000 and 3,500 metrics, 50,000 of 3), a state
 * takes 3.4 to 5.1 times its stored bytes on the heap (the low end when it shares strings with the event it was
 * folded from, the high end for small states decoded from the store), and a map entry with its key about 100
 * bytes; so the estimate errs on the large side. The default 32 MiB holds about 27,000 small devices or 250 at
 * 1,000 metrics.
 */
final class RecentStates {
    static final int HEAP_BYTES_PER_STORED_BYTE = 5;
    static final int ENTRY_OVERHEAD_BYTES = 160;

    private record Cached(DeviceState state, long weight) {
    }

    private final long maxBytes;
    private final LinkedHashMap<String, Cached> states = new LinkedHashMap<>(1024, 0.75f, true);
    private long bytes;

    /** @param maxBytes the estimated heap the states may take together; 0 keeps nothing */
    RecentStates(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The estimated heap of a state that takes {@code storedBytes} stored. */
    static long weightOf(int storedBytes) {
        return (long) HEAP_BYTES_PER_STORED_BYTE * storedBytes + ENTRY_OVERHEAD_BYTES;
    }

    /** The cached state of {@code deviceId}, or null; marks it as recently used. */
    DeviceState get(String deviceId) {
        Cached cached = states.get(deviceId);
        return cached == null ? null : cached.state();
    }

    /** Keeps {@code state} for {@code deviceId}, then evicts the least recently used until within budget. */
    void put(String deviceId, DeviceState state, int storedBytes) {
        long weight = weightOf(storedBytes);
        if (weight > maxBytes) {
            remove(deviceId);
            return;
        }
        Cached previous = states.put(deviceId, new Cached(state, weight));
        bytes += weight - (previous == null ? 0 : previous.weight());
        Iterator<Map.Entry<String, Cached>> eldest = states.entrySet().iterator();
        // The entry just put is the newest and fits alone, so this stops before reaching it.
        while (bytes > maxBytes && eldest.hasNext()) {
            bytes -= eldest.next().getValue().weight();
            eldest.remove();
        }
    }

    void remove(String deviceId) {
        Cached previous = states.remove(deviceId);
        if (previous != null) {
            bytes -= previous.weight();
        }
    }

    void clear() {
        states.clear();
        bytes = 0;
    }

    /** The estimated heap of what is kept now. */
    long bytes() {
        return bytes;
    }

    int size() {
        return states.size();
    }
}
