package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One tumbling window size of a windowed sketch and how long its windows are kept. Windows are aligned to the epoch
 * (UTC): the window of size {@code 1h} holding {@code t} starts at {@code floor(t / 1h) * 1h}.
 *
 * <pre>{@code List<WindowSpec> windows = WindowSpec.parseList("1m:2d,1h:30d,1d:365d");}</pre>
 *
 * @param size      the window's length; positive
 * @param retention how long a window is kept, in event time: a window is dropped once its end is more than this
 *                  behind the newest event of its partition; at least one size
 */
public record WindowSpec(Duration size, Duration retention) {
    private static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,8})(ms|s|m|h|d)");
    /** Windows per size kept at most, so one setting cannot ask for millions of windows per group. */
    static final long MAX_WINDOWS_KEPT = 1_000_000;

    public WindowSpec {
        requireNonNull(size, "size");
        requireNonNull(retention, "retention");
        if (size.isNegative() || size.isZero()) {
            throw new IllegalArgumentException("a window size must be positive, was " + format(size));
        }
        if (retention.compareTo(size) < 0) {
            throw new IllegalArgumentException("windows of " + format(size) + " kept for " + format(retention)
                    + ", less than one window");
        }
        if (retention.toMillis() / size.toMillis() > MAX_WINDOWS_KEPT) {
            throw new IllegalArgumentException("windows of " + format(size) + " kept for " + format(retention)
                    + " are more than " + MAX_WINDOWS_KEPT + " windows");
        }
    }

    /** {@code of("1h", "30d")}. */
    public static WindowSpec of(String size, String retention) {
        return new WindowSpec(parseDuration(size), parseDuration(retention));
    }

    /** The size in milliseconds. */
    public long sizeMs() {
        return size.toMillis();
    }

    /** The retention in milliseconds. */
    public long retentionMs() {
        return retention.toMillis();
    }

    /** The start of the window that holds {@code timestamp}. */
    public long startOf(long timestamp) {
        return Math.floorDiv(timestamp, sizeMs()) * sizeMs();
    }

    /**
     * Whether the window starting at {@code start} is still kept when the newest event is at {@code clock}: its end
     * is less than the retention behind the clock. Every window is kept while the clock is unknown
     * ({@link Long#MIN_VALUE}).
     */
    public boolean isKept(long start, long clock) {
        if (clock == Long.MIN_VALUE) {
            return true;
        }
        return start > expiredUpTo(clock);
    }

    /**
     * The latest window start that is no longer kept at {@code clock} (windows starting at or before it are
     * dropped): {@code clock - retention - size}, or {@link Long#MIN_VALUE} when the clock is unknown or that far back.
     */
    public long expiredUpTo(long clock) {
        long limit = clock - retentionMs() - sizeMs();
        return clock == Long.MIN_VALUE || limit > clock ? Long.MIN_VALUE : limit;
    }

    /**
     * Parses {@code "1m:2d,1h:30d,1d:365d"}: size:retention pairs, finest first, each size a multiple of the one
     * before (so a coarse window is exactly a run of fine ones) and each retention at least the one before (a
     * coarse window is never dropped before the fine ones inside it). Units ms, s, m, h, d.
     *
     * @throws IllegalArgumentException with what is wrong, for anything else (including an empty list)
     */
    public static List<WindowSpec> parseList(String spec) {
        requireNonNull(spec, "spec");
        if (spec.isBlank()) {
            throw new IllegalArgumentException("a windowed sketch needs at least one window size:retention");
        }
        List<WindowSpec> windows = new ArrayList<>();
        for (String part : spec.split(",", -1)) {
            String trimmed = part.trim();
            if (trimmed.isEmpty()) {
                throw new IllegalArgumentException("empty window in '" + spec + "'");
            }
            String[] pair = trimmed.split(":", -1);
            if (pair.length != 2) {
                throw new IllegalArgumentException("a window is size:retention such as 1h:30d, was '" + trimmed + "'");
            }
            windows.add(of(pair[0].trim(), pair[1].trim()));
        }
        return checked(windows);
    }

    /**
     * {@code windows} if they are finest first, each size a multiple of the one before and each retention at least
     * the one before; a copy.
     *
     * @throws IllegalArgumentException naming the pair that breaks the rule
     */
    public static List<WindowSpec> checked(List<WindowSpec> windows) {
        requireNonNull(windows, "windows");
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("a windowed sketch needs at least one window size:retention");
        }
        for (int i = 1; i < windows.size(); i++) {
            WindowSpec finer = windows.get(i - 1);
            WindowSpec coarser = windows.get(i);
            if (coarser.sizeMs() <= finer.sizeMs() || coarser.sizeMs() % finer.sizeMs() != 0) {
                throw new IllegalArgumentException("window sizes must increase, each a multiple of the one before: "
                        + format(finer.size()) + " does not divide " + format(coarser.size()));
            }
            if (coarser.retentionMs() < finer.retentionMs()) {
                throw new IllegalArgumentException("a coarser window must be kept at least as long as a finer one: "
                        + finer + " then " + coarser);
            }
        }
        return List.copyOf(windows);
    }

    /** Writes windows back in the form {@link #parseList} reads. */
    public static String format(List<WindowSpec> windows) {
        StringBuilder out = new StringBuilder();
        for (WindowSpec window : windows) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(window);
        }
        return out.toString();
    }

    /** {@code size:retention}, as {@link #parseList} reads it, e.g. {@code 1h:30d}. */
    @Override
    public String toString() {
        return format(size) + ":" + format(retention);
    }

    static Duration parseDuration(String text) {
        Matcher matcher = DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("a duration is a positive number and a unit (ms, s, m, h, d), was '"
                    + text + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    /** A duration as the shortest text {@link #parseDuration} reads back to it, e.g. {@code 30d}, {@code 90s}. */
    static String format(Duration duration) {
        long ms = duration.toMillis();
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (ms % units[i] == 0) {
                return ms / units[i] + names[i];
            }
        }
        return ms + "ms";
    }
}
