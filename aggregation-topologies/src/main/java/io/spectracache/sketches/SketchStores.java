package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import org.apache.kafka.common.utils.Bytes;
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
