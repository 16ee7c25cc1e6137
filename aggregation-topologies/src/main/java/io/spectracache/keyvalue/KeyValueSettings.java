package io.spectracache.keyvalue;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Tuning of the key-value cache topology. The query service maps its {@code spectracache.kv.*} configuration keys
 * onto this record; the defaults suit a single node.
 *
 * <pre>{@code
 * new KeyValueTopology(KeyValueSettings.defaults().withPurgeInterval(Duration.ofMillis(250)), "spectra.")
 *         .addTo(builder);
 * }</pre>
 *
 * @param purgeInterval  how often, in wall-clock time, expired entries are deleted; positive. Reads never return an
 *                       expired entry regardless, so this only bounds how long expired bytes occupy the store
 * @param maxPurgePerRun the most entries one purge deletes, so that a large backlog of expiries is worked off over
 *                       several runs instead of stalling the stream thread; positive
 * @param maxValueBytes  the largest value stored; a bigger write is dead-lettered and counted. Positive; the REST
 *                       layer should reject bigger bodies before they reach Kafka. Whatever it is, an entry whose key,
 *                       value and metadata would not fit in one changelog record is dead-lettered too
 * @param writesPartitions the partition count of {@code kv.writes}, so that writes a producer placed on another
 *                       partition than Kafka's default (murmur2) partitioner would are re-routed; 0 = do not check
 */
public record KeyValueSettings(Duration purgeInterval, int maxPurgePerRun, int maxValueBytes, int writesPartitions) {
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
        if (writesPartitions < 0) {
            throw new IllegalArgumentException("writesPartitions must not be negative, was " + writesPartitions);
        }
    }

    /** Settings that do not check the partitioning of {@code kv.writes}. */
    public KeyValueSettings(Duration purgeInterval, int maxPurgePerRun, int maxValueBytes) {
        this(purgeInterval, maxPurgePerRun, maxValueBytes, 0);
    }

    /** A copy that re-routes writes found on another partition than murmur2 of their key gives. */
    public KeyValueSettings withWritesPartitions(int newWritesPartitions) {
        return new KeyValueSettings(purgeInterval, maxPurgePerRun, maxValueBytes, newWritesPartitions);
    }

    /** Purge every second, at most 10,000 entries a run, values up to 512 KiB. */
    public static KeyValueSettings defaults() {
        return new KeyValueSettings(DEFAULT_PURGE_INTERVAL, DEFAULT_MAX_PURGE_PER_RUN, DEFAULT_MAX_VALUE_BYTES);
    }

    /** A copy with another purge interval. */
    public KeyValueSettings withPurgeInterval(Duration newPurgeInterval) {
        return new KeyValueSettings(newPurgeInterval, maxPurgePerRun, maxValueBytes, writesPartitions);
    }

    /** A copy with another purge bound. */
    public KeyValueSettings withMaxPurgePerRun(int newMaxPurgePerRun) {
        return new KeyValueSettings(purgeInterval, newMaxPurgePerRun, maxValueBytes, writesPartitions);
    }

    /** A copy with another value size limit. */
    public KeyValueSettings withMaxValueBytes(int newMaxValueBytes) {
        return new KeyValueSettings(purgeInterval, maxPurgePerRun, newMaxValueBytes, writesPartitions);
    }
}
