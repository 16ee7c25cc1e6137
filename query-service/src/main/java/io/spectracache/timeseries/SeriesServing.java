package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The serving side's settings of the time-series capability, beside the topology's ({@link TimeSeriesSettings}).
 *
 * @param series        the topology's settings (tiers, retention, chunk span), which queries plan with
 * @param maxJsonPoints the most points (or buckets, over all groups) one JSON answer carries; larger answers are
 *                      refused with a pointer to Arrow Flight
 */
public record SeriesServing(TimeSeriesSettings series, int maxJsonPoints) {
    public static final String MAX_JSON_POINTS_CONFIG = "spectracache.timeseries.max.json.points";
    private static final String MAX_JSON_POINTS_DOC = "The most points (or buckets) one JSON series answer carries; "
            + "a larger answer is refused with 400 and a pointer to Arrow Flight, the bulk path.";
    public static final int DEFAULT_MAX_JSON_POINTS = 100_000;

    public SeriesServing {
        requireNonNull(series, "series");
        if (maxJsonPoints < 1) {
            throw new IllegalArgumentException("maxJsonPoints must be positive, was " + maxJsonPoints);
        }
    }

    /** Adds the topology's settings and these. */
    public static ConfigDef define(ConfigDef def) {
        return TimeSeriesSettings.define(def).define(MAX_JSON_POINTS_CONFIG, Type.INT, DEFAULT_MAX_JSON_POINTS,
                Range.between(1, 10_000_000), Importance.LOW, MAX_JSON_POINTS_DOC);
    }

    public static SeriesServing from(AbstractConfig config) {
        return new SeriesServing(TimeSeriesSettings.from(config), config.getInt(MAX_JSON_POINTS_CONFIG));
    }
}
