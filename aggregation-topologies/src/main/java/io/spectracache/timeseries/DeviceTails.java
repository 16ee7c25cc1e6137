package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;

/**
 * The open series of one device, as the store {@code timeseries-open-tails} keeps them: one entry per device, so a
 * commit writes one record per device that sent readings, whatever the number of its metrics. Each series is its
 * {@link OpenSeries} object: the live one (complete) while the stream thread holds it, or read back from its tail
 * (incomplete until {@linkplain OpenSeries#completeOn put on} its base in {@code timeseries-open}).
 *
 * <p>Thread-safe: the stream thread adds and removes series while an interactive query may look one up in the same
 * object (a write-behind store answers a key query from the object pending write-out). The processor's and the
 * serde's methods (package-private) must be called holding this object's monitor, once per event.
 */
public final class DeviceTails {
    private final String deviceId;
    private final Bytes devicePrefix;
    private String[] metrics = new String[4];
    /** The metrics' hash codes: a lookup compares these first and touches only the matching metric's string. */
    private int[] hashes = new int[4];
    private Bytes[] keys = new Bytes[4];
    private OpenSeries[] series = new OpenSeries[4];
    private int count;
    private long tailBytes;
    /** Whether the processor used this device since its cache's last eviction pass (stream thread only). */
    boolean used;
    // Where this device's tails are stored, for TailSegmentsStore (the stream thread's, or a reader's own copy): the
    // store opening the fields below describe (another: not known), the run its records belong to (DeviceTailsSerde),
    // the slot of the run's last record (-1: none) and whether a record of the format before segments is held under the
    // device prefix itself.
    Object segmentsOf;
    long run;
    int lastSlot = -1;
    boolean unsegmented;
    /** Metrics removed since the last record was written, which the next one drops; null for none. */
    private List<String> dropped;

    /** @param deviceId the device whose series these are */
    public DeviceTails(String deviceId) {
        this.deviceId = requireNonNull(deviceId, "deviceId");
        this.devicePrefix = SeriesKeys.devicePrefix(deviceId);
    }

    public String deviceId() {
        return deviceId;
    }

    /** The key of this device's entry: {@link SeriesKeys#devicePrefix}. */
    public Bytes devicePrefix() {
        return devicePrefix;
    }

    /** The open series of {@code metric}, or null. The object may be shared with the stream thread: read it only. */
    public synchronized OpenSeries series(String metric) {
        int index = indexOf(metric);
        return index < 0 ? null : series[index];
    }

    /** The metrics with an open series here, in the order they were added. */
    public synchronized List<String> metrics() {
        return new ArrayList<>(Arrays.asList(metrics).subList(0, count));
    }

    /** Number of series. */
    public synchronized int size() {
        return count;
    }

    /** Number of series, for the caller holding this object's monitor. */
    int count() {
        return count;
    }

    /** The processor's estimate of this device's stored tails in bytes. */
    long tailBytes() {
        return tailBytes;
    }

    void addTailBytes(long bytes) {
        tailBytes += bytes;
    }

    // ---- the processor's and the serde's side (holding this object's monitor) ----

    /** The index of {@code metric}, or -1. */
    int indexOf(String metric) {
        int hash = metric.hashCode();
        for (int i = 0; i < count; i++) {
            if (hashes[i] == hash && metrics[i].equals(metric)) {
                return i;
            }
        }
        return -1;
    }

    String metric(int index) {
        return metrics[index];
    }

    /** The series key of the series at {@code index}, encoded once. */
    Bytes key(int index) {
        if (keys[index] == null) {
            keys[index] = SeriesKeys.seriesPrefix(deviceId, metrics[index]);
        }
        return keys[index];
    }

    OpenSeries seriesAt(int index) {
        return series[index];
    }

    void replace(int index, OpenSeries open) {
        series[index] = requireNonNull(open, "open");
    }

    /** Adds the series of {@code metric}, which must not be here yet; its index. */
    int add(String metric, OpenSeries open) {
        if (count == metrics.length) {
            metrics = Arrays.copyOf(metrics, count * 2);
            hashes = Arrays.copyOf(hashes, count * 2);
            keys = Arrays.copyOf(keys, count * 2);
            series = Arrays.copyOf(series, count * 2);
        }
        metrics[count] = requireNonNull(metric, "metric");
        hashes[count] = metric.hashCode();
        keys[count] = null;
        series[count] = requireNonNull(open, "open");
        return count++;
    }

    /** Removes the series at {@code index}; the last one takes its index. */
    void remove(int index) {
        if (dropped == null) {
            dropped = new ArrayList<>(2);
        }
        dropped.add(metrics[index]);
        count--;
        metrics[index] = metrics[count];
        hashes[index] = hashes[count];
        keys[index] = keys[count];
        series[index] = series[count];
        metrics[count] = null;
        keys[count] = null;
        series[count] = null;
    }

    /** Metrics removed since the last record of these tails was written; never null. */
    List<String> dropped() {
        return dropped == null ? List.of() : dropped;
    }

    /** Records that the last record written said which metrics were removed. */
    void droppedStored() {
        dropped = null;
    }

    /**
     * Equal when the device and its metrics are equal, each metric's series equal (as {@link OpenSeries#equals} compares
     * them), in any order.
     */
    @Override
    public synchronized boolean equals(Object other) {
        if (!(other instanceof DeviceTails that)) {
            return false;
        }
        synchronized (that) {
            if (!deviceId.equals(that.deviceId) || count != that.count) {
                return false;
            }
            for (int i = 0; i < count; i++) {
                int there = that.indexOf(metrics[i]);
                if (there < 0 || !series[i].equals(that.series[there])) {
                    return false;
                }
            }
            return true;
        }
    }

    @Override
    public synchronized int hashCode() {
        return deviceId.hashCode() * 31 + count;
    }

    @Override
    public synchronized String toString() {
        return "DeviceTails[" + deviceId + ", " + metrics() + "]";
    }
}
