package io.spectracache.storage;

import io.spectracache.timeseries.TimeSeriesTopology;
import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompressionType;
import org.rocksdb.Options;

/**
 * RocksDB options per store, chosen by store name: Kafka Streams calls one {@link RocksDBConfigSetter} for every
 * RocksDB instance (each segment of a window store is one, named {@code <store>.<segment start>}), so the store's
 * own name is what is before the first dot. Set it as Kafka Streams' {@code rocksdb.config.setter}:
 * <pre>{@code props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, TieredRocksDbConfigSetter.class);}</pre>
 *
 * <ul>
 *   <li>{@code timeseries-raw}, {@code timeseries-open} and {@code timeseries-open-tails} (hot, written and read
 *       often): LZ4, 16 KiB blocks. The chunks are Gorilla bit streams already; LZ4 costs little and still takes the
 *       repeated key prefixes.
 *   <li>{@code timeseries-rollup-*} (cold, written once per bucket, kept for months): ZSTD, also for the bottommost
 *       level, 32 KiB blocks: KLL sketches and IEEE doubles compress better under ZSTD, and are read in ranges.
 *   <li>every other store: Kafka Streams' defaults, untouched.
 * </ul>
 * Creates no RocksDB object that would need closing: it changes the options and the table configuration Kafka
 * Streams made, which Kafka Streams closes.
 */
public final class TieredRocksDbConfigSetter implements RocksDBConfigSetter {
    /** Block size of the hot time-series stores. */
    static final long HOT_BLOCK_BYTES = 16 * 1024;
    /** Block size of the rollup tiers. */
    static final long COLD_BLOCK_BYTES = 32 * 1024;

    /** The options a store gets, by name; null for a store left at Kafka Streams' defaults. */
    static Tuning tuningFor(String rocksDbName) {
        int dot = rocksDbName.indexOf('.');
        String store = dot < 0 ? rocksDbName : rocksDbName.substring(0, dot);
        if (store.equals(TimeSeriesTopology.RAW_STORE.name()) || store.equals(TimeSeriesTopology.OPEN_STORE_NAME)
                || store.equals(TimeSeriesTopology.TAILS_STORE_NAME)) {
            return new Tuning(CompressionType.LZ4_COMPRESSION, CompressionType.LZ4_COMPRESSION, HOT_BLOCK_BYTES);
        }
        if (store.startsWith(TimeSeriesTopology.TIER_STORE_PREFIX)) {
            return new Tuning(CompressionType.ZSTD_COMPRESSION, CompressionType.ZSTD_COMPRESSION, COLD_BLOCK_BYTES);
        }
        return null;
    }

    /** Compression of every level but the last, of the last, and the block size. */
    record Tuning(CompressionType compression, CompressionType bottommost, long blockBytes) {
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Tuning tuning = tuningFor(storeName);
        if (tuning == null) {
            return;
        }
        options.setCompressionType(tuning.compression());
        options.setBottommostCompressionType(tuning.bottommost());
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockSize(tuning.blockBytes());
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // nothing created here to close
    }
}
