package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The serving side's settings of the spatial capability, beside the topology's ({@link SpatialSettings}).
 *
 * @param spatial      the topology's settings (the vertex limit of a polygon comes from there)
 * @param maxRadiusM   the largest {@code radiusM} a radius query may ask for
 * @param maxResults   the most devices one answer may hold ({@code limit}, {@code k})
 * @param defaultMaxAgeMs positions older than this (event time, behind now) are left out of answers unless a query
 *                     says {@code maxAge=}; 0: none are
 * @param maxCells     S2 cells a query region is covered with
 */
public record SpatialServing(SpatialSettings spatial, double maxRadiusM, int maxResults, long defaultMaxAgeMs,
                             int maxCells) {
    public static final String MAX_RADIUS_M_CONFIG = "spectracache.spatial.max.radius.m";
    private static final String MAX_RADIUS_M_DOC = "The largest radiusM a radius query may ask for (400 above it). "
            + "Nearest queries search as far as they must.";
    public static final String MAX_RESULTS_CONFIG = "spectracache.spatial.max.results";
    private static final String MAX_RESULTS_DOC = "The most devices one geo answer may hold: the largest limit= of "
            + "radius, box and within queries and k= of nearest queries (400 above it). For every position use the "
            + "Arrow Flight dataset geo-positions.";
    public static final String DEFAULT_MAX_AGE_MS_CONFIG = "spectracache.spatial.default.max.age.ms";
    private static final String DEFAULT_MAX_AGE_MS_DOC = "Positions older than this (event time, behind now) are left "
            + "out of geo answers unless the query gives maxAge=; 0 (default): every device's newest position counts, "
            + "however old.";
    public static final String COVERING_MAX_CELLS_CONFIG = "spectracache.spatial.covering.max.cells";
    private static final String COVERING_MAX_CELLS_DOC = "S2 cells a query region is covered with: each is one range "
            + "read per partition; more cells waste fewer reads on positions outside the region.";

    public static final double DEFAULT_MAX_RADIUS_M = 1_000_000;
    public static final int DEFAULT_MAX_RESULTS = 10_000;

    public SpatialServing {
        requireNonNull(spatial, "spatial");
        if (!(maxRadiusM > 0)) {
            throw new IllegalArgumentException("maxRadiusM must be positive, was " + maxRadiusM);
        }
        if (maxResults < 1) {
            throw new IllegalArgumentException("maxResults must be positive, was " + maxResults);
        }
        if (defaultMaxAgeMs < 0) {
            throw new IllegalArgumentException("defaultMaxAgeMs must not be negative, was " + defaultMaxAgeMs);
        }
        if (maxCells < 1) {
            throw new IllegalArgumentException("maxCells must be positive, was " + maxCells);
        }
    }

    /** Adds the topology's settings and these. */
    public static ConfigDef define(ConfigDef def) {
        return SpatialSettings.define(def)
                .define(MAX_RADIUS_M_CONFIG, Type.DOUBLE, DEFAULT_MAX_RADIUS_M, Range.between(1, 20_100_000),
                        Importance.LOW, MAX_RADIUS_M_DOC)
                .define(MAX_RESULTS_CONFIG, Type.INT, DEFAULT_MAX_RESULTS, Range.between(1, 1_000_000), Importance.LOW,
                        MAX_RESULTS_DOC)
                .define(DEFAULT_MAX_AGE_MS_CONFIG, Type.LONG, 0L, Range.atLeast(0), Importance.LOW, DEFAULT_MAX_AGE_MS_DOC)
                .define(COVERING_MAX_CELLS_CONFIG, Type.INT, CellKeys.DEFAULT_MAX_CELLS, Range.between(1, 1_000),
                        Importance.LOW, COVERING_MAX_CELLS_DOC);
    }

    public static SpatialServing from(AbstractConfig config) {
        return new SpatialServing(SpatialSettings.from(config), config.getDouble(MAX_RADIUS_M_CONFIG),
                config.getInt(MAX_RESULTS_CONFIG), config.getLong(DEFAULT_MAX_AGE_MS_CONFIG),
                config.getInt(COVERING_MAX_CELLS_CONFIG));
    }

    /** The defaults of every setting. */
    public static SpatialServing defaults() {
        return new SpatialServing(SpatialSettings.defaults(), DEFAULT_MAX_RADIUS_M, DEFAULT_MAX_RESULTS, 0,
                CellKeys.DEFAULT_MAX_CELLS);
    }
}
