package io.spectracache.timeseries;

import io.spectracache.errors.InvalidRequestException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An aggregate of a bucket, computed from its {@link Rollup}: exact for all but the quantiles, which carry KLL's rank
 * error (about 1.65 %; exact while a bucket holds fewer than {@value Rollup#DEFAULT_K} points).
 */
public enum SeriesAgg {
    AVG, MIN, MAX, SUM, COUNT, FIRST, LAST, P50, P95, P99;

    /** The name in {@code agg=} and in answers: lower case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** This aggregate of {@code bucket}, which holds at least one point. */
    public double of(Rollup bucket) {
        return switch (this) {
            case AVG -> bucket.avg();
            case MIN -> bucket.min();
            case MAX -> bucket.max();
            case SUM -> bucket.sum();
            case COUNT -> bucket.count();
            case FIRST -> bucket.first();
            case LAST -> bucket.last();
            case P50 -> bucket.quantile(0.50);
            case P95 -> bucket.quantile(0.95);
            case P99 -> bucket.quantile(0.99);
        };
    }

    /**
     * Reads {@code agg=}: names joined by commas, in the order given (repeats dropped); {@code avg} when absent.
     *
     * @throws InvalidRequestException for an unknown name, listing the known ones
     */
    public static List<SeriesAgg> parseList(String text) {
        if (text == null || text.isBlank()) {
            return List.of(AVG);
        }
        Set<SeriesAgg> aggs = new LinkedHashSet<>();
        for (String part : text.split(",")) {
            String name = part.trim().toUpperCase(Locale.ROOT);
            try {
                aggs.add(SeriesAgg.valueOf(name));
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("agg: unknown aggregate \"" + part.trim() + "\"; use one or more of "
                        + known() + ", joined by commas");
            }
        }
        return new ArrayList<>(aggs);
    }

    static String known() {
        return Arrays.stream(values()).map(SeriesAgg::label).collect(Collectors.joining(", "));
    }
}
