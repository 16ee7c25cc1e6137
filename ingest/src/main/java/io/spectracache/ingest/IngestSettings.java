package io.spectracache.ingest;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The knobs of ingest: how large an event may be, how long event ids are remembered for de-duplication,
 * and how far an event's timestamp may stray from the wall clock.
 *
 * <pre>{@code
 * IngestSettings settings = IngestSettings.defaults().withDedupWindow(Duration.ofMinutes(30));
 * }</pre>
 *
 * @param maxEventBytes the largest raw record value accepted, in bytes; larger ones are dead-lettered as
 *                      {@code oversized} before they are parsed
 * @param dedupWindow   how long an event id is remembered per device, measured on the time the raw records
 *                      reached Kafka (see {@link IngestTopology}); positive
 * @param maxPast       how far before the wall clock an event timestamp may lie; positive
 * @param maxFuture     how far after the wall clock an event timestamp may lie (device clocks drift); not negative
 * @param rawPartitions the partition count of {@code events.raw}, or 0 if unknown. When known, an event that already
 *                      sits on the partition its device id hashes to (producers keying by device id with Kafka's
 *                      default partitioner) skips the repartition hop; only the others take it
 */
public record IngestSettings(int maxEventBytes, Duration dedupWindow, Duration maxPast, Duration maxFuture,
                             int rawPartitions) {
    /** The default size limit: 64 KiB, far above a real event (~300 bytes) and far below Kafka's 1 MiB. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 64 * 1024;
    public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofMinutes(10);
    public static final Duration DEFAULT_MAX_PAST = Duration.ofDays(7);
    public static final Duration DEFAULT_MAX_FUTURE = Duration.ofMinutes(10);

    public IngestSettings {
        requireNonNull(dedupWindow, "dedupWindow");
        requireNonNull(maxPast, "maxPast");
        requireNonNull(maxFuture, "maxFuture");
        if (maxEventBytes <= 0) {
            throw new IllegalArgumentException("maxEventBytes must be positive, was " + maxEventBytes);
        }
        if (maxPast.isNegative() || maxPast.isZero()) {
            throw new IllegalArgumentException("maxPast must be positive, was " + maxPast);
        }
        if (maxFuture.isNegative()) {
            throw new IllegalArgumentException("maxFuture must not be negative, was " + maxFuture);
        }
        if (rawPartitions < 0) {
            throw new IllegalArgumentException("rawPartitions must not be negative, was " + rawPartitions);
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

    /** Settings that always repartition (the partition count of {@code events.raw} is not known). */
    public IngestSettings(int maxEventBytes, Duration dedupWindow, Duration maxPast, Duration maxFuture) {
        this(maxEventBytes, dedupWindow, maxPast, maxFuture, 0);
    }

    /** A copy that knows the partition count of {@code events.raw}, so well-placed events skip the repartition. */
    public IngestSettings withRawPartitions(int newRawPartitions) {
        return new IngestSettings(maxEventBytes, dedupWindow, maxPast, maxFuture, newRawPartitions);
    }

    /** 64 KiB events, a 10 minute de-duplication window, timestamps from 7 days ago to 10 minutes ahead. */
    public static IngestSettings defaults() {
        return new IngestSettings(DEFAULT_MAX_EVENT_BYTES, DEFAULT_DEDUP_WINDOW, DEFAULT_MAX_PAST, DEFAULT_MAX_FUTURE);
    }

    public IngestSettings withMaxEventBytes(int newMaxEventBytes) {
        return new IngestSettings(newMaxEventBytes, dedupWindow, maxPast, maxFuture, rawPartitions);
    }

    public IngestSettings withDedupWindow(Duration newDedupWindow) {
        return new IngestSettings(maxEventBytes, newDedupWindow, maxPast, maxFuture, rawPartitions);
    }

    public IngestSettings withMaxPast(Duration newMaxPast) {
        return new IngestSettings(maxEventBytes, dedupWindow, newMaxPast, maxFuture, rawPartitions);
    }

    public IngestSettings withMaxFuture(Duration newMaxFuture) {
        return new IngestSettings(maxEventBytes, dedupWindow, maxPast, newMaxFuture, rawPartitions);
    }
}
