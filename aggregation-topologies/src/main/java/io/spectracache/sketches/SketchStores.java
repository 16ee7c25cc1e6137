package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The reads {@link SketchReads} needs from the stores of {@link SketchesTopology}, on one partition. The query service
 * answers them with Interactive Queries v2 ({@code RangeQuery.withRange(from, to)} and {@code KeyQuery.withKey(key)}
 * on that partition of {@code sketches-windows}, {@code sketches-seen} and {@code sketches-filters}); tests with the
 * stores of a {@code TopologyTestDriver} ({@link #of}). Keys are those of {@link SketchKeys}; ranges include both ends
 * and come in key order. A store that the settings do not create (no filters, say) is never asked.
 *
 * <p>What a read sees: the stores are write-behind, so a range read sees each key as of the last commit (at most one
 * commit interval old), and a key read at the default isolation may see a value written since.
 */
public interface SketchStores {
    /** The windows with keys in {@code [from, to]}; the caller closes it. */
    KeyValueIterator<Bytes, SketchWindow> windows(Bytes from, Bytes to);

    /**
     * The windows with keys in {@code [from, to]}, all read at once, as {@link #windows} answers them: for reads that
     * take every window of a range (a read may then take another way through the store: see {@code LocalSketchStores}).
     */
    default List<KeyValue<Bytes, SketchWindow>> allWindows(Bytes from, Bytes to) {
        List<KeyValue<Bytes, SketchWindow>> all = new ArrayList<>();
        try (KeyValueIterator<Bytes, SketchWindow> windows = windows(from, to)) {
            windows.forEachRemaining(all::add);
        }
        return all;
    }

    /**
     * The entries of several partitions' ranges, each read backwards (in descending key order), in the order
     * {@link #allWindows} answers: each partition's in key order, the partitions in the order given. Every iterator is
     * closed, also when one fails (the first failure is thrown).
     */
    static <V> List<KeyValue<Bytes, V>> forwards(Iterable<KeyValueIterator<Bytes, V>> backwards) {
        List<KeyValue<Bytes, V>> forwards = new ArrayList<>();
        RuntimeException failure = null;
        for (KeyValueIterator<Bytes, V> partition : backwards) {
            try (partition) {
                if (failure == null) {
                    int first = forwards.size();
                    partition.forEachRemaining(forwards::add);
                    Collections.reverse(forwards.subList(first, forwards.size()));
                }
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return forwards;
    }

    /** One entry of {@code sketches-seen} (a lane, or {@link SketchKeys#CLOCK}), or null. */
    SeenRange seen(Bytes key);

    /** The entries of {@code sketches-seen} with keys in {@code [from, to]}; the caller closes it. */
    KeyValueIterator<Bytes, SeenRange> seen(Bytes from, Bytes to);

    /** One Bloom block, or null. */
    BloomBlock block(Bytes key);

    /** The Bloom blocks with keys in {@code [from, to]}; the caller closes it. */
    KeyValueIterator<Bytes, BloomBlock> blocks(Bytes from, Bytes to);

    /**
     * Reads straight from store objects, such as a {@code TopologyTestDriver}'s. A store the settings do not create
     * may be null (windows and seen when no distinct count or top-K is defined, filters when no filter is).
     */
    static SketchStores of(ReadOnlyKeyValueStore<Bytes, SketchWindow> windows, ReadOnlyKeyValueStore<Bytes, SeenRange> seen,
                           ReadOnlyKeyValueStore<Bytes, BloomBlock> filters) {
        return new SketchStores() {
            @Override
            public KeyValueIterator<Bytes, SketchWindow> windows(Bytes from, Bytes to) {
                return requireNonNull(windows, "no windows store").range(from, to);
            }

            @Override
            public SeenRange seen(Bytes key) {
                return requireNonNull(seen, "no seen store").get(key);
            }

            @Override
            public KeyValueIterator<Bytes, SeenRange> seen(Bytes from, Bytes to) {
                return requireNonNull(seen, "no seen store").range(from, to);
            }

            @Override
            public BloomBlock block(Bytes key) {
                return requireNonNull(filters, "no filters store").get(key);
            }

            @Override
            public KeyValueIterator<Bytes, BloomBlock> blocks(Bytes from, Bytes to) {
                return requireNonNull(filters, "no filters store").range(from, to);
            }
        };
    }
}
