package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.datasketches.filters.bloomfilter.BloomFilterBuilder;
import org.apache.datasketches.hash.MurmurHash3;

/**
 * A scalable Bloom filter (Almeida, Baquero, Preguiça, Hutchison, "Scalable Bloom Filters", 2007) over Apache
 * DataSketches Bloom filters: a chain of layers, each taking {@value #GROWTH}× the values of the one before at
 * {@value #TIGHTENING}× its false-positive rate. Layer {@code i} of a filter with bound {@code p} and initial
 * capacity {@code c} takes {@code c·2^i} values at {@code p·(1−r)·r^i} (r = {@value #TIGHTENING}), so however many
 * layers it grows, the rate of "maybe" for a value never added is at most {@code p·(1−r)·Σ r^i = p}. A value goes into
 * the newest layer only when no layer may already hold it; a layer is full at its capacity, and the next value opens
 * the next layer. There are never false negatives.
 *
 * <p>Each layer is split into blocks of at most {@value #MAX_BLOCK_BITS} bits (a 256 KiB image), a value's block
 * chosen by its own hash: so every stored record stays far below Kafka's 1 MiB record limit however large a layer
 * grows, and a commit rewrites only the blocks that took new values. A block of a layer of {@code B} blocks is sized
 * for {@code capacity / B} values at the layer's rate; the layer's rate is the blocks' rate, as values spread evenly.
 *
 * <p>Why DataSketches: it is already a dependency (HLL, frequent items), it serialises a filter compactly, and a
 * scalable chain on top is a few dozen lines. Measured here: the default first layer (100,000 values at 0.5%) is
 * 1,102,776 bits, 8 hash probes, 137,898 bytes stored (11.0 bits a value); grown from 10,000 to 100,000 values (four
 * layers, the last a third full) a 1% filter answered "maybe" for 0.87% of 100,000 values never added, a 0.1% filter
 * for 0.096%.
 *
 * <pre>{@code
 * ScalableBloom seen = ScalableBloom.empty(definition);
 * for (ScalableBloom.Change change : seen.add(item)) {
 *     store.put(SketchKeys.block(name, change.layer(), change.block()), change.value());
 * }
 * }</pre>
 *
 * Not thread-safe (the stream thread owns it); its {@link BloomBlock}s are.
 */
public final class ScalableBloom {
    /** Each layer takes this many times the values of the one before. */
    public static final int GROWTH = 2;
    /** Each layer's false-positive rate is this times the one before. */
    public static final double TIGHTENING = 0.5;
    /** Largest bit array of one block: 2^21 bits, a 256 KiB image. */
    public static final long MAX_BLOCK_BITS = 1L << 21;
    /** The hash seed that picks a value's block (independent of the blocks' own hashing). */
    private static final long BLOCK_SEED = 0x5ca1ab1e_b10c_5eedL;
    /** Capacity stops doubling here (a layer of 2^40 values would be terabytes; this only guards the arithmetic). */
    private static final long MAX_LAYER_CAPACITY = 1L << 40;

    /** One block changed by {@link #add}: write {@code value} under {@code SketchKeys.block(name, layer, block)}. */
    public record Change(int layer, int block, BloomBlock value) {
        public Change {
            requireNonNull(value, "value");
        }
    }

    private static final class Layer {
        final BloomBlock[] blocks;
        final long capacity;
        long count;

        Layer(BloomBlock[] blocks) {
            this.blocks = blocks;
            long total = 0;
            long added = 0;
            for (BloomBlock block : blocks) {
                total += block.capacity();
                added += block.count();
            }
            this.capacity = total;
            this.count = added;
        }
    }

    private final FilterDefinition definition;
    private final List<Layer> layers = new ArrayList<>();

    private ScalableBloom(FilterDefinition definition) {
        this.definition = requireNonNull(definition, "definition");
    }

    /** A filter that holds nothing yet. */
    public static ScalableBloom empty(FilterDefinition definition) {
        return new ScalableBloom(definition);
    }

    /**
     * The filter made of stored blocks (any order). A block missing from a layer is empty; a layer whose block 0 is
     * missing (it is written when the layer opens, so only a lost write) is rebuilt empty from the definition.
     */
    public static ScalableBloom of(FilterDefinition definition, Map<SketchKeys.BlockKey, BloomBlock> stored) {
        ScalableBloom bloom = new ScalableBloom(definition);
        TreeMap<Integer, TreeMap<Integer, BloomBlock>> byLayer = new TreeMap<>();
        stored.forEach((key, block) -> byLayer.computeIfAbsent(key.layer(), l -> new TreeMap<>()).put(key.block(), block));
        int layerCount = byLayer.isEmpty() ? 0 : byLayer.lastKey() + 1;
        for (int i = 0; i < layerCount; i++) {
            TreeMap<Integer, BloomBlock> blocks = byLayer.getOrDefault(i, new TreeMap<>());
            BloomBlock first = blocks.get(0);
            int count = first != null ? first.blocks() : blocksOf(definition, i);
            long blockCapacity = first != null ? first.capacity() : blockCapacity(definition, i);
            double rate = first != null ? first.falsePositiveRate() : rate(definition, i);
            BloomBlock[] layer = new BloomBlock[count];
            for (int b = 0; b < count; b++) {
                BloomBlock block = blocks.get(b);
                layer[b] = block != null && block.blocks() == count ? block : BloomBlock.empty(count, blockCapacity, rate);
            }
            bloom.layers.add(new Layer(layer));
        }
        return bloom;
    }

