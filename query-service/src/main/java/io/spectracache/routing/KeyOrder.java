package io.spectracache.routing;

import java.util.Comparator;

/**
 * The order of keys in a store: RocksDB compares the UTF-8 bytes, which differs from {@link String#compareTo}
 * (UTF-16 units) once characters beyond U+FFFF meet U+E000..U+FFFF. Merging pages from several partitions
 * must use the store's order, or a page could skip keys.
 */
public final class KeyOrder {
    /** UTF-8 byte order, computed on code points without encoding. */
    public static final Comparator<String> UTF8 = KeyOrder::compareUtf8;

    private KeyOrder() {
    }

    // Code-point order is UTF-8 byte order.
    private static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
