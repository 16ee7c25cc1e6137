package io.spectracache.timeseries;

import io.spectracache.state.StoreHandle;
import io.spectracache.timeseries.codec.Chunk;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * {@link SeriesStores} that give the sealed chunks as stored, as the query service's store handles do: the bytes
 * under Kafka Streams' metered layer of a {@code TopologyTestDriver}'s {@code timeseries-raw}, taken through a
 * {@link StoreHandle}. Decoded chunks are refused, so a reader that should read the bytes cannot read anything else.
 */
final class StoredChunkStores implements SeriesStores {
    private final SeriesStores decoded;
    private final ReadOnlyWindowStore<Bytes, byte[]> below;

    private StoredChunkStores(SeriesStores decoded, ReadOnlyWindowStore<Bytes, byte[]> below) {
        this.decoded = decoded;
        this.below = below;
    }

    /** {@code decoded}'s reads, with the sealed chunks as the bytes {@code raw} holds. */
    static SeriesStores of(SeriesStores decoded, WindowStore<Bytes, Chunk> raw) {
        StoreHandle<ReadOnlyWindowStore<Bytes, Chunk>> handle = raw.query(StoreHandle.<ReadOnlyWindowStore<Bytes, Chunk>>query(),
                PositionBound.unbounded(), new QueryConfig(false)).getResult();
        return new StoredChunkStores(decoded, handle.<ReadOnlyWindowStore<Bytes, byte[]>>serialized().orElseThrow());
    }

    @Override
    public OpenSeries open(Bytes series) {
        return decoded.open(series);
    }

    @Override
    public KeyValueIterator<Bytes, OpenSeries> openRange(Bytes from, Bytes to) {
        return decoded.openRange(from, to);
    }

    @Override
    public DeviceTails tails(Bytes devicePrefix) {
        return decoded.tails(devicePrefix);
    }

    @Override
    public WindowStoreIterator<Chunk> raw(Bytes series, long fromStart, long toStart) {
        throw new AssertionError("the stored bytes are to be read, not decoded chunks");
    }

    @Override
    public Optional<WindowStoreIterator<byte[]>> rawSerialized(Bytes series, long fromStart, long toStart) {
        return Optional.of(below.fetch(series, Instant.ofEpochMilli(fromStart), Instant.ofEpochMilli(toStart)));
    }

    @Override
    public WindowStoreIterator<Rollup> tier(RollupTier tier, Bytes series, long fromStart, long toStart) {
        return decoded.tier(tier, series, fromStart, toStart);
    }
}
