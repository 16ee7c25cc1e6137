package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A top-K: the values of {@link #field()} seen most often (by number of events) per window, kept as Apache
 * DataSketches frequent-items sketches ({@code ItemsSketch<String>}) of {@link #maxMapSize()}, one per partition,
 * window size and window start. A sketch of map size M tracks up to 0.75·M items and estimates each count within
 * {@code 3.5 / M} of the window's events (DataSketches' a-priori bound; usually far less).
 *
 * <pre>{@code new TopKDefinition("noisiest-devices", SketchField.DEVICE_ID, WindowSpec.parseList("1m:2d,1h:30d"), 256);}</pre>
 *
 * @param name       unique among all sketches, filters and watches
 * @param field      the value counted
 * @param windows    the window sizes, finest first
 * @param maxMapSize the frequent-items map size: a power of two from 8 to 4,096 (at most 3,072 items of at most
 *                   {@value SketchProcessor#MAX_TEXT_BYTES} bytes each, so one window's image stays well below Kafka's
 *                   1 MiB record limit)
 */
public record TopKDefinition(String name, SketchField field, List<WindowSpec> windows, int maxMapSize) {
    /** Map size unless configured: up to 192 items per window, counts within 1.4% of the window's events. */
    public static final int DEFAULT_MAX_MAP_SIZE = 256;
    /** Largest map size. */
    public static final int MAX_MAP_SIZE = 4_096;

    public TopKDefinition {
        SketchNames.checked(name);
        requireNonNull(field, "field");
        windows = WindowSpec.checked(windows);
        if (maxMapSize < 8 || maxMapSize > MAX_MAP_SIZE || Integer.bitCount(maxMapSize) != 1) {
            throw new IllegalArgumentException("a top-K map size is a power of two from 8 to " + MAX_MAP_SIZE + ", was "
                    + maxMapSize);
        }
    }
}
