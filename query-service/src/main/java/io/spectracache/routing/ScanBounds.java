package io.spectracache.routing;

/**
 * The key range of an ordered scan, in UTF-8 byte order: keys starting with {@code prefix} (if set), at or
 * after {@code from} (if set), before {@code to} (exclusive, if set) and strictly after {@code cursor} (the
 * last key of the previous page, if set).
 *
 * <pre>{@code ScanBounds.of("sensor:", null, null, null).admits("sensor:7") // true}</pre>
 */
public record ScanBounds(String prefix, String from, String to, String cursor) {
    public static ScanBounds of(String prefix, String from, String to, String cursor) {
        return new ScanBounds(emptyToNull(prefix), emptyToNull(from), emptyToNull(to), emptyToNull(cursor));
    }

    /** The smallest key a scan must start at, or null for the very first key. */
    public String lowerInclusive() {
        return max(max(prefix, from), cursor);
    }

    /** Whether {@code key} belongs to the range. */
    public boolean admits(String key) {
        return (prefix == null || key.startsWith(prefix))
                && (from == null || KeyOrder.UTF8.compare(key, from) >= 0)
                && (to == null || KeyOrder.UTF8.compare(key, to) < 0)
                && (cursor == null || KeyOrder.UTF8.compare(key, cursor) > 0);
    }

    /** Whether {@code key} and every key after it lie outside the range. */
    public boolean isPastEnd(String key) {
        if (to != null && KeyOrder.UTF8.compare(key, to) >= 0) {
            return true;
        }
        return prefix != null && !key.startsWith(prefix) && KeyOrder.UTF8.compare(key, prefix) > 0;
    }

    private static String max(String a, String b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return KeyOrder.UTF8.compare(a, b) >= 0 ? a : b;
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
