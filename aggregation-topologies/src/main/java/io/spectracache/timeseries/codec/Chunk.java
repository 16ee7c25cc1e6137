package io.spectracache.timeseries.codec;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * A run of points of one series: timestamps (epoch milliseconds) and values, in the order they were appended.
 * Immutable: the arrays are copied in and out.
 *
 * <pre>{@code Chunk chunk = Chunk.of(new long[] {1000, 2000}, new double[] {21.5, 21.7});}</pre>
 */
public final class Chunk {
    private final long[] timestamps;
    private final double[] values;

    private Chunk(long[] timestamps, double[] values) {
        this.timestamps = timestamps;
        this.values = values;
    }

    /**
     * @throws IllegalArgumentException if the arrays differ in length
     */
    public static Chunk of(long[] timestamps, double[] values) {
        requireNonNull(timestamps, "timestamps");
        requireNonNull(values, "values");
        if (timestamps.length != values.length) {
            throw new IllegalArgumentException(timestamps.length + " timestamps but " + values.length + " values");
        }
        return new Chunk(timestamps.clone(), values.clone());
    }

    /** Wraps arrays the caller hands over and will not touch again. */
    static Chunk adopt(long[] timestamps, double[] values) {
        return new Chunk(timestamps, values);
    }

    /** The timestamps themselves, for the codec: never to be changed. */
    long[] timestampArray() {
        return timestamps;
    }

    /** The values themselves, for the codec: never to be changed. */
    double[] valueArray() {
        return values;
    }

    public int size() {
        return timestamps.length;
    }

    public long timestamp(int index) {
        return timestamps[index];
    }

    public double value(int index) {
        return values[index];
    }

    /**
     * Copies points {@code [from, from + n)} into {@code timestamps} and {@code values} at {@code at}: one copy
     * where {@link #timestamps()} and {@link #values()} make two.
     *
     * @throws IndexOutOfBoundsException if a range falls outside its array
     */
    public void copyTo(int from, int n, long[] timestamps, double[] values, int at) {
        System.arraycopy(this.timestamps, from, timestamps, at, n);
        System.arraycopy(this.values, from, values, at, n);
    }

    public long[] timestamps() {
        return timestamps.clone();
    }

    public double[] values() {
        return values.clone();
    }

    /** Equal when every timestamp and every value bit pattern is equal (so NaN equals the same NaN, -0.0 not 0.0). */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Chunk that) || !Arrays.equals(timestamps, that.timestamps) || values.length != that.values.length) {
            return false;
        }
        for (int i = 0; i < values.length; i++) {
            if (Double.doubleToRawLongBits(values[i]) != Double.doubleToRawLongBits(that.values[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(timestamps) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Chunk" + Arrays.toString(timestamps) + Arrays.toString(values);
    }
}
