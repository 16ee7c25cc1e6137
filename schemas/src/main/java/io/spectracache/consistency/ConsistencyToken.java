package io.spectracache.consistency;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Proof of one write: the partition and offset of its record in an input topic. A read that passes the token
 * back ({@code ?after=<token>}) is answered only from state that includes that write.
 *
 * <p>The text form is opaque to clients; {@link #encode()} and {@link #decode(String)} are inverse.
 * <pre>{@code String token = ConsistencyToken.of("spectra.kv.writes", 2, 1041).encode();}</pre>
 */
public record ConsistencyToken(String topic, int partition, long offset) {
    private static final String VERSION = "v1";

    public ConsistencyToken {
        requireNonNull(topic, "topic");
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException("partition and offset must not be negative");
        }
    }

    public static ConsistencyToken of(String topic, int partition, long offset) {
        return new ConsistencyToken(topic, partition, offset);
    }

    /** The opaque, URL-safe text form. */
    public String encode() {
        String plain = VERSION + ':' + partition + ':' + offset + ':' + topic;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a token produced by {@link #encode()}.
     *
     * @throws IllegalArgumentException if the text is not such a token
     */
    public static ConsistencyToken decode(String text) {
        requireNonNull(text, "text");
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            String[] parts = plain.split(":", 4);
            if (parts.length != 4 || !VERSION.equals(parts[0])) {
                throw new IllegalArgumentException("not a consistency token: " + text);
            }
            return new ConsistencyToken(parts[3], Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a consistency token: " + text, e);
        }
    }
}
