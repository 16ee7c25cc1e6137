package io.spectracache.timeseries;

/**
 * Takes the raw points of one series as a reader hands them over, run after run in time order
 * ({@link RawPointReader}): a bulk writer copies them straight to where they go (an Arrow batch's buffers).
 */
@FunctionalInterface
public interface PointSink {
    /**
     * Takes points {@code [offset, offset + n)} of the arrays, {@code n >= 1}. The arrays are the reader's: valid only
     * during the call, never to be kept or changed.
     */
    void accept(long[] timestamps, double[] values, int offset, int n);
}
