package io.spectracache.keyvalue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The one key model and the limits of a cache write, whichever way it arrives: {@code PUT /v1/kv/{key}} or a record
 * on {@code kv.writes}. A write that breaks them is refused by REST (400/413) and dead-lettered by the topology
 * ({@code spectra.kv.writes.dlq}); either way it never reaches the store.
 *
 * <ul>
 *   <li>Key: 1 to {@value #MAX_KEY_CHARS} characters (UTF-16 code units, as Java and JavaScript count them), and on
 *       Kafka valid UTF-8: bytes that are not are rejected, never decoded to U+FFFD, so two different keys can
 *       never become one.
 *   <li>TTL: a whole number of seconds from {@value #MIN_TTL_SECONDS} to {@link #MAX_TTL_SECONDS} (3,650 days), as
 *       ASCII digits in header {@code spectra.ttl}.
 *   <li>Stored size: the key's UTF-8 bytes plus the encoded entry ({@link #storedBytes}) must fit in one record of
 *       the store's changelog, i.e. what Kafka Streams' producer sends ({@code RecordLimits}).
 * </ul>
 *
 * <pre>{@code
 * String problem = KvWriteRules.keyProblem(key);
 * if (problem != null) throw new InvalidRequestException("key: " + problem);
 * }</pre>
 */
public final class KvWriteRules {
    /** The longest key, in UTF-16 code units: at most 3 KiB of UTF-8. */
    public static final int MAX_KEY_CHARS = 1024;
    /** The shortest TTL: one second. */
    public static final long MIN_TTL_SECONDS = 1;
    /** The longest TTL: 3,650 days. */
    public static final long MAX_TTL_SECONDS = Duration.ofDays(3650).toSeconds();
    private static final int MAX_TTL_DIGITS = Long.toString(MAX_TTL_SECONDS).length();

    private KvWriteRules() {
    }

    /** Why {@code key} is not a cache key, as a sentence for a person; null when it is one. */
    public static String keyProblem(String key) {
        if (key == null) {
            return "a cache write needs a key";
        }
        if (key.isEmpty() || key.length() > MAX_KEY_CHARS) {
            return "a cache key is 1 to " + MAX_KEY_CHARS + " characters, this one has " + key.length();
        }
        return null;
    }

    /** The key these bytes encode in UTF-8, or null if they are not valid UTF-8 (never U+FFFD in their place). */
    public static String decodeKey(byte[] utf8) {
        if (utf8 == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * The TTL in seconds these ASCII digits give, or -1 if they are not one: empty, a sign, a space, a fraction,
     * or outside {@value #MIN_TTL_SECONDS}..{@link #MAX_TTL_SECONDS}.
     */
    public static long ttlSeconds(byte[] ascii) {
        if (ascii == null || ascii.length == 0 || ascii.length > MAX_TTL_DIGITS) {
            return -1;
        }
        long seconds = 0;
        for (byte digit : ascii) {
            if (digit < '0' || digit > '9') {
                return -1;
            }
            seconds = seconds * 10 + (digit - '0');
        }
        return seconds >= MIN_TTL_SECONDS && seconds <= MAX_TTL_SECONDS ? seconds : -1;
    }

    /**
     * The bytes the store's changelog record of this entry takes: the key's UTF-8 bytes plus the encoded
     * {@link KvEntry} (18 bytes of version, flags and times, the content type with its length, the value).
     *
     * @param contentType may be null
     */
    public static long storedBytes(String key, int valueBytes, String contentType) {
        return (long) key.getBytes(StandardCharsets.UTF_8).length + KvEntrySerde.encodedSize(valueBytes, contentType);
    }
}
