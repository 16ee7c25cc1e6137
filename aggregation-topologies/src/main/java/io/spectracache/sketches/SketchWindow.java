package io.spectracache.sketches;

/**
 * The sketch of one window of one lane (sketch name and group) on one partition: the value type of
 * {@code sketches-windows}. A distinct count's windows are {@link DistinctWindow}s, a top-K's {@link TopKWindow}s.
 *
 * <p>Thread-safety: the stream thread updates a window while an interactive query may read the same object (a
 * write-behind store answers a key query for a key written since the last commit with the object itself), so every
 * method is synchronized; readers take an {@link #image()} and work on that.
 */
public sealed interface SketchWindow permits DistinctWindow, TopKWindow {
    /** A snapshot of the sketch in Apache DataSketches' own serialised form; never null. */
    byte[] image();
}
