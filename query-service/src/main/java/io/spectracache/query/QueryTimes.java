package io.spectracache.query;

import io.spectracache.errors.InvalidRequestException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How queries write times and steps (time series, sketches), in REST parameters and Flight tickets alike:
 * <ul>
 *   <li>an instant: ISO-8601 ({@code 2026-11-30T10:00:00Z}, {@code 2026-11-30T11:00:00+01:00}), epoch milliseconds
 *       ({@code 1795546800000}), {@code now}, or relative to now ({@code -1h}, {@code now-15m});</li>
 *   <li>a duration (a step, or the amount of a relative time): a whole number and a unit, {@code ms}, {@code s},
 *       {@code m}, {@code h}, {@code d} or {@code w} ({@code 90s}, {@code 15m}, {@code 1h}, {@code 7d}).</li>
 * </ul>
 */
public final class QueryTimes {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h|d|w)");
    private static final Pattern RELATIVE = Pattern.compile("(?:now)?-(\\d{1,12}(?:ms|s|m|h|d|w))");
    private static final Pattern EPOCH_MILLIS = Pattern.compile("-?\\d{1,19}");
    public static final String INSTANT_FORMS = "an ISO-8601 instant (2026-11-30T10:00:00Z), epoch milliseconds, now, "
            + "or a time relative to now such as -1h or -15m";

    private QueryTimes() {
    }

    /**
     * Reads an instant.
     *
     * @param name the parameter's name, for the message
     * @throws InvalidRequestException naming the accepted forms
     */
    public static long instant(String name, String text, long now) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        if (trimmed.equals("now")) {
            return now;
        }
        Matcher relative = RELATIVE.matcher(trimmed);
        if (relative.matches()) {
            return now - duration(name, relative.group(1)).toMillis();
        }
        if (EPOCH_MILLIS.matcher(trimmed).matches()) {
            try {
                return Long.parseLong(trimmed);
            } catch (NumberFormatException e) {
                throw invalid(name, text);
            }
        }
        try {
            return Instant.parse(text.trim()).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            try {
                return OffsetDateTime.parse(text.trim(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException again) {
                throw invalid(name, text);
            }
        }
    }

    private static InvalidRequestException invalid(String name, String text) {
        return new InvalidRequestException(name + ": \"" + text + "\" is not a time; use " + INSTANT_FORMS);
    }

    /**
     * Reads a duration such as {@code 15m}.
     *
     * @throws InvalidRequestException naming the accepted form
     */
    public static Duration duration(String name, String text) {
        Matcher matcher = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new InvalidRequestException(name + ": \"" + text + "\" is not a duration; use a whole number and a "
                    + "unit (ms, s, m, h, d, w), such as 1m, 15m, 1h or 1d");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> Duration.ofDays(7 * amount);
        };
    }

    /** A step as it is written back: the largest unit that divides it ({@code 90s}, {@code 15m}, {@code 1h}). */
    public static String format(Duration step) {
        long ms = step.toMillis();
        long[] units = {7L * 24 * 3_600_000, 24L * 3_600_000, 3_600_000, 60_000, 1_000, 1};
        String[] names = {"w", "d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            if (ms != 0 && ms % units[i] == 0) {
                return ms / units[i] + names[i];
            }
        }
        return ms + "ms";
    }
}
