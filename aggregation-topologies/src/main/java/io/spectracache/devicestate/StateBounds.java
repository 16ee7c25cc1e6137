package io.spectracache.devicestate;

import io.spectracache.devices.DeviceState;
import io.spectracache.devices.DeviceStateSerde;
import io.spectracache.devices.MetricReading;
import io.spectracache.errors.RejectReason;
import io.spectracache.errors.RejectedRecordException;
import io.spectracache.serialization.Varints;
import java.util.List;
import java.util.Map;

/**
 * Applies the limits of one task to a folded device state, in the documented order (see
 * {@link DeviceStateTopology}): at most {@code maxMetrics} metrics, then at most {@code maxBytes} stored bytes by
 * evicting the least recently updated metrics, with the last event trimmed first if it alone is too large. Pure:
 * the same state always gives the same result, so a replay after a crash stores exactly the same bytes.
 */
final class StateBounds {
    /** A state that fits, what fitting it cost, and how many bytes it takes stored (key included). */
    record Bounded(DeviceState state, int storedBytes, int evictedForCount, int evictedForBytes,
                   boolean lastEventTrimmed) {
    }

    private final int maxMetrics;
    private final int maxBytes;
    private final DeviceStateSerde serde;

    /**
     * @param maxMetrics the most metrics a state keeps
     * @param maxBytes   the most bytes of key plus encoded state
     */
    StateBounds(int maxMetrics, int maxBytes, DeviceStateSerde serde) {
        this.maxMetrics = maxMetrics;
        this.maxBytes = maxBytes;
        this.serde = serde;
    }

    int maxBytes() {
        return maxBytes;
    }

    /**
     * The state to store for {@code folded}.
     *
     * @throws RejectedRecordException ({@code state-too-large}) if even the trimmed state without any metric does
     *                                 not fit: the caller must store nothing
     */
    Bounded bound(String key, DeviceState folded) {
        int keyBytes = DeviceStateSerde.utf8Length(key);
        DeviceState state = folded;
        int evictedForCount = Math.max(0, state.metrics().size() - maxMetrics);
        if (evictedForCount > 0) {
            state = state.withNewestMetrics(maxMetrics);
        }
        int size = keyBytes + serde.encodedSize(state);
        if (size <= maxBytes) {
            return new Bounded(state, size, evictedForCount, 0, false);
        }
        List<Map.Entry<String, MetricReading>> oldestFirst = state.metricsLeastRecentlyUpdatedFirst();
        int metricBytes = 0;
        for (Map.Entry<String, MetricReading> metric : oldestFirst) {
            metricBytes += DeviceStateSerde.metricSize(metric.getKey(), metric.getValue());
        }
        // Exactly the size without any metric: their entries and all but one byte of their count go.
        int withoutMetrics = size - metricBytes - (Varints.sizeOfUnsignedVarint(oldestFirst.size()) - 1);
        boolean trimmed = false;
        if (withoutMetrics > maxBytes) {
            // Even without any metric it would not fit: the last event alone is too large.
            state = state.withLastEventTrimmed();
            trimmed = true;
            size = keyBytes + serde.encodedSize(state);
        }
        int evictedForBytes = 0;
        // Dropping an entry saves at least its own bytes (the count prefix may shrink too): an upper bound.
        while (size > maxBytes && evictedForBytes < oldestFirst.size()) {
            Map.Entry<String, MetricReading> metric = oldestFirst.get(evictedForBytes++);
            size -= DeviceStateSerde.metricSize(metric.getKey(), metric.getValue());
        }
        if (evictedForBytes > 0) {
            state = state.withNewestMetrics(oldestFirst.size() - evictedForBytes);
            size = keyBytes + serde.encodedSize(state);
        }
        if (size > maxBytes) {
            throw new RejectedRecordException(RejectReason.STATE_TOO_LARGE, "the device's state would take " + size
                    + " bytes with no metric and its last event trimmed; the limit is " + maxBytes
                    + " bytes (spectracache.devicestate.max.state.bytes, at most the producer's max.request.size less 1 KiB)");
        }
        return new Bounded(state, size, evictedForCount, evictedForBytes, trimmed);
    }
}
