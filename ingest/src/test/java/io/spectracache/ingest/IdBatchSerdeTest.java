package io.spectracache.ingest;

import io.spectracache.testing.GoldenFormatContract;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;

/** Format 1 of the de-duplication batches (the changelog of {@code ingest-dedup}), against golden files. */
class IdBatchSerdeTest implements GoldenFormatContract<IdBatch> {
    @Override
    public Serde<IdBatch> serde() {
        return IdBatch.Serde.INSTANCE;
    }

    @Override
    public Map<String, IdBatch> goldenFiles() {
        return Map.of(
                "dedup-batch-v1.bin", new IdBatch(new String[] {"truck-0042-17", "é-1"},
                        new long[] {1_795_946_400_120L, 1_795_946_400_123L}),
                "dedup-batch-v1-empty.bin", new IdBatch(new String[0], new long[0]));
    }
}
