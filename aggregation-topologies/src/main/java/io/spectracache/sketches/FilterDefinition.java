package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

/**
 * A membership filter: every value of {@link #field()} ever seen, per partition, as a scalable Bloom filter
 * ({@link ScalableBloom}): it answers "maybe seen" or "never seen", never a false "never", and its false-positive
 * rate stays at most {@link #falsePositiveRate()} however many values it takes, growing by layers from
 * {@link #initialCapacity()}.
 *
 * <pre>{@code new FilterDefinition("seen-devices", SketchField.DEVICE_ID, 0.01, 100_000);}</pre>
 *
 * @param name              unique among all sketches, filters and watches
 * @param field             the value remembered
 * @param falsePositiveRate the bound on the rate of "maybe" for values never seen; in (0, 0.5)
 * @param initialCapacity   values the first layer of each partition takes before a second is added; 1,000 to
 *                          100,000,000
 */
public record FilterDefinition(String name, SketchField field, double falsePositiveRate, long initialCapacity) {
    /** One false "maybe" in a hundred unless configured. */
    public static final double DEFAULT_FALSE_POSITIVE_RATE = 0.01;
    /** First layer capacity unless configured: 100,000 values, about 140 KB per partition at 1%. */
    public static final long DEFAULT_INITIAL_CAPACITY = 100_000;

    public FilterDefinition {
        SketchNames.checked(name);
        requireNonNull(field, "field");
        if (!(falsePositiveRate > 0 && falsePositiveRate < 0.5)) {
            throw new IllegalArgumentException("a false-positive rate is in (0, 0.5), was " + falsePositiveRate);
        }
        if (initialCapacity < 1_000 || initialCapacity > 100_000_000) {
            throw new IllegalArgumentException("an initial capacity is 1,000 to 100,000,000, was " + initialCapacity);
        }
    }
}
