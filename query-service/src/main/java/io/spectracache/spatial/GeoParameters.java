package io.spectracache.spatial;

import io.javalin.http.Context;
import io.spectracache.errors.InvalidRequestException;
import java.util.Locale;

/** Reads the numbers of geo requests, each refused with a sentence naming the parameter and what it takes. */
final class GeoParameters {
    private GeoParameters() {
    }

    /** A required decimal within {@code [min, max]} (NaN and infinities refused). */
    static double decimal(Context ctx, String name, double min, double max, String what) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            throw new InvalidRequestException(name + ": required, " + what + " from " + plain(min) + " to " + plain(max));
        }
        return decimal(name, text, min, max, what);
    }

    static double decimal(String name, String text, double min, double max, String what) {
        double value;
        try {
            value = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw outOfRange(name, text, min, max, what);
        }
        if (!(value >= min && value <= max)) {
            throw outOfRange(name, text, min, max, what);
        }
        return value;
    }

    private static InvalidRequestException outOfRange(String name, String text, double min, double max, String what) {
        return new InvalidRequestException(name + ": must be " + what + " from " + plain(min) + " to " + plain(max)
                + ", was '" + shown(text) + "'");
    }

    /** A radius in metres: more than 0, at most {@code max}. */
    static double radius(String text, double max) {
        if (text == null || text.isBlank()) {
            throw new InvalidRequestException("radiusM: required, metres (more than 0, at most " + plain(max) + ")");
        }
        double value;
        try {
            value = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            value = Double.NaN;
        }
        if (!(value > 0 && value <= max)) {
            throw new InvalidRequestException("radiusM: must be metres, more than 0 and at most " + plain(max)
                    + ", was '" + shown(text) + "'");
        }
        return value;
    }

    /** A whole number within bounds, or the default when absent. */
    static int whole(String name, String text, int min, int max, int absent, String unit) {
        if (text == null) {
            return absent;
        }
        try {
            long value = Long.parseLong(text.strip());
            if (value >= min && value <= max) {
                return (int) value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InvalidRequestException(name + ": must be a whole number of " + unit + " from " + min + " to " + max
                + ", was '" + shown(text) + "'");
    }

    /**
     * A duration: milliseconds, or a number with a unit ({@code 500ms}, {@code 90s}, {@code 15m}, {@code 2h},
     * {@code 7d}); 0 when absent.
     */
    static long duration(String name, String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        long unit = 1;
        String digits = t;
        if (t.endsWith("ms")) {
            digits = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            unit = 1000;
            digits = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            unit = 60_000;
            digits = t.substring(0, t.length() - 1);
        } else if (t.endsWith("h")) {
            unit = 3_600_000;
            digits = t.substring(0, t.length() - 1);
        } else if (t.endsWith("d")) {
            unit = 86_400_000;
            digits = t.substring(0, t.length() - 1);
        }
        try {
            long value = Long.parseLong(digits);
            if (value > 0 && value <= Long.MAX_VALUE / unit / 2) {
                return value * unit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InvalidRequestException(name + ": a positive duration such as 90s, 15m, 2h, 7d or milliseconds, was '"
                + shown(text) + "'");
    }

    private static String plain(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }

    /** At most 64 characters of what a client sent, for a message. */
    static String shown(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
