package io.spectracache.routing;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Merges the pages instances answered for one ordered scan into one page, for every scan (cache entries, device
 * states). An instance that had more than it sent vouches only for keys up to its last one, so the merged page ends
 * at the smallest such key: no key is ever skipped between pages.
 */
public final class ScanMerge {
    /** One instance's page: its items in key order, and its cursor when it had more after them (else null). */
    public record Part<T>(List<T> items, String nextCursor) {
        public Part {
            items = List.copyOf(requireNonNull(items, "items"));
        }
    }

    private ScanMerge() {
    }

    /**
     * At most {@code limit} items in key order (UTF-8 byte order) and, past the first, at most {@code maxBytes} as
     * {@code sizeOf} counts them; the cursor is set when more may follow.
     */
    public static <T> Part<T> merge(List<Part<T>> parts, Function<T, String> keyOf, int limit, ToLongFunction<T> sizeOf,
                                    long maxBytes) {
        String bound = null;
        List<T> all = new ArrayList<>();
        for (Part<T> part : parts) {
            all.addAll(part.items());
            if (part.nextCursor() != null && (bound == null || KeyOrder.UTF8.compare(part.nextCursor(), bound) < 0)) {
                bound = part.nextCursor();
            }
        }
        all.sort(Comparator.comparing(keyOf, KeyOrder.UTF8));
        List<T> items = new ArrayList<>(Math.min(limit, all.size()));
        boolean more = bound != null;
        long bytes = 0;
        for (T item : all) {
            if (bound != null && KeyOrder.UTF8.compare(keyOf.apply(item), bound) > 0) {
                break;
            }
            long size = sizeOf.applyAsLong(item);
            if (items.size() == limit || (!items.isEmpty() && bytes + size > maxBytes)) {
                more = true;
                break;
            }
            items.add(item);
            bytes += size;
        }
        return new Part<>(items, more && !items.isEmpty() ? keyOf.apply(items.get(items.size() - 1)) : null);
    }
}
