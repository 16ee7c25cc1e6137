package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import io.spectracache.routing.LocalStores;
import io.spectracache.routing.ReadOptions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * {@link SketchStores} over this instance's active copies of one or more partitions, read with Interactive Queries v2
 * through {@link LocalStores}, one request per read whatever the number of partitions: every read honours the
 * request's read-your-writes token and isolation, and fails with a retry-later error (never a Streams exception) when
 * a partition moved. Range reads answer iterators the caller closes ({@link SketchReads} does); over several partitions
 * a range answers each partition's entries in turn (each partition's in key order), and a key read the
 * {@linkplain #seen(Bytes) widest} of the partitions' entries. The windows a merge takes whole
 * ({@link #allWindows}) are read backwards, so that no read walks the deleted windows after a range.
 */
final class LocalSketchStores implements SketchStores {
    private final LocalStores stores;
    private final Set<Integer> partitions;
    private final ReadOptions read;

    LocalSketchStores(LocalStores stores, int partition, ReadOptions read) {
        this(stores, Set.of(partition), read);
    }

    /**
     * Reads {@code partitions} together: meant for reads that merge every partition's entries (distinct counts), not
     * for those that must tell partitions apart.
     *
     * @throws IllegalArgumentException if {@code partitions} is empty
     */
    LocalSketchStores(LocalStores stores, Set<Integer> partitions, ReadOptions read) {
        this.stores = requireNonNull(stores, "stores");
        if (partitions.isEmpty()) {
            throw new IllegalArgumentException("at least one partition is read");
        }
        this.partitions = new TreeSet<>(partitions);
        this.read = requireNonNull(read, "read");
    }

    @Override
    public KeyValueIterator<Bytes, SketchWindow> windows(Bytes from, Bytes to) {
        return ranges(SketchesTopology.WINDOWS_STORE.name(), RangeQuery.withRange(from, to));
    }

    /**
     * Each partition's windows read backwards, then handed out forwards. Why backwards: Kafka Streams' RocksDB
     * iterator reads an entry and then steps to the next key before it checks the range's end, and that step walks
     * every deleted key on its way. Right after the newest window of a size come the oldest windows of the next size,
     * or the next lane's oldest minutes: the windows expiry deleted, one tombstone each until RocksDB compacts them
     * away (about 7,200 a lane and partition once five days of minutes expired). A 24-hour count ends at today's open
     * day, the newest window of its lane, so a forward read walked those tombstones on every partition of every
     * answer. Backwards, the extra step goes to the key before the range's first window: an older window of the same
     * size, deleted only when the range starts at the oldest window retention keeps.
     */
    @Override
    public List<KeyValue<Bytes, SketchWindow>> allWindows(Bytes from, Bytes to) {
        return SketchStores.forwards(stores.queryAll(SketchesTopology.WINDOWS_STORE.name(),
                RangeQuery.<Bytes, SketchWindow>withRange(from, to).withDescendingKeys(), partitions, read).values());
    }

    /** The entry of {@code key}; over several partitions, from the earliest {@code first} to the latest {@code last}. */
    @Override
    public SeenRange seen(Bytes key) {
        SeenRange widest = null;
        for (SeenRange seen : stores.queryAll(SketchesTopology.SEEN_STORE.name(), KeyQuery.<Bytes, SeenRange>withKey(key),
                partitions, read).values()) {
            if (seen != null) {
                widest = widest == null ? seen
                        : new SeenRange(Math.min(widest.first(), seen.first()), Math.max(widest.last(), seen.last()));
            }
        }
        return widest;
    }

    @Override
    public KeyValueIterator<Bytes, SeenRange> seen(Bytes from, Bytes to) {
        return ranges(SketchesTopology.SEEN_STORE.name(), RangeQuery.withRange(from, to));
    }

    /**
     * One Bloom block; over several partitions, the first partition's that has it (blocks are per partition: read
     * filters one partition at a time).
     */
    @Override
    public BloomBlock block(Bytes key) {
        for (BloomBlock block : stores.queryAll(SketchesTopology.FILTERS_STORE.name(),
                KeyQuery.<Bytes, BloomBlock>withKey(key), partitions, read).values()) {
            if (block != null) {
                return block;
            }
        }
        return null;
    }

    @Override
    public KeyValueIterator<Bytes, BloomBlock> blocks(Bytes from, Bytes to) {
        return ranges(SketchesTopology.FILTERS_STORE.name(), RangeQuery.withRange(from, to));
    }

    private <V> KeyValueIterator<Bytes, V> ranges(String store, Query<KeyValueIterator<Bytes, V>> query) {
        List<KeyValueIterator<Bytes, V>> each = new ArrayList<>(stores.queryAll(store, query, partitions, read).values());
        return each.size() == 1 ? each.get(0) : new Concatenated<>(each);
    }

    /** Several partitions' iterators, one after the other; closing it closes them all. */
    private static final class Concatenated<V> implements KeyValueIterator<Bytes, V> {
        private final List<KeyValueIterator<Bytes, V>> all;
        private final Iterator<KeyValueIterator<Bytes, V>> sources;
        private KeyValueIterator<Bytes, V> current;

        Concatenated(List<KeyValueIterator<Bytes, V>> all) {
            this.all = all;
            this.sources = all.iterator();
            this.current = sources.hasNext() ? sources.next() : null;
        }

        @Override
        public boolean hasNext() {
            while (current != null && !current.hasNext()) {
                current = sources.hasNext() ? sources.next() : null;
            }
            return current != null;
        }

        @Override
        public KeyValue<Bytes, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return current.next();
        }

        @Override
        public Bytes peekNextKey() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return current.peekNextKey();
        }

        @Override
        public void close() {
            RuntimeException failure = null;
            for (KeyValueIterator<Bytes, V> source : all) {
                try {
                    source.close();
                } catch (RuntimeException e) {
                    failure = failure == null ? e : failure;
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }
}
