package io.spectracache.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompressionType;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class TieredRocksDbConfigSetterTest {
    static {
        RocksDB.loadLibrary();
    }

    private static Options configured(String rocksDbName) {
        Options options = new Options();
        options.setTableFormatConfig(new BlockBasedTableConfig());
        new TieredRocksDbConfigSetter().setConfig(rocksDbName, options, Map.of());
        return options;
    }

    @Test
    void shouldGiveEverySegmentOfTheRawStoreLz4AndSmallBlocks() {
        try (Options options = configured("timeseries-raw.1795546800000")) {
            assertThat(options.compressionType()).isEqualTo(CompressionType.LZ4_COMPRESSION);
            assertThat(((BlockBasedTableConfig) options.tableFormatConfig()).blockSize())
                    .isEqualTo(TieredRocksDbConfigSetter.HOT_BLOCK_BYTES);
        }
    }

    @Test
    void shouldGiveBothOpenStoresLz4AndSmallBlocksLikeTheRawStore() {
        for (String store : new String[] {"timeseries-open", "timeseries-open-tails"}) {
            try (Options options = configured(store)) {
                assertThat(options.compressionType()).as(store).isEqualTo(CompressionType.LZ4_COMPRESSION);
                assertThat(((BlockBasedTableConfig) options.tableFormatConfig()).blockSize()).as(store)
                        .isEqualTo(TieredRocksDbConfigSetter.HOT_BLOCK_BYTES);
            }
        }
    }

    @Test
    void shouldGiveRollupTiersZstdDownToTheBottommostLevel() {
        try (Options options = configured("timeseries-rollup-1h.1795546800000")) {
            assertThat(options.compressionType()).isEqualTo(CompressionType.ZSTD_COMPRESSION);
            assertThat(options.bottommostCompressionType()).isEqualTo(CompressionType.ZSTD_COMPRESSION);
            assertThat(((BlockBasedTableConfig) options.tableFormatConfig()).blockSize())
                    .isEqualTo(TieredRocksDbConfigSetter.COLD_BLOCK_BYTES);
        }
    }

    @Test
    void shouldLeaveOtherStoresAtKafkaStreamsDefaults() {
        try (Options options = configured("device-state")) {
            assertThat(options.compressionType()).isEqualTo(new Options().compressionType());
        }
    }
}
