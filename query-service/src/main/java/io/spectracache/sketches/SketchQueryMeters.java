package io.spectracache.sketches;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.docs.MeterDocumentation;
import java.time.Duration;

/**
 * The Micrometer meters of the sketches' serving half (queries and watch-list writes), declared once; the streams
 * half's are {@link SketchMeters}.
 */
public enum SketchQueryMeters implements MeterDocumentation {
    /**
     * Sketch queries answered at the instance asked (gathered from every instance), tagged {@link #KIND_TAG}
     * ({@code distinct}, {@code distinct-series}, {@code topk}, {@code membership}) and {@link #OUTCOME_TAG}
     * ({@code complete}, or {@code partial} when an instance did not answer).
     */
    QUERIES("spectra.sketches.queries", Meter.Type.TIMER, "sketch queries answered, by kind and outcome"),
    /** Items membership queries asked about, tagged {@link #KIND_TAG} = {@code maybe} or {@code never}. */
    MEMBERSHIP_ITEMS("spectra.sketches.membership.items", Meter.Type.COUNTER,
            "items membership queries asked about, by answer"),
    /** Watch-list items written through REST, tagged {@link #KIND_TAG} = {@code added} or {@code removed}. */
    WATCH_WRITES("spectra.sketches.watch.writes", Meter.Type.COUNTER, "watch-list items added or removed over REST"),
    /**
     * Windows the distinct-count queries looked up in the merge cache, tagged {@link #OUTCOME_TAG} = {@code hit} (the
     * images read were the cached ones) or {@code miss} (not cached, or changed since: merged as read).
     */
    MERGE_CACHE_LOOKUPS("spectra.sketches.merge.cache.lookups", Meter.Type.COUNTER,
            "windows looked up in the distinct-count merge cache, by outcome"),
    /** Merge-cache entries evicted to keep within its bound. */
    MERGE_CACHE_EVICTIONS("spectra.sketches.merge.cache.evictions", Meter.Type.COUNTER,
            "entries evicted from the distinct-count merge cache to keep within its bound"),
    /** What the merge cache's entries weigh now, in bytes (images and unions). */
    MERGE_CACHE_BYTES("spectra.sketches.merge.cache.bytes", Meter.Type.GAUGE,
            "bytes the distinct-count merge cache holds");

    /** What was asked, or answered. */
    public static final String KIND_TAG = "kind";
    /** Whether every instance answered. */
    public static final String OUTCOME_TAG = "outcome";

    private final String meterName;
    private final Meter.Type type;
    private final String description;

    SketchQueryMeters(String meterName, Meter.Type type, String description) {
        this.meterName = meterName;
        this.type = type;
        this.description = description;
    }

    @Override
    public String getName() {
        return meterName;
    }

    @Override
    public Meter.Type getType() {
        return type;
    }

    /** What the meter measures, as registered with it. */
    public String description() {
        return description;
    }

    /** Records one query of {@code kind} that took {@code took}. */
    static void query(MeterRegistry registry, String kind, boolean partial, Duration took) {
        Timer.builder(QUERIES.meterName).description(QUERIES.description).tag(KIND_TAG, kind)
                .tag(OUTCOME_TAG, partial ? "partial" : "complete").register(registry).record(took);
    }

    /** Registers the merge cache's meters with {@code registry} (they read {@code cache}'s counts). */
    static void bindMergeCache(MeterRegistry registry, DenseWindowCache cache) {
        FunctionCounter.builder(MERGE_CACHE_LOOKUPS.meterName, cache, DenseWindowCache::hits)
                .description(MERGE_CACHE_LOOKUPS.description).tag(OUTCOME_TAG, "hit").register(registry);
        FunctionCounter.builder(MERGE_CACHE_LOOKUPS.meterName, cache, DenseWindowCache::misses)
                .description(MERGE_CACHE_LOOKUPS.description).tag(OUTCOME_TAG, "miss").register(registry);
        FunctionCounter.builder(MERGE_CACHE_EVICTIONS.meterName, cache, DenseWindowCache::evictions)
                .description(MERGE_CACHE_EVICTIONS.description).register(registry);
        Gauge.builder(MERGE_CACHE_BYTES.meterName, cache, DenseWindowCache::bytes).baseUnit("bytes")
                .description(MERGE_CACHE_BYTES.description).register(registry);
    }

    /** This counter, with {@code kind}. */
    static Counter counter(MeterRegistry registry, SketchQueryMeters meter, String kind) {
        return Counter.builder(meter.meterName).description(meter.description).tag(KIND_TAG, kind).register(registry);
    }
}
