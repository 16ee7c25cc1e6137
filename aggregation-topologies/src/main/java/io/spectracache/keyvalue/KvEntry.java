package io.spectracache.keyvalue;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * One value of the key-value cache as {@link KeyValueTopology#STORE} holds it: the bytes that were written, their
 * media type, when they were written and when they expire.
 *
 * <pre>{@code
 * KvEntry entry = KvEntry.of("hello".getBytes(UTF_8), "text/plain", writtenAtMs, writtenAtMs + 60_000);
 * if (!entry.isExpiredAt(System.currentTimeMillis())) {
 *     respond(entry.contentType(), entry.value());
 * }
 * }</pre>
 *
 * <p>Immutable, with value semantics ({@code equals} compares the bytes). It is a class rather than a record
 * because a record would expose its array and compare it by identity. {@link #value()} returns a copy;
 * {@link #valueBuffer()} is a read-only view for callers that only write the bytes out.
 *
 * <p>Times are epoch milliseconds. {@code writtenAt} is the timestamp of the write's Kafka record, and a TTL is
 * counted from it. {@code expiresAt} is {@link #NEVER} (0) for an entry without TTL. An entry is expired from the
 * millisecond {@code expiresAt} on: see {@link #isExpiredAt(long)}.
 */
public final class KvEntry {
    /** The {@link #expiresAt()} of an entry that never expires. */
    public static final long NEVER = 0L;

    private final byte[] value;
    private final String contentType;
    private final long writtenAt;
    private final long expiresAt;

    private KvEntry(byte[] value, String contentType, long writtenAt, long expiresAt) {
        requireNonNull(value, "value");
        if (writtenAt < 0) {
            throw new IllegalArgumentException("writtenAt must not be negative, was " + writtenAt);
        }
        if (expiresAt < 0) {
            throw new IllegalArgumentException("expiresAt must be 0 (never) or an epoch millisecond, was " + expiresAt);
        }
        this.value = value;
        this.contentType = contentType;
        this.writtenAt = writtenAt;
        this.expiresAt = expiresAt;
    }

    /**
     * An entry holding a copy of {@code value}.
     *
     * @param value       the bytes; never null (a delete is a tombstone on the topic, not an entry)
     * @param contentType the media type, or null when the writer gave none
     * @param writtenAt   epoch milliseconds of the write, not negative
     * @param expiresAt   epoch milliseconds from which the entry is gone, or {@link #NEVER}
     */
    public static KvEntry of(byte[] value, String contentType, long writtenAt, long expiresAt) {
        return new KvEntry(requireNonNull(value, "value").clone(), contentType, writtenAt, expiresAt);
    }

    /** Takes ownership of {@code value} without copying: for the codec and the topology, which never share it. */
    static KvEntry wrap(byte[] value, String contentType, long writtenAt, long expiresAt) {
        return new KvEntry(value, contentType, writtenAt, expiresAt);
    }

    /** A copy of the stored bytes; never null, possibly empty. */
    public byte[] value() {
        return value.clone();
    }

    /** The stored bytes as a read-only buffer, without copying them. */
    public ByteBuffer valueBuffer() {
        return ByteBuffer.wrap(value).asReadOnlyBuffer();
    }

    /** How many bytes the value has. */
    public int valueSize() {
        return value.length;
    }

    /** The bytes themselves, for the codec only: callers in this package never modify them. */
    byte[] valueArray() {
        return value;
    }

    /** The media type given by the writer (header {@code content-type}), or null. */
    public String contentType() {
        return contentType;
    }

    /** Epoch milliseconds of the write (the Kafka record timestamp). */
    public long writtenAt() {
        return writtenAt;
    }

    /** Epoch milliseconds from which this entry no longer exists, or {@link #NEVER}. */
    public long expiresAt() {
        return expiresAt;
    }

    /** Whether the entry has a TTL at all. */
    public boolean hasExpiry() {
        return expiresAt != NEVER;
    }

    /** True if the entry must not be returned at {@code nowMs}: it has a TTL and {@code nowMs >= expiresAt}. */
    public boolean isExpiredAt(long nowMs) {
        return expiresAt != NEVER && nowMs >= expiresAt;
    }

    @Override
    public boolean equals(Object other) {
        return this == other
                || other instanceof KvEntry that
                        && writtenAt == that.writtenAt
                        && expiresAt == that.expiresAt
                        && Objects.equals(contentType, that.contentType)
                        && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(contentType, writtenAt, expiresAt) + Arrays.hashCode(value);
    }

    /** Describes the entry without its bytes, which may be large or sensitive. */
    @Override
    public String toString() {
        return "KvEntry[valueSize=" + value.length + ", contentType=" + contentType
                + ", writtenAt=" + writtenAt + ", expiresAt=" + expiresAt + "]";
    }
}
