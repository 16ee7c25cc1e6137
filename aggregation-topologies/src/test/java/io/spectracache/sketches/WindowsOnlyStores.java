package io.spectracache.sketches;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;

/** {@link SketchStores} for tests that read windows only: every other read fails. */
interface WindowsOnlyStores extends SketchStores {
    @Override
    default SeenRange seen(Bytes key) {
        throw new UnsupportedOperationException("windows only");
    }

    @Override
    default KeyValueIterator<Bytes, SeenRange> seen(Bytes from, Bytes to) {
        throw new UnsupportedOperationException("windows only");
    }

    @Override
    default BloomBlock block(Bytes key) {
        throw new UnsupportedOperationException("windows only");
    }

    @Override
    default KeyValueIterator<Bytes, BloomBlock> blocks(Bytes from, Bytes to) {
        throw new UnsupportedOperationException("windows only");
    }
}
