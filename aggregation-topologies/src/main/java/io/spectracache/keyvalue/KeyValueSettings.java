package io.spectracache.keyvalue;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Tuning of the key-value cache. The {@code spectracache.kv.*} settings are declared here once
 * ({@link #define(ConfigDef)}) and read back typed ({@link #from(AbstractConfig)}); the defaults suit a single node.
 *
 * <pre>{@code
 * new KeyValueTopology(KeyValueSettings.defaults().withPurgeInterval(Duration.ofMillis(250))).addTo(context);
 * }</pre>
 *
 * @param purgeInterval  how often, in wall-clock time, expired entries are deleted; positive. Reads never return an
 *                       expired entry regardless, so this only bounds how long expired bytes occupy the store
 * @param maxPurgePerRun the most entries one purge deletes, so that a large backlog of expiries is worked off over
 *                       several runs instead of stalling the stream thread; positive
 * @param maxValueBytes  the largest value stored; a bigger write is dead-lettered and counted. Positive; the REST
 *                       layer refuses bigger bodies before they reach Kafka. Whatever it is, an entry whose key,
 *                       value and metadata would not fit in one changelog record is dead-lettered too
 */
public record KeyValueSettings(Duration purgeInterval, int maxPurgePerRun, int maxValueBytes) {
    public static final String MAX_VALUE_BYTES_CONFIG = "spectracache.kv.max.value.bytes";
    private static final String MAX_VALUE_BYTES_DOC = "Largest value PUT /v1/kv accepts (413 above); larger "
            + "records on kv.writes go to spectra.kv.writes.dlq and are counted. Whatever it is, a write whose key, "
            + "value and metadata would not fit in one record Kafka Streams writes is dead-lettered too.";

    public static final String PURGE_INTERVAL_MS_CONFIG = "spectracache.kv.purge.interval.ms";
    private static final String PURGE_INTERVAL_MS_DOC = "How often expired cache entries are purged. Expired "
            + "entries are never returned, purged or not.";

    /** One second. */
    public static final Duration DEFAULT_PURGE_INTERVAL = Duration.ofSeconds(1);
    /** Ten thousand entries. */
    public static final int DEFAULT_MAX_PURGE_PER_RUN = 10_000;
    /** 512 KiB: with its key and metadata a value stays well under Kafka's default 1 MiB message size. */
    public static final int DEFAULT_MAX_VALUE_BYTES = 512 * 1024;

    public KeyValueSettings {
        requireNonNull(purgeInterval, "purgeInterval");
        if (purgeInterval.isNegative() || purgeInterval.isZero()) {
            throw new IllegalArgumentException("purgeInterval must be positive, was " + purgeInterval);
        }
        if (maxPurgePerRun <= 0) {
            throw new IllegalArgumentException("maxPurgePerRun must be positive, was " + maxPurgePerRun);
        }
        if (maxValueBytes <= 0) {
            throw new IllegalArgumentException("maxValueBytes must be positive, was " + maxValueBytes);
        }
    }

    /** Adds the {@code spectracache.kv.*} settings to {@code def}, with the defaults of {@link #defaults()}. */
    public static ConfigDef define(ConfigDef def) {
        return def
                .define(MAX_VALUE_BYTES_CONFIG, Type.INT, DEFAULT_MAX_VALUE_BYTES, Range.between(1, 100_000_000), Importance.MEDIUM, MAX_VALUE_BYTES_DOC)
                .define(PURGE_INTERVAL_MS_CONFIG, Type.LONG, DEFAULT_PURGE_INTERVAL.toMillis(), Range.atLeast(10), Importance.LOW, PURGE_INTERVAL_MS_DOC);
    }

    /** The settings of a configuration that includes {@link #define(ConfigDef)}. */
    public static KeyValueSettings from(AbstractConfig config) {
        return defaults()
                .withMaxValueBytes(config.getInt(MAX_VALUE_BYTES_CONFIG))
                .withPurgeInterval(Duration.ofMillis(config.getLong(PURGE_INTERVAL_MS_CONFIG)));
    }

    /** Purge every second, at most 10,000 entries a run, values up to 512 KiB. */
    public static KeyValueSettings defaults() {
        return new KeyValueSettings(DEFAULT_PURGE_INTERVAL, DEFAULT_MAX_PURGE_PER_RUN, DEFAULT_MAX_VALUE_BYTES);
    }

    /** A copy with another purge interval. */
    public KeyValueSettings withPurgeInterval(Duration newPurgeInterval) {
        return new KeyValueSettings(newPurgeInterval, maxPurgePerRun, maxValueBytes);
    }

    /** A copy with another purge bound. */
    public KeyValueSettings withMaxPurgePerRun(int newMaxPurgePerRun) {
        return new KeyValueSettings(purgeInterval, newMaxPurgePerRun, maxValueBytes);
    }

    /** A copy with another value size limit. */
    public KeyValueSettings withMaxValueBytes(int newMaxValueBytes) {
        return new KeyValueSettings(purgeInterval, maxPurgePerRun, newMaxValueBytes);
    }
}
