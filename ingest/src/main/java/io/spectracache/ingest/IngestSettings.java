package io.spectracache.ingest;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The knobs of ingest: how large an event may be, how long event ids are remembered for de-duplication,
 * and how far an event's timestamp may stray from the wall clock. Each is a {@code spectracache.ingest.*} setting,
 * declared here once ({@link #define(ConfigDef)}) and read back typed ({@link #from(AbstractConfig)}).
 *
 * <pre>{@code
 * IngestSettings settings = IngestSettings.defaults().withDedupWindow(Duration.ofMinutes(30));
 * }</pre>
 *
 * @param maxEventBytes the largest raw record value accepted, in bytes; larger ones are dead-lettered as
 *                      {@code oversized} before they are parsed
 * @param dedupWindow   how long an event id is remembered per device, measured on the time the raw records
 *                      reached Kafka (see {@link IngestTopology}); positive
 * @param maxPast       how far before the wall clock an event timestamp may lie; zero (the default) for no limit, so
 *                      a backfill or a replay of any age lands (old data is data). Timestamps before
 *                      {@link #TIMESTAMP_FLOOR} are refused whatever this says
 * @param maxFuture     how far after the wall clock an event timestamp may lie (device clocks drift); not negative
 * @param dedupMemoryMaxIds how many event ids de-duplication keeps in memory per instance (about 32–64 bytes each);
 *                      past it, the devices least recently seen leave memory and load from the store on their
 *                      next event. Positive
 * @param eventsTopic   whether validated, de-duplicated events are written to {@code spectra.events} (the v1 output
 *                      topic for consumers outside SpectraCache); every capability reads them in-process either way
 */
public record IngestSettings(int maxEventBytes, Duration dedupWindow, Duration maxPast, Duration maxFuture,
                             long dedupMemoryMaxIds, boolean eventsTopic) {
    public static final String MAX_EVENT_BYTES_CONFIG = "spectracache.ingest.max.event.bytes";
    private static final String MAX_EVENT_BYTES_DOC = "Larger raw events go to the DLQ with reason 'oversized'.";

    public static final String DEDUP_WINDOW_MS_CONFIG = "spectracache.ingest.dedup.window.ms";
    private static final String DEDUP_WINDOW_MS_DOC = "A repeated eventId of the same device within this "
            + "window (event time) is dropped and counted as a duplicate.";

    public static final String MAX_PAST_MS_CONFIG = "spectracache.ingest.max.past.ms";
    private static final String MAX_PAST_MS_DOC = "0 (default): events of any age are accepted, so backfills and "
            + "replays land. Otherwise events older than this (against the wall clock) go to "
            + "the DLQ with reason 'absurd-timestamp'.";

    public static final String MAX_FUTURE_MS_CONFIG = "spectracache.ingest.max.future.ms";
    private static final String MAX_FUTURE_MS_DOC = "Events further in the future than this go to the DLQ "
            + "with reason 'absurd-timestamp'.";

    public static final String DEDUP_MEMORY_MAX_IDS_CONFIG = "spectracache.ingest.dedup.memory.max.ids";
    private static final String DEDUP_MEMORY_MAX_IDS_DOC = "How many event ids de-duplication keeps in memory per "
            + "instance, over all its partitions (about 32-64 bytes of heap each). The default holds a 10-minute window "
            + "at about 6,500 events/s per instance; past it, the devices least recently seen leave memory and are "
            + "read back from the de-duplication store on their next event (exact either way, slower).";

    public static final String EVENTS_TOPIC_ENABLED_CONFIG = "spectracache.ingest.events.topic.enabled";
    private static final String EVENTS_TOPIC_ENABLED_DOC = "Write every validated, de-duplicated event to "
            + "spectra.events (contract v1, for consumers outside SpectraCache). Costs one Kafka write per event; "
            + "SpectraCache's own capabilities never read it. false: the topic gets nothing new.";

    /** The default size limit: 64 KiB, far above a real event (~300 bytes) and far below Kafka's 1 MiB. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 64 * 1024;
    public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofMinutes(10);
    /** No limit: old data is data. */
    public static final Duration DEFAULT_MAX_PAST = Duration.ZERO;
    /**
     * Timestamps before this are absurd (no fleet sent data in 1970; epoch seconds sent as milliseconds land there)
     * and go to the DLQ with reason {@code absurd-timestamp}.
     */
    public static final java.time.Instant TIMESTAMP_FLOOR = java.time.Instant.parse("2000-01-01T00:00:00Z");
    public static final Duration DEFAULT_MAX_FUTURE = Duration.ofMinutes(10);
    /** 4 million ids: 128–256 MiB of heap at most, a 10-minute window at about 6,500 events/s. */
    public static final long DEFAULT_DEDUP_MEMORY_MAX_IDS = 4_000_000L;
    /** On: {@code spectra.events} is a published v1 output, and switching it off is the operator's decision. */
    public static final boolean DEFAULT_EVENTS_TOPIC = true;

    /** With the default memory budget and {@code spectra.events} on. */
    public IngestSettings(int maxEventBytes, Duration dedupWindow, Duration maxPast, Duration maxFuture) {
        this(maxEventBytes, dedupWindow, maxPast, maxFuture, DEFAULT_DEDUP_MEMORY_MAX_IDS, DEFAULT_EVENTS_TOPIC);
    }

    public IngestSettings {
        requireNonNull(dedupWindow, "dedupWindow");
        requireNonNull(maxPast, "maxPast");
        requireNonNull(maxFuture, "maxFuture");
        if (maxEventBytes <= 0) {
            throw new IllegalArgumentException("maxEventBytes must be positive, was " + maxEventBytes);
        }
        if (maxPast.isNegative()) {
            throw new IllegalArgumentException("maxPast must not be negative, was " + maxPast);
        }
        if (dedupMemoryMaxIds < 1) {
            throw new IllegalArgumentException("dedupMemoryMaxIds must be positive, was " + dedupMemoryMaxIds);
        }
        if (maxFuture.isNegative()) {
            throw new IllegalArgumentException("maxFuture must not be negative, was " + maxFuture);
        }
        // Every duration is used in milliseconds; fail here, not on the first event, if one does not fit.
        try {
            maxPast.toMillis();
            maxFuture.toMillis();
            // Whole milliseconds: the window becomes a state store retention, which Kafka Streams keeps in ms.
            if (dedupWindow.toMillis() <= 0) {
                throw new IllegalArgumentException("dedupWindow must be at least 1 ms, was " + dedupWindow);
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("durations must fit in a long of milliseconds", e);
        }
    }

    /** Adds the {@code spectracache.ingest.*} settings to {@code def}, with the defaults of {@link #defaults()}. */
    public static ConfigDef define(ConfigDef def) {
        return def
                .define(MAX_EVENT_BYTES_CONFIG, Type.INT, DEFAULT_MAX_EVENT_BYTES, Range.between(64, 10_000_000), Importance.MEDIUM, MAX_EVENT_BYTES_DOC)
                .define(DEDUP_WINDOW_MS_CONFIG, Type.LONG, DEFAULT_DEDUP_WINDOW.toMillis(), Range.atLeast(1), Importance.MEDIUM, DEDUP_WINDOW_MS_DOC)
                .define(MAX_PAST_MS_CONFIG, Type.LONG, DEFAULT_MAX_PAST.toMillis(), Range.atLeast(0), Importance.MEDIUM, MAX_PAST_MS_DOC)
                .define(MAX_FUTURE_MS_CONFIG, Type.LONG, DEFAULT_MAX_FUTURE.toMillis(), Range.atLeast(0), Importance.MEDIUM, MAX_FUTURE_MS_DOC)
                .define(DEDUP_MEMORY_MAX_IDS_CONFIG, Type.LONG, DEFAULT_DEDUP_MEMORY_MAX_IDS, Range.atLeast(1), Importance.LOW, DEDUP_MEMORY_MAX_IDS_DOC)
                .define(EVENTS_TOPIC_ENABLED_CONFIG, Type.BOOLEAN, DEFAULT_EVENTS_TOPIC, Importance.MEDIUM, EVENTS_TOPIC_ENABLED_DOC);
    }

    /** The settings of a configuration that includes {@link #define(ConfigDef)}. */
    public static IngestSettings from(AbstractConfig config) {
        return new IngestSettings(
                config.getInt(MAX_EVENT_BYTES_CONFIG),
                Duration.ofMillis(config.getLong(DEDUP_WINDOW_MS_CONFIG)),
                Duration.ofMillis(config.getLong(MAX_PAST_MS_CONFIG)),
                Duration.ofMillis(config.getLong(MAX_FUTURE_MS_CONFIG)),
                config.getLong(DEDUP_MEMORY_MAX_IDS_CONFIG),
                config.getBoolean(EVENTS_TOPIC_ENABLED_CONFIG));
    }

    /** 64 KiB events, a 10 minute de-duplication window, timestamps from 7 days ago to 10 minutes ahead. */
    public static IngestSettings defaults() {
        return new IngestSettings(DEFAULT_MAX_EVENT_BYTES, DEFAULT_DEDUP_WINDOW, DEFAULT_MAX_PAST, DEFAULT_MAX_FUTURE);
    }

    public IngestSettings withMaxEventBytes(int newMaxEventBytes) {
        return new IngestSettings(newMaxEventBytes, dedupWindow, maxPast, maxFuture, dedupMemoryMaxIds, eventsTopic);
    }

    public IngestSettings withDedupWindow(Duration newDedupWindow) {
        return new IngestSettings(maxEventBytes, newDedupWindow, maxPast, maxFuture, dedupMemoryMaxIds, eventsTopic);
    }

    public IngestSettings withMaxPast(Duration newMaxPast) {
        return new IngestSettings(maxEventBytes, dedupWindow, newMaxPast, maxFuture, dedupMemoryMaxIds, eventsTopic);
    }

    public IngestSettings withMaxFuture(Duration newMaxFuture) {
        return new IngestSettings(maxEventBytes, dedupWindow, maxPast, newMaxFuture, dedupMemoryMaxIds, eventsTopic);
    }

    public IngestSettings withDedupMemoryMaxIds(long newDedupMemoryMaxIds) {
        return new IngestSettings(maxEventBytes, dedupWindow, maxPast, maxFuture, newDedupMemoryMaxIds, eventsTopic);
    }

    public IngestSettings withEventsTopic(boolean newEventsTopic) {
        return new IngestSettings(maxEventBytes, dedupWindow, maxPast, maxFuture, dedupMemoryMaxIds, newEventsTopic);
    }
}
