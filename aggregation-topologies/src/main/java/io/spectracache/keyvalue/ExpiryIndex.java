package io.spectracache.keyvalue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Row keys of the expiry index: 8 bytes of {@code expiresAt} big-endian, then the UTF-8 bytes of the cache key.
 * Expiry times are never negative, so the stores' unsigned byte order is expiry order and "everything due by now"
 * is a scan from the first row that stops at the first row due later.
 */
final class ExpiryIndex {
    /** Index rows carry everything in their key; the value only has to be non-null. */
    static final byte[] PRESENT = new byte[0];

    private ExpiryIndex() {
    }

    static Bytes rowKey(long expiresAt, String key) {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + keyBytes.length).putLong(expiresAt).put(keyBytes).array());
    }

    /** An inclusive range start at or below every row of {@code expiresAt} and later: its bare 8 bytes. */
    static Bytes lowerBound(long expiresAt) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(expiresAt).array());
    }

    /**
     * An inclusive range end above every row due at {@code now}: the bare 8 bytes of {@code now + 1} sort after
     * every row of {@code now} and before every other row of {@code now + 1} except the one of the empty key, which
     * the scan skips because it is not due.
     */
    static Bytes upperBound(long now) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(now == Long.MAX_VALUE ? now : now + 1).array());
    }

    static long expiresAt(Bytes rowKey) {
        return ByteBuffer.wrap(rowKey.get()).getLong();
    }

    static String key(Bytes rowKey) {
        byte[] row = rowKey.get();
        return new String(row, Long.BYTES, row.length - Long.BYTES, StandardCharsets.UTF_8);
    }
}
