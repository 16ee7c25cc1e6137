package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import io.spectracache.errors.InvalidRequestException;
import io.spectracache.errors.NotFoundException;
import io.spectracache.query.QueryTimes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What REST and Flight share when they turn a request into a query: the defined sketches looked up by name (an
 * unknown name is a {@link NotFoundException} listing the defined ones), and the checks of ranges, groups, steps,
 * {@code k} and items, each failing with the sentence a client reads.
 */
final class SketchCatalog {
    /** Most items one membership request asks about. */
    static final int MAX_ITEMS = 10_000;
    /** Longest item (characters) a membership or watch request names. */
    static final int MAX_ITEM_LENGTH = 1_024;
    /** Most heavy hitters one top-K answer lists. */
    static final int MAX_K = 1_000;
    static final int DEFAULT_K = 10;
    /** Most steps of a distinct-count series: a day of minutes fits, widened at both ends to whole minutes. */
    static final int MAX_STEPS = 1_500;
    /** The default range: the hour before {@code to}, as time series. */
    static final Duration DEFAULT_SPAN = Duration.ofHours(1);

    private final SketchSettings settings;

    SketchCatalog(SketchSettings settings) {
        this.settings = requireNonNull(settings, "settings");
    }

    SketchSettings settings() {
        return settings;
    }

    /** Whether sketches are kept at all on this deployment. */
    boolean enabled() {
        return settings.enabled();
    }

    /** The answer of every route while sketches are switched off. */
    static NotFoundException off() {
        return new NotFoundException("sketches are switched off on this deployment (" + SketchSettings.ENABLED_CONFIG
                + "=false): no distinct count, top-K, membership filter or watch list is kept");
    }

    DistinctDefinition distinct(String name) {
        return settings.distinct(name).orElseThrow(() -> unknown("distinct count", name,
                settings.distinct().stream().map(DistinctDefinition::name).toList()));
    }

    TopKDefinition topK(String name) {
        return settings.topK(name).orElseThrow(() -> unknown("top-K", name,
                settings.topK().stream().map(TopKDefinition::name).toList()));
    }

    FilterDefinition filter(String name) {
        return settings.filter(name).orElseThrow(() -> unknown("membership filter", name,
                settings.filters().stream().map(FilterDefinition::name).toList()));
    }

    WatchDefinition watch(String name) {
        return settings.watch(name).orElseThrow(() -> unknown("watch list", name,
                settings.watches().stream().map(WatchDefinition::name).toList()));
    }

    private static NotFoundException unknown(String kind, String name, List<String> defined) {
        return new NotFoundException("no " + kind + " named '" + shown(name) + "'; defined: "
                + (defined.isEmpty() ? "none" : String.join(", ", defined)) + " (GET /v1/sketches lists every sketch "
                + "with its settings)");
    }

    /**
     * The group asked for, or null for all groups.
     *
     * @throws InvalidRequestException if a group is asked of a sketch that is not grouped
     */
    static String group(DistinctDefinition sketch, String group) {
        if (group == null) {
            return null;
        }
        if (sketch.groupBy().isEmpty()) {
            throw new InvalidRequestException("group: the distinct count '" + sketch.name() + "' is not grouped (it has "
                    + "no " + SketchSettings.DISTINCT_CONFIG + "." + sketch.name() + ".group); leave group= out");
        }
        if (group.isEmpty() || group.length() > SketchProcessor.MAX_TEXT_BYTES) {
            throw new InvalidRequestException("group: a group value is 1 to " + SketchProcessor.MAX_TEXT_BYTES
                    + " characters");
        }
        return group;
    }

    /** A query's range, resolved against now. */
    record Range(long from, long to) {
    }

    /**
     * {@code [from, to)}: {@code to} defaults to now, {@code from} to an hour before {@code to}.
     *
     * @throws InvalidRequestException for a time that does not parse, or {@code from} not before {@code to}
     */
    static Range range(String fromText, String toText, long now) {
        long to = toText == null ? now : QueryTimes.instant("to", toText, now);
        long from = fromText == null ? to - DEFAULT_SPAN.toMillis() : QueryTimes.instant("from", fromText, now);
        if (to <= from) {
            throw new InvalidRequestException("to: " + Instant.ofEpochMilli(to) + " is not after from: "
                    + Instant.ofEpochMilli(from) + "; a range is [from, to) with from before to");
        }
        return new Range(from, to);
    }

    /**
     * The series request for {@code step}: the range widened to whole steps, aligned to the epoch (UTC).
     *
     * @throws InvalidRequestException for a step under a minute or more than {@value #MAX_STEPS} steps
     */
    static SketchQueries.SeriesRequest series(DistinctDefinition sketch, String group, Range range, String stepText) {
        long step = QueryTimes.duration("step", stepText).toMillis();
        long finest = sketch.windows().get(0).sizeMs();
        if (step < finest || step % finest != 0) {
            throw new InvalidRequestException("step: " + QueryTimes.format(Duration.ofMillis(step)) + " is not a "
                    + "multiple of the finest window of '" + sketch.name() + "' ("
                    + QueryTimes.format(Duration.ofMillis(finest)) + ")");
        }
        long from = Math.floorDiv(range.from(), step) * step;
        long to = Math.floorDiv(range.to() + step - 1, step) * step;
        long steps = (to - from) / step;
        if (steps > MAX_STEPS) {
            throw new InvalidRequestException("step: " + steps + " steps of " + QueryTimes.format(Duration.ofMillis(step))
                    + " are more than the " + MAX_STEPS + " one series answers; narrow from/to or use a coarser step");
        }
        return new SketchQueries.SeriesRequest(SketchQueries.DistinctSpec.of(sketch), group, from, to, step);
    }

    /** {@code k}, default {@value #DEFAULT_K}. */
    static int k(String text) {
        if (text == null) {
            return DEFAULT_K;
        }
        try {
            int k = Integer.parseInt(text.trim());
            if (k >= 1 && k <= MAX_K) {
                return k;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InvalidRequestException("k: a whole number from 1 to " + MAX_K + ", was " + shown(text));
    }

    /**
     * The items of a membership or watch request, checked.
     *
     * @throws InvalidRequestException for none, too many, or an empty or too long item
     */
    static List<String> items(List<String> items) {
        if (items.isEmpty()) {
            throw new InvalidRequestException("items: give 1 to " + MAX_ITEMS + " items");
        }
        if (items.size() > MAX_ITEMS) {
            throw new InvalidRequestException("items: " + items.size() + " items are more than the " + MAX_ITEMS
                    + " one request takes; split them");
        }
        items.forEach(SketchCatalog::item);
        return items;
    }

    /** One item, checked. */
    static String item(String item) {
        if (item == null || item.isEmpty() || item.length() > MAX_ITEM_LENGTH) {
            throw new InvalidRequestException("item: an item is 1 to " + MAX_ITEM_LENGTH + " characters"
                    + (item == null ? ", never null" : ", was " + item.length()));
        }
        return item;
    }

    /** A name for a message: at most 64 characters of it. */
    static String shown(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }

    /** {@code ISO-8601} of an epoch-ms time, or null for the "nothing covered" markers. */
    static String instant(long ms) {
        return ms == Long.MAX_VALUE || ms == Long.MIN_VALUE ? null : Instant.ofEpochMilli(ms).toString();
    }
}
