package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import io.spectracache.errors.InvalidRequestException;
import io.spectracache.query.QueryTimes;
import io.spectracache.timeseries.codec.Chunk;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where the buckets of a query with {@code step=} come from: the coarsest rollup tier that answers them exactly, or
 * the raw points. Buckets are aligned to the step from the epoch (UTC), so the range is widened to whole buckets:
 * {@code from} rounds down and {@code to} up to a multiple of the step. A tier answers exactly when its step divides
 * the query's; of those, the coarsest whose retention covers {@code from} is read. When none covers it, the raw points
 * answer if their retention does, else the tier kept longest (older buckets are gone: the answer starts later).
 *
 * @param from  the first bucket's start, inclusive
 * @param to    the end of the last bucket, exclusive
 * @param step  the bucket width, ms
 * @param tier  the tier read, or empty for the raw points
 */
public record BucketPlan(long from, long to, long step, Optional<RollupTier> tier) {
    /** The finest step a query may ask for. */
    public static final Duration MIN_STEP = Duration.ofSeconds(1);

    public BucketPlan {
        requireNonNull(tier, "tier");
        if (step < 1 || to < from) {
            throw new IllegalArgumentException("a plan needs a positive step and from <= to");
        }
    }

    /** The name of what answers: the tier's, or {@code raw}. */
    public String source() {
        return tier.map(RollupTier::name).orElse("raw");
    }

    /** How many buckets the range holds at most. */
    public long bucketCount() {
        return (to - from) / step;
    }

    /**
     * Plans a query.
     *
     * @throws InvalidRequestException for a step finer than {@link #MIN_STEP}, or one no tier divides over a range
     *                                 older than the raw retention
     */
    public static BucketPlan of(long from, long to, Duration stepDuration, long now, TimeSeriesSettings settings) {
        long step = stepDuration.toMillis();
        if (stepDuration.compareTo(MIN_STEP) < 0) {
            throw new InvalidRequestException("step: at least " + QueryTimes.format(MIN_STEP) + " (raw points are "
                    + "answered without step=)");
        }
        long alignedFrom = Math.floorDiv(from, step) * step;
        long alignedTo = -Math.floorDiv(-to, step) * step;
        List<RollupTier> dividing = settings.tiers().stream().filter(tier -> step % tier.stepMs() == 0)
                .sorted(Comparator.comparingLong(RollupTier::stepMs).reversed()).toList();
        for (RollupTier tier : dividing) {
            if (alignedFrom > now - tier.retentionMs()) {
                return new BucketPlan(alignedFrom, alignedTo, step, Optional.of(tier));
            }
        }
        if (alignedFrom > now - settings.rawRetention().toMillis()) {
            return new BucketPlan(alignedFrom, alignedTo, step, Optional.empty());
        }
        Optional<RollupTier> longest = dividing.stream().max(Comparator.comparingLong(RollupTier::retentionMs));
        if (longest.isPresent()) {
            return new BucketPlan(alignedFrom, alignedTo, step, longest);
        }
        throw new InvalidRequestException("step: " + QueryTimes.format(stepDuration) + " is not a multiple of any "
                + "rollup tier's step (" + settings.tiers().stream().map(RollupTier::name).collect(Collectors.joining(", "))
                + ") and the range starts before the raw points' retention (" + QueryTimes.format(settings.rawRetention())
                + "); use a step that is a multiple of a tier's");
    }

    /** The buckets of one series, by start, merged from the plan's source. Never null. */
    public NavigableMap<Long, Rollup> read(SeriesStores stores, TimeSeriesSettings settings, String deviceId,
                                           String metric) {
        NavigableMap<Long, Rollup> buckets = new TreeMap<>();
        if (tier.isPresent()) {
            for (Map.Entry<Long, Rollup> bucket : SeriesReads.buckets(stores, tier.get(), deviceId, metric, from, to)
                    .entrySet()) {
                buckets.merge(startOf(bucket.getKey()), bucket.getValue(), BucketPlan::merged);
            }
        } else {
            Chunk points = SeriesReads.raw(stores, settings.chunkMaxSpan().toMillis(), deviceId, metric, from, to);
            for (int i = 0; i < points.size(); i++) {
                buckets.computeIfAbsent(startOf(points.timestamp(i)), start -> Rollup.empty())
                        .add(points.timestamp(i), points.value(i));
            }
        }
        return buckets;
    }

    /** The start of the bucket holding time {@code t}: buckets are laid from {@code from}, {@code step} apart. */
    public long startOf(long t) {
        return from + Math.floorDiv(t - from, step) * step;
    }

    /**
     * Plans one bucket over the whole of {@code [from, to)} (a query without {@code step=}): from the coarsest tier
     * whose step divides both ends and whose retention covers {@code from}; else from the raw points if their
     * retention covers it; else from the finest tier that covers it, the range widened outward to its step.
     *
     * @throws InvalidRequestException when nothing kept covers {@code from}
     */
    public static BucketPlan whole(long from, long to, long now, TimeSeriesSettings settings) {
        List<RollupTier> coarsestFirst = settings.tiers().stream()
                .sorted(Comparator.comparingLong(RollupTier::stepMs).reversed()).toList();
        for (RollupTier tier : coarsestFirst) {
            if (from % tier.stepMs() == 0 && to % tier.stepMs() == 0 && from > now - tier.retentionMs()) {
                return new BucketPlan(from, to, to - from, Optional.of(tier));
            }
        }
        if (from > now - settings.rawRetention().toMillis()) {
            return new BucketPlan(from, to, to - from, Optional.empty());
        }
        List<RollupTier> finestFirst = settings.tiers().stream().sorted(Comparator.comparingLong(RollupTier::stepMs)).toList();
        for (RollupTier tier : finestFirst) {
            if (from > now - tier.retentionMs()) {
                long widenedFrom = Math.floorDiv(from, tier.stepMs()) * tier.stepMs();
                long widenedTo = -Math.floorDiv(-to, tier.stepMs()) * tier.stepMs();
                return new BucketPlan(widenedFrom, widenedTo, widenedTo - widenedFrom, Optional.of(tier));
            }
        }
        throw new InvalidRequestException("from: the range starts before every tier's retention ("
                + settings.tiers().stream().map(tier -> tier.name() + " kept " + QueryTimes.format(tier.retention()))
                .collect(Collectors.joining(", ")) + "); nothing that old is kept");
    }

    static Rollup merged(Rollup into, Rollup more) {
        into.merge(more);
        return into;
    }
}
