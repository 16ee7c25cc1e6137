package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rollup tier: buckets of {@link #step()} per series, kept for {@link #retention()} of event time. Its
 * {@link #name()} (the step as written, such as {@code 1m}) names its store, {@code timeseries-rollup-1m}.
 *
 * <pre>{@code List<RollupTier> tiers = RollupTier.parseList("1m:30d,1h:365d");}</pre>
 *
 * @param name      the step as written in the setting: a number and a unit ({@code ms, s, m, h, d})
 * @param step      the bucket width; positive
 * @param retention how long buckets are kept, in event time behind the newest event; at least one step
 */
public record RollupTier(String name, Duration step, Duration retention) {
    private static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,8})(ms|s|m|h|d)");
    /** The most tiers a series keeps: an open series logs which tiers a reading went to as bits of one long. */
    public static final int MAX_TIERS = 16;

    public RollupTier {
        requireNonNull(name, "name");
        requireNonNull(step, "step");
        requireNonNull(retention, "retention");
        if (!name.matches("[a-z0-9]+")) {
            throw new IllegalArgumentException("a tier name is lower-case letters and digits, was '" + name + "'");
        }
        if (step.isNegative() || step.isZero()) {
            throw new IllegalArgumentException("a tier step must be positive, was " + step);
        }
        if (retention.compareTo(step) < 0) {
            throw new IllegalArgumentException("tier " + name + " keeps " + retention + ", less than one step " + step);
        }
    }

    /** A tier named after its step, e.g. {@code of("1m", "30d")}. */
    public static RollupTier of(String step, String retention) {
        return new RollupTier(step, parseDuration(step), parseDuration(retention));
    }

    /** The step in milliseconds. */
    public long stepMs() {
        return step.toMillis();
    }

    /** The retention in milliseconds. */
    public long retentionMs() {
        return retention.toMillis();
    }

    /** The start of the bucket that holds {@code timestamp}. */
    public long bucketStart(long timestamp) {
        return Math.floorDiv(timestamp, stepMs()) * stepMs();
    }

    /**
     * Parses {@code "1m:30d,1h:365d"}: step:retention pairs, comma-separated, steps strictly increasing and each a
     * multiple of the one before (so a coarse bucket is exactly a run of fine ones), at most {@value #MAX_TIERS}.
     *
     * @throws IllegalArgumentException with what is wrong, for anything else
     */
    public static List<RollupTier> parseList(String spec) {
        requireNonNull(spec, "spec");
        List<RollupTier> tiers = new ArrayList<>();
        for (String part : spec.split(",", -1)) {
            String trimmed = part.trim();
            if (trimmed.isEmpty()) {
                if (spec.isBlank()) {
                    break;
                }
                throw new IllegalArgumentException("empty tier in '" + spec + "'");
            }
            String[] pair = trimmed.split(":", -1);
            if (pair.length != 2) {
                throw new IllegalArgumentException("a tier is step:retention such as 1m:30d, was '" + trimmed + "'");
            }
            RollupTier tier = of(pair[0].trim(), pair[1].trim());
            if (!tiers.isEmpty()) {
                RollupTier finer = tiers.get(tiers.size() - 1);
                if (tier.stepMs() <= finer.stepMs() || tier.stepMs() % finer.stepMs() != 0) {
                    throw new IllegalArgumentException("tier steps must increase, each a multiple of the one before: "
                            + finer.name() + " then " + tier.name());
                }
            }
            tiers.add(tier);
        }
        if (tiers.size() > MAX_TIERS) {
            throw new IllegalArgumentException("at most " + MAX_TIERS + " tiers, was " + tiers.size());
        }
        return List.copyOf(tiers);
    }

    /** Writes tiers back in the form {@link #parseList} reads. */
    public static String format(List<RollupTier> tiers) {
        StringBuilder out = new StringBuilder();
        for (RollupTier tier : tiers) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(tier.name()).append(':').append(formatDuration(tier.retention()));
        }
        return out.toString();
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

    private static String formatDuration(Duration duration) {
        long ms = duration.toMillis();
        if (ms % Duration.ofDays(1).toMillis() == 0) {
            return ms / Duration.ofDays(1).toMillis() + "d";
        }
        if (ms % Duration.ofHours(1).toMillis() == 0) {
            return ms / Duration.ofHours(1).toMillis() + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
