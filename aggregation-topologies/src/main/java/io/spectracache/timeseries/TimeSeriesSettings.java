package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The settings of time series: whether series are kept at all, how long raw points stay, how late a point may be
 * and still be merged into the raw chunks, the rollup tiers, and the size of a raw chunk. The
 * {@code spectracache.timeseries.*} settings are declared here once ({@link #define(ConfigDef)}) and read back typed
 * ({@link #from(AbstractConfig)}).
 *
 * <pre>{@code
 * new TimeSeriesTopology(TimeSeriesSettings.defaults().withGrace(Duration.ofMinutes(10))).addTo(context);
 * }</pre>
 *
 * <p>All times are event time, measured behind the newest event the stream task has seen (its series clock): a
 * point older than {@code rawRetention} behind it is not kept raw, a bucket whose start is {@code retention} or
 * more behind it is not kept in that tier. Lateness ({@code grace}) is measured per series, behind that series'
 * newest point, so a device whose clock lags the fleet loses nothing.
 *
 * @param enabled        whether the capability adds anything to the topology
 * @param rawRetention   how long raw points are kept; positive
 * @param grace          how far behind its series' newest point a point may be and still be merged exactly into the
 *                       raw chunks; not negative. Later points still reach every tier that keeps their bucket
 * @param tiers          the rollup tiers, finest first, steps increasing (each a multiple of the one before), at
 *                       most {@link RollupTier#MAX_TIERS}; may be empty
 * @param chunkMaxPoints points after which a raw chunk is sealed; 2 to 10,000
 * @param chunkMaxSpan   the longest time one raw chunk covers; positive, at most {@code rawRetention}
 */
public record TimeSeriesSettings(boolean enabled, Duration rawRetention, Duration grace, List<RollupTier> tiers,
                                 int chunkMaxPoints, Duration chunkMaxSpan) {
    public static final String ENABLED_CONFIG = "spectracache.timeseries.enabled";
    private static final String ENABLED_DOC = "Whether every numeric metric of every device is kept as a time series "
            + "(raw chunks and rollup tiers).";

    public static final String RAW_RETENTION_MS_CONFIG = "spectracache.timeseries.raw.retention.ms";
    private static final String RAW_RETENTION_MS_DOC = "How long raw points are kept, in event time behind the newest "
            + "event. Older points are not kept raw (counted in spectra.timeseries.points.skipped, tier=raw, "
            + "reason=beyond-retention); whole expired time ranges are dropped.";

    public static final String GRACE_MS_CONFIG = "spectracache.timeseries.grace.ms";
    private static final String GRACE_MS_DOC = "How far behind its series' newest point a late point may be and still "
            + "be merged exactly into the raw chunks. Later points are not kept raw (tier=raw, reason=beyond-grace) "
            + "but still reach every rollup tier that keeps their bucket.";

    public static final String TIERS_CONFIG = "spectracache.timeseries.tiers";
    private static final String TIERS_DOC = "Rollup tiers as step:retention pairs, finest first, each step a multiple "
            + "of the one before, e.g. 1m:30d,1h:365d (units ms, s, m, h, d). Each tier is its own store, "
            + "timeseries-rollup-<step>. Empty for none.";

    public static final String CHUNK_MAX_POINTS_CONFIG = "spectracache.timeseries.chunk.max.points";
    private static final String CHUNK_MAX_POINTS_DOC = "Points after which a raw chunk is sealed (compressed and "
            + "stored). More points per chunk compress better; a late point rewrites one chunk.";

    public static final String CHUNK_MAX_SPAN_MS_CONFIG = "spectracache.timeseries.chunk.max.span.ms";
    private static final String CHUNK_MAX_SPAN_MS_DOC = "The longest time one raw chunk covers: a chunk is sealed "
            + "when the next point lies this far after its first, whatever its size.";

    /** 24 hours of raw points. */
    public static final Duration DEFAULT_RAW_RETENTION = Duration.ofHours(24);
    /** One hour of lateness. */
    public static final Duration DEFAULT_GRACE = Duration.ofHours(1);
    /** 1-minute buckets for 30 days, 1-hour buckets for a year. */
    public static final String DEFAULT_TIERS = "1m:30d,1h:365d";
    /** 120 points per chunk: two hours at one point a minute, as Gorilla's two-hour blocks. */
    public static final int DEFAULT_CHUNK_MAX_POINTS = 120;
    /** Two hours, Gorilla's block. */
    public static final Duration DEFAULT_CHUNK_MAX_SPAN = Duration.ofHours(2);

    public TimeSeriesSettings {
        requireNonNull(rawRetention, "rawRetention");
        requireNonNull(grace, "grace");
        requireNonNull(chunkMaxSpan, "chunkMaxSpan");
        tiers = List.copyOf(requireNonNull(tiers, "tiers"));
        if (rawRetention.isNegative() || rawRetention.isZero()) {
            throw new IllegalArgumentException("rawRetention must be positive, was " + rawRetention);
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative, was " + grace);
        }
        if (chunkMaxPoints < 2 || chunkMaxPoints > 10_000) {
            throw new IllegalArgumentException("chunkMaxPoints must be 2 to 10,000, was " + chunkMaxPoints);
        }
        if (chunkMaxSpan.isNegative() || chunkMaxSpan.isZero() || chunkMaxSpan.compareTo(rawRetention) > 0) {
            throw new IllegalArgumentException("chunkMaxSpan must be positive and at most rawRetention "
                    + rawRetention + ", was " + chunkMaxSpan);
        }
        // Re-parse the formatted list: the same ordering rules whether tiers came from the setting or from code.
        RollupTier.parseList(RollupTier.format(tiers));
    }

    /** Adds the {@code spectracache.timeseries.*} settings to {@code def}, with the defaults of {@link #defaults()}. */
    public static ConfigDef define(ConfigDef def) {
        return def
                .define(ENABLED_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, ENABLED_DOC)
                .define(RAW_RETENTION_MS_CONFIG, Type.LONG, DEFAULT_RAW_RETENTION.toMillis(), Range.atLeast(1),
                        Importance.MEDIUM, RAW_RETENTION_MS_DOC)
                .define(GRACE_MS_CONFIG, Type.LONG, DEFAULT_GRACE.toMillis(), Range.atLeast(0), Importance.MEDIUM,
                        GRACE_MS_DOC)
                .define(TIERS_CONFIG, Type.STRING, DEFAULT_TIERS, (name, value) -> {
                    try {
                        RollupTier.parseList((String) value);
                    } catch (IllegalArgumentException | NullPointerException e) {
                        throw new ConfigException(name, value, e.getMessage());
                    }
                }, Importance.MEDIUM, TIERS_DOC)
                .define(CHUNK_MAX_POINTS_CONFIG, Type.INT, DEFAULT_CHUNK_MAX_POINTS, Range.between(2, 10_000),
                        Importance.LOW, CHUNK_MAX_POINTS_DOC)
                .define(CHUNK_MAX_SPAN_MS_CONFIG, Type.LONG, DEFAULT_CHUNK_MAX_SPAN.toMillis(), Range.atLeast(1),
                        Importance.LOW, CHUNK_MAX_SPAN_MS_DOC);
    }

    /**
     * The settings of a configuration that includes {@link #define(ConfigDef)}.
     *
     * @throws ConfigException if the values are valid one by one but not together (a chunk span above the retention)
     */
    public static TimeSeriesSettings from(AbstractConfig config) {
        try {
            return new TimeSeriesSettings(config.getBoolean(ENABLED_CONFIG),
                    Duration.ofMillis(config.getLong(RAW_RETENTION_MS_CONFIG)),
                    Duration.ofMillis(config.getLong(GRACE_MS_CONFIG)),
                    RollupTier.parseList(config.getString(TIERS_CONFIG)),
                    config.getInt(CHUNK_MAX_POINTS_CONFIG),
                    Duration.ofMillis(config.getLong(CHUNK_MAX_SPAN_MS_CONFIG)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** Enabled; 24 h raw, 1 h grace, tiers 1m:30d and 1h:365d, chunks of 120 points or 2 h. */
    public static TimeSeriesSettings defaults() {
        return new TimeSeriesSettings(true, DEFAULT_RAW_RETENTION, DEFAULT_GRACE, RollupTier.parseList(DEFAULT_TIERS),
                DEFAULT_CHUNK_MAX_POINTS, DEFAULT_CHUNK_MAX_SPAN);
    }

    /** A copy, enabled or not. */
    public TimeSeriesSettings withEnabled(boolean newEnabled) {
        return new TimeSeriesSettings(newEnabled, rawRetention, grace, tiers, chunkMaxPoints, chunkMaxSpan);
    }

    /** A copy with another raw retention. */
    public TimeSeriesSettings withRawRetention(Duration newRawRetention) {
        return new TimeSeriesSettings(enabled, newRawRetention, grace, tiers, chunkMaxPoints, chunkMaxSpan);
    }

    /** A copy with another grace. */
    public TimeSeriesSettings withGrace(Duration newGrace) {
        return new TimeSeriesSettings(enabled, rawRetention, newGrace, tiers, chunkMaxPoints, chunkMaxSpan);
    }

    /** A copy with other tiers, as {@link RollupTier#parseList} reads them. */
    public TimeSeriesSettings withTiers(String newTiers) {
        return new TimeSeriesSettings(enabled, rawRetention, grace, RollupTier.parseList(newTiers), chunkMaxPoints,
                chunkMaxSpan);
    }

    /** A copy with another chunk size. */
    public TimeSeriesSettings withChunkMaxPoints(int newChunkMaxPoints) {
        return new TimeSeriesSettings(enabled, rawRetention, grace, tiers, newChunkMaxPoints, chunkMaxSpan);
    }

    /** A copy with another chunk span. */
    public TimeSeriesSettings withChunkMaxSpan(Duration newChunkMaxSpan) {
        return new TimeSeriesSettings(enabled, rawRetention, grace, tiers, chunkMaxPoints, newChunkMaxSpan);
    }
}
