package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import org.apache.datasketches.filters.bloomfilter.BloomFilter;
import org.apache.datasketches.filters.bloomfilter.BloomFilterBuilder;
import org.apache.datasketches.memory.Memory;

/**
 * One block of one layer of a {@link ScalableBloom}: an Apache DataSketches Bloom filter sized for
 * {@link #capacity()} values at {@link #falsePositiveRate()}, with how many values it took. The value type of
 * {@code sketches-filters}. Synchronized: the stream thread adds to a block an interactive query may be reading.
 */
public final class BloomBlock {
    /** The hash seed of every block, so blocks of the same size are compatible (DataSketches unions need it). */
    static final long SEED = 0x5eed_b10c_0000_0001L;

    private final int blocks;
    private final long capacity;
    private final double falsePositiveRate;
    private final BloomFilter filter;
    private long count;

    BloomBlock(int blocks, long capacity, double falsePositiveRate, long count, BloomFilter filter) {
        if (blocks < 1 || capacity < 1 || count < 0 || !(falsePositiveRate > 0 && falsePositiveRate < 1)) {
            throw new IllegalArgumentException("a Bloom block needs blocks >= 1, capacity >= 1, count >= 0 and a rate "
                    + "in (0, 1); was " + blocks + ", " + capacity + ", " + count + ", " + falsePositiveRate);
        }
        this.blocks = blocks;
        this.capacity = capacity;
        this.falsePositiveRate = falsePositiveRate;
        this.count = count;
        this.filter = requireNonNull(filter, "filter");
    }

    /** An empty block of a layer of {@code blocks} blocks, for {@code capacity} values at {@code falsePositiveRate}. */
    static BloomBlock empty(int blocks, long capacity, double falsePositiveRate) {
        return new BloomBlock(blocks, capacity, falsePositiveRate, 0,
                BloomFilterBuilder.createByAccuracy(capacity, falsePositiveRate, SEED));
    }

    /**
     * A block from its parts as stored.
     *
     * @throws org.apache.datasketches.common.SketchesArgumentException if {@code image} is not a Bloom filter image
     */
    static BloomBlock of(int blocks, long capacity, double falsePositiveRate, long count, byte[] image) {
        return new BloomBlock(blocks, capacity, falsePositiveRate, count, BloomFilter.heapify(Memory.wrap(image)));
    }

    /** How many blocks its layer has. */
    public int blocks() {
        return blocks;
    }

    /** How many values this block is sized for. */
    public long capacity() {
        return capacity;
    }

    /** The false-positive rate this block is sized for at its capacity. */
    public double falsePositiveRate() {
        return falsePositiveRate;
    }

    /** How many values were added (values it already answered "maybe" for are not added again). */
    public synchronized long count() {
        return count;
    }

    /** Whether {@code item} (UTF-8 bytes) may have been added: false means never. */
    public synchronized boolean mightContain(byte[] item) {
        return filter.query(item);
    }

    /** Adds {@code item} (UTF-8 bytes). */
    synchronized void add(byte[] item) {
        filter.update(item);
        count++;
    }

    /** The filter's image, as {@link BloomFilter#toByteArray()}. */
    public synchronized byte[] image() {
        return filter.toByteArray();
    }

    /** Size of the filter's bit array, in bits. */
    public synchronized long bits() {
        return filter.getCapacity();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BloomBlock block && blocks == block.blocks && capacity == block.capacity
                && Double.compare(falsePositiveRate, block.falsePositiveRate) == 0 && count() == block.count()
                && Arrays.equals(image(), block.image());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(image());
    }

    @Override
    public String toString() {
        return "BloomBlock[blocks=" + blocks + ", capacity=" + capacity + ", fpr=" + falsePositiveRate + ", count="
                + count() + "]";
    }
}
