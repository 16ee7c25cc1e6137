package io.spectracache.rest;

import io.spectracache.errors.InvalidRequestException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Refuses a query string whose parameters cannot be decoded exactly. Javalin (like {@code URLDecoder}) drops a parameter
 * with a broken escape such as {@code ?prefix=%G1} and reads invalid UTF-8 as U+FFFD, so a scan would silently answer
 * every key, or another key's entries; here such a request is a 400 that names the parameter.
 */
final class QueryStrings {
    private QueryStrings() {
    }

    /**
     * Checks every name and value of a raw (still encoded) query string.
     *
     * @throws InvalidRequestException naming the first parameter that is not percent-encoded UTF-8
     */
    static void requireDecodable(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return;
        }
        for (String pair : rawQuery.split("&", -1)) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String problem = problemOf(name);
            if (problem != null) {
                throw new InvalidRequestException("a query parameter name is not valid URL encoding (" + problem + "): "
                        + HOW);
            }
            if (equals >= 0) {
                problem = problemOf(pair.substring(equals + 1));
                if (problem != null) {
                    throw new InvalidRequestException(RestErrors.shown(decodeLeniently(name)) + ": not valid URL encoding ("
                            + problem + "): " + HOW);
                }
            }
        }
    }

    private static final String HOW = "percent-encode each UTF-8 byte as % and two hex digits "
            + "(curl -G --data-urlencode 'prefix=...', JavaScript encodeURIComponent)";

    /** What is wrong with one encoded component, or null when it decodes exactly. */
    static String problemOf(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        int plain = 0; // start of the run of characters not yet copied
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c != '%' && c != '+') {
                continue;
            }
            bytes.writeBytes(encoded.substring(plain, i).getBytes(StandardCharsets.UTF_8));
            if (c == '+') {
                bytes.write(' ');
            } else {
                if (i + 2 >= encoded.length()) {
                    return "'" + encoded.substring(i) + "' is a % without two hex digits";
                }
                int high = hex(encoded.charAt(i + 1));
                int low = hex(encoded.charAt(i + 2));
                if (high < 0 || low < 0) {
                    return "'" + encoded.substring(i, i + 3) + "' is a % without two hex digits";
                }
                bytes.write(high << 4 | low);
                i += 2;
            }
            plain = i + 1;
        }
        bytes.writeBytes(encoded.substring(plain).getBytes(StandardCharsets.UTF_8));
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()));
            return null;
        } catch (CharacterCodingException e) {
            return "its bytes are not UTF-8";
        }
    }

    // ASCII hex only: Character.digit would also take other scripts' digits.
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    // Only to name a parameter in a message; invalid escapes are shown as sent.
    private static String decodeLeniently(String encoded) {
        try {
            return java.net.URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return encoded;
        }
    }
}
