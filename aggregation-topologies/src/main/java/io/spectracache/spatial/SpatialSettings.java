package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The settings of the spatial capability's streams half: whether positions are indexed at all, how often stream
 * tasks look for changed fences, how many device entries each task keeps as objects, and the most vertices a fence
 * may have. The {@code spectracache.spatial.*} keys are declared here once ({@link #define(ConfigDef)}) and read back
 * typed ({@link #from(AbstractConfig)}).
 *
 * <pre>{@code new SpatialTopology(SpatialSettings.defaults().withFenceCheckInterval(Duration.ofMillis(200))).addTo(context);}</pre>
 *
 * @param enabled            whether the capability adds anything to the topology
 * @param fenceCheckInterval how often (wall clock) each stream task looks for fences deleted or changed since it last
 *                           looked, to write the exits they cause; positive. Tasks also look at every position update
 * @param cacheMaxDevices    device entries each stream task keeps as objects between commits (0: none)
 * @param maxFenceVertices   the most vertices one fence may have, over all its rings; at least 4
 */
public record SpatialSettings(boolean enabled, Duration fenceCheckInterval, int cacheMaxDevices, int maxFenceVertices) {
    public static final String ENABLED_CONFIG = "spectracache.spatial.enabled";
    private static final String ENABLED_DOC = "Whether device positions are indexed (radius, box, polygon and nearest "
            + "queries) and checked against the geofences on spectra.geofences.";

    public static final String FENCE_CHECK_INTERVAL_MS_CONFIG = "spectracache.spatial.fence.check.interval.ms";
    private static final String FENCE_CHECK_INTERVAL_MS_DOC = "How often each stream task looks for geofences deleted "
            + "or changed since it last looked and writes the exits they cause (it also looks at every position "
            + "update). The longest a deletion's exits wait when no device moves.";

    public static final String CACHE_MAX_DEVICES_CONFIG = "spectracache.spatial.cache.max.devices";
    private static final String CACHE_MAX_DEVICES_DOC = "Device entries (position and fence memberships) each stream "
            + "task keeps as objects, so a position update does not read and decode its device's entry again; the "
            + "least recently updated make room. 0 turns the cache off.";

    public static final String MAX_FENCE_VERTICES_CONFIG = "spectracache.spatial.max.fence.vertices";
    private static final String MAX_FENCE_VERTICES_DOC = "The most vertices a geofence or a POST /v1/geo/within polygon "
            + "may have, over all its rings. PUT /v1/geofences answers 400 above it; a larger fence written straight "
            + "to spectra.geofences is ignored and counted in spectra.spatial.geofences.invalid.";

    public static final Duration DEFAULT_FENCE_CHECK_INTERVAL = Duration.ofSeconds(1);
    public static final int DEFAULT_CACHE_MAX_DEVICES = 50_000;
    public static final int DEFAULT_MAX_FENCE_VERTICES = 10_000;

    public SpatialSettings {
        requireNonNull(fenceCheckInterval, "fenceCheckInterval");
        if (fenceCheckInterval.isNegative() || fenceCheckInterval.isZero()) {
            throw new IllegalArgumentException("fenceCheckInterval must be positive, was " + fenceCheckInterval);
        }
        if (cacheMaxDevices < 0) {
            throw new IllegalArgumentException("cacheMaxDevices must not be negative, was " + cacheMaxDevices);
        }
        if (maxFenceVertices < 4) {
            throw new IllegalArgumentException("maxFenceVertices must be at least 4, was " + maxFenceVertices);
        }
    }

    /** Adds the {@code spectracache.spatial.*} settings of the streams half to {@code def}, with the defaults of {@link #defaults()}. */
    public static ConfigDef define(ConfigDef def) {
        return def
                .define(ENABLED_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, ENABLED_DOC)
                .define(FENCE_CHECK_INTERVAL_MS_CONFIG, Type.LONG, DEFAULT_FENCE_CHECK_INTERVAL.toMillis(),
                        Range.between(10, 3_600_000), Importance.LOW, FENCE_CHECK_INTERVAL_MS_DOC)
                .define(CACHE_MAX_DEVICES_CONFIG, Type.INT, DEFAULT_CACHE_MAX_DEVICES, Range.atLeast(0), Importance.LOW,
                        CACHE_MAX_DEVICES_DOC)
                .define(MAX_FENCE_VERTICES_CONFIG, Type.INT, DEFAULT_MAX_FENCE_VERTICES, Range.between(4, 1_000_000),
                        Importance.LOW, MAX_FENCE_VERTICES_DOC);
    }

    /**
     * The settings of a configuration that includes {@link #define(ConfigDef)}.
     *
     * @throws ConfigException if a value is not acceptable
     */
    public static SpatialSettings from(AbstractConfig config) {
        try {
            return new SpatialSettings(config.getBoolean(ENABLED_CONFIG),
                    Duration.ofMillis(config.getLong(FENCE_CHECK_INTERVAL_MS_CONFIG)),
                    config.getInt(CACHE_MAX_DEVICES_CONFIG), config.getInt(MAX_FENCE_VERTICES_CONFIG));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** Enabled; fences checked every second; 50,000 cached devices per task; fences of up to 10,000 vertices. */
    public static SpatialSettings defaults() {
        return new SpatialSettings(true, DEFAULT_FENCE_CHECK_INTERVAL, DEFAULT_CACHE_MAX_DEVICES, DEFAULT_MAX_FENCE_VERTICES);
    }

    /** A copy, enabled or not. */
    public SpatialSettings withEnabled(boolean newEnabled) {
        return new SpatialSettings(newEnabled, fenceCheckInterval, cacheMaxDevices, maxFenceVertices);
    }

    /** A copy with another fence check interval. */
    public SpatialSettings withFenceCheckInterval(Duration newInterval) {
        return new SpatialSettings(enabled, newInterval, cacheMaxDevices, maxFenceVertices);
    }

    /** A copy with another device cache size. */
    public SpatialSettings withCacheMaxDevices(int newCacheMaxDevices) {
        return new SpatialSettings(enabled, fenceCheckInterval, newCacheMaxDevices, maxFenceVertices);
    }

    /** A copy with another vertex limit. */
    public SpatialSettings withMaxFenceVertices(int newMaxFenceVertices) {
        return new SpatialSettings(enabled, fenceCheckInterval, cacheMaxDevices, newMaxFenceVertices);
    }
}
