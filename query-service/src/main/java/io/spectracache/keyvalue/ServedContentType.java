package io.spectracache.keyvalue;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a stored value's content type is served by {@code GET /v1/kv/{key}}, so that no value is ever rendered as active
 * content on our origin (the dashboard's): anyone who may write a value could otherwise store a page with scripts.
 *
 * <ul>
 *   <li>A content type on the short inline list ({@link #INLINE}: plain text, JSON, bytes, PNG/JPEG/GIF/WebP) is served
 *       as stored.</li>
 *   <li>Any other (HTML, SVG, any XML, JavaScript, PDF, anything unknown) is served with {@code Content-Disposition:
 *       attachment}: a browser saves it instead of showing it.</li>
 *   <li>A content type that is not a well-formed header value ({@code type/subtype *(; name=value)}, visible ASCII) is
 *       cut to its {@code type/subtype} if that part is well-formed, else served as {@code application/octet-stream};
 *       either way as an attachment. Writes over Kafka may carry any bytes in their {@code content-type} header.</li>
 * </ul>
 * The route adds {@code Content-Security-Policy: sandbox} to every value and the server {@code X-Content-Type-Options:
 * nosniff} to every answer, so even a value shown inline cannot run scripts or be sniffed into HTML.
 *
 * @param contentType what the answer's {@code Content-Type} says, never null
 * @param attachment  true when the answer must carry {@code Content-Disposition: attachment}
 */
record ServedContentType(String contentType, boolean attachment) {
    /** Types a browser shows without running anything. */
    static final Set<String> INLINE = Set.of("text/plain", "application/json", "application/octet-stream",
            "image/png", "image/jpeg", "image/gif", "image/webp");
    static final String BYTES = "application/octet-stream";

    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final String QUOTED = "\"(?:[\\t !#-\\[\\]-~]|\\\\[\\t -~])*\"";
    private static final Pattern MEDIA_TYPE = Pattern.compile(TOKEN + "/" + TOKEN);
    private static final Pattern WELL_FORMED = Pattern.compile(
            TOKEN + "/" + TOKEN + "(?:[ \\t]*;[ \\t]*" + TOKEN + "=(?:" + TOKEN + "|" + QUOTED + "))*");

    ServedContentType {
        java.util.Objects.requireNonNull(contentType, "contentType");
    }

    /** How a value stored with {@code stored} (null: none given) is served. */
    static ServedContentType of(String stored) {
        if (stored == null || stored.isBlank()) {
            return new ServedContentType(BYTES, false);
        }
        String trimmed = stored.strip();
        int semicolon = trimmed.indexOf(';');
        String mediaType = (semicolon < 0 ? trimmed : trimmed.substring(0, semicolon)).strip();
        if (!MEDIA_TYPE.matcher(mediaType).matches()) {
            return new ServedContentType(BYTES, true);
        }
        if (!WELL_FORMED.matcher(trimmed).matches()) {
            return new ServedContentType(mediaType, true);
        }
        return new ServedContentType(trimmed, !INLINE.contains(mediaType.toLowerCase(Locale.ROOT)));
    }
}
