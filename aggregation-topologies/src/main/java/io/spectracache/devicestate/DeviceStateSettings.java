package io.spectracache.devicestate;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The limits of device state: how many metrics and how many bytes one device's state may hold, and how much heap
 * the in-memory cache of recently updated states may take. The {@code spectracache.devicestate.*} settings are
 * declared here once ({@link #define(ConfigDef)}) and read back typed ({@link #from(AbstractConfig)}).
 *
 * <pre>{@code
 * new DeviceStateTopology(DeviceStateSettings.defaults().withMaxMetrics(200), registry).addTo(events);
 * }</pre>
 *
 * <p>What happens at the limits is described on {@link DeviceStateTopology}: the least recently updated metrics
 * are evicted, never an event or a device.
 *
 * @param maxMetrics     the most metrics one device keeps; at least 1
 * @param maxStateBytes  the most bytes one device's stored record may take, key (device id) and encoded state
 *                       together; at least {@value #MIN_STATE_BYTES}. It is also capped at what Kafka Streams'
 *                       producer sends ({@code max.request.size} less framing), whatever is configured here
 * @param cacheMaxBytes  the estimated heap, per stream task, of the device states kept as objects so an event does
 *                       not read and decode its device's state again; 0 turns that cache off
 */
public record DeviceStateSettings(int maxMetrics, int maxStateBytes, long cacheMaxBytes) {
    public static final String MAX_METRICS_CONFIG = "spectracache.devicestate.max.metrics";
    private static final String MAX_METRICS_DOC = "Most metrics one device keeps. A new metric beyond it evicts the "
            + "least recently updated one (oldest reading time), counted in spectra.devicestate.metrics.evicted.";

    public static final String MAX_STATE_BYTES_CONFIG = "spectracache.devicestate.max.state.bytes";
    private static final String MAX_STATE_BYTES_DOC = "Most bytes one device's stored state may take (device id and "
            + "encoded state). Beyond it the least recently updated metrics are evicted until it fits; a last event "
            + "too large on its own is kept without its attributes and metrics. Never more than Kafka Streams' "
            + "producer max.request.size less 1 KiB, whatever is set here.";

    public static final String CACHE_MAX_BYTES_CONFIG = "spectracache.devicestate.cache.max.bytes";
    private static final String CACHE_MAX_BYTES_DOC = "Estimated heap per stream task for recently updated device "
            + "states kept as objects (saves reading and decoding them per event). The least recently updated "
            + "devices make room; 0 turns the cache off.";

    /** A thousand metrics per device. */
    public static final int DEFAULT_MAX_METRICS = 1000;
    /** 256 KiB per device: a quarter of Kafka's default 1 MiB record limit. */
    public static final int DEFAULT_MAX_STATE_BYTES = 256 * 1024;
    /** 32 MiB of heap per stream task. */
    public static final long DEFAULT_CACHE_MAX_BYTES = 32L * 1024 * 1024;
    /** The smallest {@link #maxStateBytes()}: room for a device id, the times and a few metrics. */
    public static final int MIN_STATE_BYTES = 4096;

    public DeviceStateSettings {
        if (maxMetrics < 1) {
            throw new IllegalArgumentException("maxMetrics must be at least 1, was " + maxMetrics);
        }
        if (maxStateBytes < MIN_STATE_BYTES) {
            throw new IllegalArgumentException("maxStateBytes must be at least " + MIN_STATE_BYTES + ", was " + maxStateBytes);
        }
        if (cacheMaxBytes < 0) {
            throw new IllegalArgumentException("cacheMaxBytes must not be negative, was " + cacheMaxBytes);
        }
    }

    /** Adds the {@code spectracache.devicestate.*} settings to {@code def}, with the defaults of {@link #defaults()}. */
    public static ConfigDef define(ConfigDef def) {
        return def
                .define(MAX_METRICS_CONFIG, Type.INT, DEFAULT_MAX_METRICS, Range.between(1, 1_000_000),
                        Importance.MEDIUM, MAX_METRICS_DOC)
                .define(MAX_STATE_BYTES_CONFIG, Type.INT, DEFAULT_MAX_STATE_BYTES, Range.atLeast(MIN_STATE_BYTES),
                        Importance.MEDIUM, MAX_STATE_BYTES_DOC)
                .define(CACHE_MAX_BYTES_CONFIG, Type.LONG, DEFAULT_CACHE_MAX_BYTES, Range.atLeast(0),
                        Importance.LOW, CACHE_MAX_BYTES_DOC);
    }

    /** The settings of a configuration that includes {@link #define(ConfigDef)}. */
    public static DeviceStateSettings from(AbstractConfig config) {
        return new DeviceStateSettings(config.getInt(MAX_METRICS_CONFIG), config.getInt(MAX_STATE_BYTES_CONFIG),
                config.getLong(CACHE_MAX_BYTES_CONFIG));
    }

    /** 1,000 metrics and 256 KiB per device, a 32 MiB cache per task. */
    public static DeviceStateSettings defaults() {
        return new DeviceStateSettings(DEFAULT_MAX_METRICS, DEFAULT_MAX_STATE_BYTES, DEFAULT_CACHE_MAX_BYTES);
    }

    /** A copy with another metric limit. */
    public DeviceStateSettings withMaxMetrics(int newMaxMetrics) {
        return new DeviceStateSettings(newMaxMetrics, maxStateBytes, cacheMaxBytes);
    }

    /** A copy with another byte limit per device. */
    public DeviceStateSettings withMaxStateBytes(int newMaxStateBytes) {
        return new DeviceStateSettings(maxMetrics, newMaxStateBytes, cacheMaxBytes);
    }

    /** A copy with another cache budget per task. */
    public DeviceStateSettings withCacheMaxBytes(long newCacheMaxBytes) {
        return new DeviceStateSettings(maxMetrics, maxStateBytes, newCacheMaxBytes);
    }
}