    /** Values layer {@code layer} takes. */
    static long capacity(FilterDefinition definition, int layer) {
        long capacity = definition.initialCapacity();
        for (int i = 0; i < layer && capacity < MAX_LAYER_CAPACITY; i++) {
            capacity *= GROWTH;
        }
        return Math.min(capacity, MAX_LAYER_CAPACITY);
    }

    /** The false-positive rate of layer {@code layer}: {@code p·(1−r)·r^layer}. */
    static double rate(FilterDefinition definition, int layer) {
        return definition.falsePositiveRate() * (1 - TIGHTENING) * Math.pow(TIGHTENING, layer);
    }

    /** How many blocks layer {@code layer} is split into. */
    static int blocksOf(FilterDefinition definition, int layer) {
        long bits = BloomFilterBuilder.suggestNumFilterBits(capacity(definition, layer), rate(definition, layer));
        return (int) Math.max(1, (bits + MAX_BLOCK_BITS - 1) / MAX_BLOCK_BITS);
    }

    private static long blockCapacity(FilterDefinition definition, int layer) {
        int blocks = blocksOf(definition, layer);
        return (capacity(definition, layer) + blocks - 1) / blocks;
    }

    /** The block of a layer of {@code blocks} blocks that holds {@code item} (UTF-8 bytes). */
    public static int blockOf(byte[] item, int blocks) {
        return blocks == 1 ? 0 : blockOf(blockHash(item), blocks);
    }

    private static long blockHash(byte[] item) {
        return MurmurHash3.hash(item, BLOCK_SEED)[0];
    }

    private static int blockOf(long hash, int blocks) {
        return (int) Long.remainderUnsigned(hash, blocks);
    }

    /**
     * Remembers {@code item} (UTF-8 bytes) unless some layer may hold it already.
     *
     * @return the blocks to write: none if the item may have been seen, else the block it went into (and block 0 of
     *         a layer it opened)
     */
    public List<Change> add(byte[] item) {
        if (mightContain(item)) {
            return List.of();
        }
        Layer last = layers.isEmpty() ? null : layers.get(layers.size() - 1);
        List<Change> changes = new ArrayList<>(2);
        if (last == null || last.count >= last.capacity) {
            int index = layers.size();
            int blocks = blocksOf(definition, index);
            long blockCapacity = blockCapacity(definition, index);
            double rate = rate(definition, index);
            BloomBlock[] created = new BloomBlock[blocks];
            for (int b = 0; b < blocks; b++) {
                created[b] = BloomBlock.empty(blocks, blockCapacity, rate);
            }
            last = new Layer(created);
            layers.add(last);
            changes.add(new Change(index, 0, created[0]));
        }
        int index = layers.size() - 1;
        int block = blockOf(item, last.blocks.length);
        last.blocks[block].add(item);
        last.count++;
        if (block != 0 || changes.isEmpty()) {
            changes.add(new Change(index, block, last.blocks[block]));
        }
        return changes;
    }

    /** Whether {@code item} (UTF-8 bytes) may have been added: false means never. */
    public boolean mightContain(byte[] item) {
        long hash = 0;
        boolean hashed = false;
        for (Layer layer : layers) {
            int block = 0;
            if (layer.blocks.length > 1) {
                if (!hashed) {
                    hash = blockHash(item);
                    hashed = true;
                }
                block = blockOf(hash, layer.blocks.length);
            }
            if (layer.blocks[block].mightContain(item)) {
                return true;
            }
        }
        return false;
    }

    /** How many layers the filter has grown. */
    public int layers() {
        return layers.size();
    }

    /** Values added (those answered "maybe" before being added are not counted). */
    public long count() {
        long count = 0;
        for (Layer layer : layers) {
            count += layer.count;
        }
        return count;
    }

    /** The bits of every block of every layer: the filter's memory, and about its stored size in bytes × 8. */
    public long bits() {
        long bits = 0;
        for (Layer layer : layers) {
            for (BloomBlock block : layer.blocks) {
                bits += block.bits();
            }
        }
        return bits;
    }
}
