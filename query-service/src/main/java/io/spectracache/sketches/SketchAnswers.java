package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import io.spectracache.query.Gathered;
import io.spectracache.query.QueryTimes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The answers of the sketch queries as clients read them (REST's JSON, and the rows of the Flight datasets): estimates
 * with their 95% bounds, heavy hitters with their error bounds, "maybe" per item, each with the scan contract
 * ({@code partial}, {@code failedInstances}, {@code partitions}). Built from merged parts only.
 */
final class SketchAnswers {
    private SketchAnswers() {
    }

    /**
     * {@code GET /v1/distinct/{name}}.
     *
     * @param windows     the windows the range is read from (coarsest that cover it exactly)
     * @param windowsRead the stored windows read over every partition (windows without events are not stored)
     * @param coveredFrom where the windows start: {@code from} rounded down to the finest window kept there; null
     *                    when nothing is stored in the range
     */
    record Distinct(String name, String group, String from, String to, double estimate, double lower95, double upper95,
                    int windows, int windowsRead, String coveredFrom, String coveredTo, boolean partial,
                    List<String> failedInstances, Set<Integer> partitions) {
    }

    /** One step of a series: {@code [start, start + step)}. */
    record Bucket(long start, double estimate, double lower95, double upper95) {
    }

    /** {@code GET /v1/distinct/{name}?step=}. */
    record DistinctSeries(String name, String group, String from, String to, String step, List<Bucket> buckets,
                          boolean partial, List<String> failedInstances, Set<Integer> partitions) {
    }

    /**
     * {@code GET /v1/topk/{name}}.
     *
     * @param events       events counted in the range
     * @param maximumError the most any estimate may be above the true count (the true count is within each item's
     *                     bounds)
     */
    record TopK(String name, String from, String to, int k, List<SketchMerge.HeavyHitter> items, long events,
                long maximumError, int windows, int windowsRead, String coveredFrom, String coveredTo, boolean partial,
                List<String> failedInstances, Set<Integer> partitions) {
    }

    /** {@code GET /v1/membership/{filter}/{item}}: false means never seen (unless partial). */
    record Membership(String filter, String item, boolean maybe, boolean partial, List<String> failedInstances,
                      Set<Integer> partitions) {
    }

    /** One item of a batch. */
    record Item(String item, boolean maybe) {
    }

    /** {@code POST /v1/membership/{filter}}: the items in the request's order, and how many are "maybe". */
    record MembershipBatch(String filter, List<Item> results, int maybeCount, boolean partial,
                           List<String> failedInstances, Set<Integer> partitions) {
    }

    static Distinct distinct(String name, String group, SketchCatalog.Range range,
                             Gathered<SketchQueries.DistinctPart> gathered) {
        SketchQueries.DistinctPart part = gathered.value();
        SketchMerge.Estimate estimate = estimate(part.sketch());
        return new Distinct(name, group, Instant.ofEpochMilli(range.from()).toString(),
                Instant.ofEpochMilli(range.to()).toString(), estimate.estimate(), estimate.lower95(), estimate.upper95(),
                part.windowsPlanned(), part.windowsRead(), SketchCatalog.instant(part.coveredFrom()),
                SketchCatalog.instant(part.coveredTo()), gathered.partial(), gathered.failedInstances(),
                gathered.partitions());
    }

    /** As {@link SketchMerge#estimate}, reading the image in place. */
    static SketchMerge.Estimate estimate(byte[] image) {
        org.apache.datasketches.hll.HllSketch sketch = SketchQueries.wrap(image);
        return new SketchMerge.Estimate(sketch.getEstimate(), sketch.getLowerBound(SketchMerge.BOUND_STANDARD_DEVIATIONS),
                sketch.getUpperBound(SketchMerge.BOUND_STANDARD_DEVIATIONS));
    }

    static List<Bucket> buckets(SketchQueries.SeriesRequest request, SketchQueries.SeriesPart part) {
        requireNonNull(part, "part");
        List<Bucket> buckets = new ArrayList<>(part.sketches().size());
        long start = request.from();
        for (byte[] sketch : part.sketches()) {
            SketchMerge.Estimate estimate = estimate(sketch);
            buckets.add(new Bucket(start, estimate.estimate(), estimate.lower95(), estimate.upper95()));
            start += request.step();
        }
        return buckets;
    }

    static DistinctSeries series(String name, SketchQueries.SeriesRequest request,
                                 Gathered<SketchQueries.SeriesPart> gathered) {
        return new DistinctSeries(name, request.group(), Instant.ofEpochMilli(request.from()).toString(),
                Instant.ofEpochMilli(request.to()).toString(), QueryTimes.format(Duration.ofMillis(request.step())),
                buckets(request, gathered.value()), gathered.partial(), gathered.failedInstances(), gathered.partitions());
    }

    static TopK topK(String name, SketchCatalog.Range range, int k, Gathered<SketchQueries.TopKPart> gathered) {
        SketchQueries.TopKPart part = gathered.value();
        SketchMerge.TopKTotals totals = SketchMerge.totals(part.sketch());
        return new TopK(name, Instant.ofEpochMilli(range.from()).toString(), Instant.ofEpochMilli(range.to()).toString(),
                k, SketchMerge.heavyHitters(part.sketch(), k), totals.events(), totals.maximumError(),
                part.windowsPlanned(), part.windowsRead(), SketchCatalog.instant(part.coveredFrom()),
                SketchCatalog.instant(part.coveredTo()), gathered.partial(), gathered.failedInstances(),
                gathered.partitions());
    }

    static MembershipBatch batch(String filter, List<String> items, Gathered<SketchQueries.MembershipPart> gathered) {
        boolean[] maybe = gathered.value().maybe();
        List<Item> results = new ArrayList<>(items.size());
        int count = 0;
        for (int i = 0; i < items.size(); i++) {
            results.add(new Item(items.get(i), maybe[i]));
            count += maybe[i] ? 1 : 0;
        }
        return new MembershipBatch(filter, results, count, gathered.partial(), gathered.failedInstances(),
                gathered.partitions());
    }
}
