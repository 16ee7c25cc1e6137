package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * The series of one metric on one partition, in key order, found from the keys of {@code timeseries-open} alone: no
 * series' open state is decoded, neither the metric's own nor any other metric's.
 *
 * <p>Keys order by device first, so the series of one metric are spread among every other metric's. Instead of
 * reading every entry, the walk seeks: to the metric's key within the device it lands on (keys of other metrics of
 * that device before it are skipped), and past the device once its series is found or known to be missing. Each seek
 * opens a range and peeks at its first key ({@link KeyValueIterator#peekNextKey()}, which deserialises no value), so
 * a walk costs about two seeks per device, whatever the number of metrics.
 *
 * <pre>{@code
 * MetricSeriesWalk walk = new MetricSeriesWalk(stores, "temp", null);
 * for (Bytes series = walk.peek(); series != null; walk.advance(), series = walk.peek()) {
 *     Chunk points = SeriesReads.raw(stores, span, series, from, to);
 * }
 * }</pre>
 *
 * Not thread-safe; one walk per reader.
 */
public final class MetricSeriesWalk {
    /** Greater than every series key (a device id's length prefix is at most five bytes, never all 0xFF). */
    static final Bytes LAST_KEY = Bytes.wrap(new byte[] {-1, -1, -1, -1, -1, -1});

    private final SeriesStores stores;
    private final String metric;
    private Bytes seek;
    private Bytes current;
    private boolean looked;
    private long seeks;

    /**
     * @param from the key to start at, inclusive (a series key, such as a scan cursor's); null: the first
     */
    public MetricSeriesWalk(SeriesStores stores, String metric, Bytes from) {
        this.stores = requireNonNull(stores, "stores");
        this.metric = requireNonNull(metric, "metric");
        this.seek = from == null ? Bytes.wrap(new byte[0]) : from;
    }

    /** The key ({@link SeriesKeys#seriesPrefix}) of the walk's current series of the metric; null once there is none. */
    public Bytes peek() {
        if (!looked) {
            current = find();
            looked = true;
        }
        return current;
    }

    /** Moves past the current series (to the devices after its device). */
    public void advance() {
        Bytes at = peek();
        if (at != null) {
            seek = SeriesKeys.deviceRangeEnd(SeriesKeys.decodeSeries(at).deviceId());
            looked = false;
        }
    }

    /**
     * Every series of {@code metric} from {@code from} on (inclusive; null: the first), in key order: in one pass over
     * the keys when {@code stores} read them without decoding values ({@link SeriesStores#openSerialized}), else by a
     * walk. For a reader that lists them all (a Flight stream's dictionary); one pass reads each entry once where a
     * walk opens about two ranges a device.
     */
    public static List<Bytes> all(SeriesStores stores, String metric, Bytes from) {
        requireNonNull(metric, "metric");
        List<Bytes> keys = new ArrayList<>();
        Optional<KeyValueIterator<Bytes, byte[]>> serialized = stores.openSerialized(
                from == null ? Bytes.wrap(new byte[0]) : from, LAST_KEY);
        if (serialized.isPresent()) {
            try (KeyValueIterator<Bytes, byte[]> entries = serialized.get()) {
                while (entries.hasNext()) {
                    Bytes key = entries.next().key;
                    if (SeriesKeys.decodeSeries(key).metric().equals(metric)) {
                        keys.add(key);
                    }
                }
            }
            return keys;
        }
        MetricSeriesWalk walk = new MetricSeriesWalk(stores, metric, from);
        for (Bytes key = walk.peek(); key != null; walk.advance(), key = walk.peek()) {
            keys.add(key);
        }
        return keys;
    }

    /** Whether the open store holds the series {@code key} (a {@link SeriesKeys#seriesPrefix}), from its key alone. */
    public static boolean exists(SeriesStores stores, Bytes key) {
        try (KeyValueIterator<Bytes, OpenSeries> range = stores.openRange(key, key)) {
            return range.hasNext();
        }
    }

    /** How many ranges the walk has opened so far (its cost). */
    public long seeks() {
        return seeks;
    }

    private Bytes find() {
        while (seek != null) {
            Bytes key = firstKeyFrom(seek);
            if (key == null) {
                seek = null;
                return null;
            }
            Bytes wanted = SeriesKeys.seriesPrefix(SeriesKeys.decodeSeries(key).deviceId(), metric);
            int order = key.compareTo(wanted);
            if (order == 0) {
                seek = key;
                return key;
            }
            // Before the metric within this device: seek to it. After it: this device has no such series.
            // (deviceRangeEnd is no key itself, and every key of a later device is greater.)
            seek = order < 0 ? wanted : SeriesKeys.deviceRangeEnd(SeriesKeys.decodeSeries(key).deviceId());
        }
        return null;
    }

    private Bytes firstKeyFrom(Bytes from) {
        seeks++;
        try (KeyValueIterator<Bytes, OpenSeries> range = stores.openRange(from, LAST_KEY)) {
            return range.hasNext() ? range.peekNextKey() : null;
        }
    }
}
