package io.spectracache.ingest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.spectracache.errors.RejectReason;
import io.spectracache.events.DeviceEvent;
import io.spectracache.events.GeoPoint;
import io.spectracache.serialization.Json;
import java.io.IOException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns the bytes of one {@code events.raw} record into a {@link DeviceEvent}, or says why it cannot (contract v1).
 *
 * <p>The record must be one JSON object. {@code deviceId} (a non-blank string of at most
 * {@value #MAX_DEVICE_ID_CHARS} characters) and {@code ts} (an ISO-8601 date-time with a zone or offset, or epoch
 * milliseconds as a whole JSON number) are required. {@code eventId} and {@code tenant} are optional strings;
 * {@code metrics} maps names to finite numbers; {@code location} is {@code {"lat": …, "lon": …}}; {@code attributes}
 * maps names to scalars, and numbers and booleans become their JSON text ({@code 3} → {@code "3"}). A JSON
 * {@code null} counts as absent. Unknown fields are skipped. The first problem found decides the reason; the size
 * check comes before any parsing, so an oversized record costs nothing to reject.
 *
 * <p>The record is read once with Jackson's streaming parser, with no tree in between: this runs for every event.
 * Thread-safe; one instance serves any number of threads.
 *
 * <p><b>The canonical form</b> is what {@code spectra.events} carries: the JSON that {@code DeviceEventSerde} writes
 * for the event. One object, no whitespace, the fields in the order {@code deviceId}, {@code ts}, {@code eventId}
 * (if any), {@code tenant} (if any), {@code metrics}, {@code location} (if any), {@code attributes}, none null;
 * {@code ts} as {@link Instant#toString()} writes it (UTC, {@code Z}, a fraction of 0, 3, 6 or 9 digits, the fewest
 * that hold it); numbers as the shortest decimal that reads back as the same double, in Java's
 * {@code Double.toString} layout ({@code 21.5}, {@code 21.0}, {@code 1.0E7}); attribute values as strings; strings
 * with only the escapes JSON requires ({@code \"}, {@code \\}, and control characters, short where JSON has a
 * short form); a string the writer would escape with {@code \\u} (other control characters, characters outside the
 * Basic Multilingual Plane) is never called canonical, as raw bytes may spell the hex digits in either case: such an
 * event is encoded. The members of {@code metrics} and of {@code attributes} may come in any order. While parsing, the
 * validator checks whether the raw bytes already are that form ({@link ValidationResult.Accepted#canonical()}); if so
 * they are written to {@code spectra.events} as they came, else the event is encoded. The check is conservative: a
 * number outside [0.001, 10^7) or with more than 15 significant digits counts as not canonical, and is encoded.
 *
 * <pre>{@code
 * EventValidator validator = new EventValidator(IngestSettings.defaults(), Clock.systemUTC());
 * if (validator.validate(bytes) instanceof ValidationResult.Accepted accepted) {
 *     DeviceEvent event = accepted.event();
 * }
 * }</pre>
 */
public final class EventValidator {
    /** The longest device id accepted: ids become store keys and URL segments. */
    public static final int MAX_DEVICE_ID_CHARS = 256;

    /** How much of an offending value a detail quotes. */
    private static final int QUOTE_CHARS = 64;

    private final IngestSettings settings;
    private final Clock clock;
    private static final long FLOOR_MILLIS = IngestSettings.TIMESTAMP_FLOOR.toEpochMilli();

    private final long maxPastMillis;
    private final long maxFutureMillis;
    private final JsonFactory json = Json.mapper().getFactory();

    public EventValidator(IngestSettings settings, Clock clock) {
        this.settings = requireNonNull(settings, "settings");
        this.clock = requireNonNull(clock, "clock");
        this.maxPastMillis = settings.maxPast().toMillis();
        this.maxFutureMillis = settings.maxFuture().toMillis();
    }

    /** A validator that checks timestamps against the system clock. */
    public EventValidator(IngestSettings settings) {
        this(settings, Clock.systemUTC());
    }

    /**
     * Validates and normalises one record value.
     *
     * @param value the raw bytes; null (a tombstone) is rejected as malformed
     * @return the event or the reason it was rejected; never null, never throws for bad input
     */
    public ValidationResult validate(byte[] value) {
        return validate(value, 0);
    }

    /**
     * As {@link #validate(byte[])} for a record whose headers take {@code headerBytes}: headers travel on with the
     * event through every topic it is written to, so they count towards {@link IngestSettings#maxEventBytes()}.
     */
    public ValidationResult validate(byte[] value, long headerBytes) {
        if (value == null) {
            return new ValidationResult.Rejected(RejectReason.MALFORMED_JSON, "the record has no value");
        }
        if (value.length > settings.maxEventBytes()) {
            return new ValidationResult.Rejected(RejectReason.OVERSIZED,
                    "the record has " + value.length + " bytes, the limit is " + settings.maxEventBytes());
        }
        if (value.length + headerBytes > settings.maxEventBytes()) {
            return new ValidationResult.Rejected(RejectReason.OVERSIZED, "the record has " + value.length
                    + " bytes and its headers about " + headerBytes + ", the limit is " + settings.maxEventBytes()
                    + " for both");
        }
        try (JsonParser parser = json.createParser(value)) {
            Canonical canonical = new Canonical();
            DeviceEvent event = read(parser, canonical);
            return new ValidationResult.Accepted(event, canonical.yes && canonical.length == value.length);
        } catch (Reject reject) {
            return new ValidationResult.Rejected(reject.reason, reject.getMessage());
        } catch (JsonProcessingException e) {
            return new ValidationResult.Rejected(RejectReason.MALFORMED_JSON, "not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            // Parsing a byte array does no I/O; this would be Jackson failing in a way it does not document.
            return new ValidationResult.Rejected(RejectReason.MALFORMED_JSON, "not readable as JSON: " + e.getMessage());
        }
    }

    private DeviceEvent read(JsonParser parser, Canonical canonical) throws IOException, Reject {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new Reject(RejectReason.MALFORMED_JSON, "not a JSON object");
        }
        String deviceId = null;
        Instant ts = null;
        String eventId = null;
        String tenant = null;
        Map<String, Double> metrics = null;
        GeoPoint location = null;
        Map<String, String> attributes = null;
        String field;
        while ((field = parser.nextFieldName()) != null) {
            JsonToken token = parser.nextToken();
            switch (field) {
                case "deviceId" -> {
                    canonical.field(field, 0, token);
                    deviceId = optionalString(parser, token, field);
                    canonical.string(deviceId);
                }
                case "ts" -> {
                    canonical.field(field, 1, token);
                    ts = timestamp(parser, token, canonical);
                }
                case "eventId" -> {
                    canonical.field(field, 2, token);
                    eventId = optionalString(parser, token, field);
                    canonical.string(eventId);
                }
                case "tenant" -> {
                    canonical.field(field, 3, token);
                    tenant = optionalString(parser, token, field);
                    canonical.string(tenant);
                }
                case "metrics" -> {
                    canonical.field(field, 4, token);
                    metrics = metrics(parser, token, canonical);
                }
                case "location" -> {
                    canonical.field(field, 5, token);
                    location = location(parser, token, canonical);
                }
                case "attributes" -> {
                    canonical.field(field, 6, token);
                    attributes = attributes(parser, token, canonical);
                }
                default -> {
                    canonical.yes = false;
                    parser.skipChildren();
                }
            }
        }
        canonical.end();
        // nextFieldName() stopped at the closing brace; anything after it means the bytes are not one object.
        if (parser.nextToken() != null) {
            throw new Reject(RejectReason.MALFORMED_JSON, "unexpected content after the JSON object");
        }
        if (deviceId == null || deviceId.isBlank()) {
            throw new Reject(RejectReason.MISSING_FIELD, "deviceId is required");
        }
        if (deviceId.length() > MAX_DEVICE_ID_CHARS) {
            // No reason fits better: the field, not the record, is too large.
            throw new Reject(RejectReason.OVERSIZED,
                    "deviceId has " + deviceId.length() + " characters, the limit is " + MAX_DEVICE_ID_CHARS);
        }
        if (ts == null) {
            throw new Reject(RejectReason.MISSING_FIELD, "ts is required");
        }
        return new DeviceEvent(deviceId, ts, eventId, tenant, metrics, location, attributes);
    }

    private static String optionalString(JsonParser parser, JsonToken token, String field) throws IOException, Reject {
        return switch (token) {
            case VALUE_STRING -> parser.getText();
            case VALUE_NULL -> null;
            default -> throw wrongType(parser, field, "a string");
        };
    }

    private Instant timestamp(JsonParser parser, JsonToken token, Canonical canonical) throws IOException, Reject {
        Instant ts;
        switch (token) {
            case VALUE_NULL:
                return null;
            case VALUE_STRING:
                String text = parser.getText();
                if (text.isBlank()) {
                    return null;
                }
                ts = parseIso(text);
                if (canonical.yes && IsoInstant.isCanonical(text)) {
                    canonical.length += text.length() + 2;
                } else {
                    canonical.yes = false;
                }
                break;
            case VALUE_NUMBER_INT:
                canonical.yes = false;
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw new Reject(RejectReason.ABSURD_TIMESTAMP, "ts " + quote(parser.getText()) + " is not epoch milliseconds");
                }
                ts = Instant.ofEpochMilli(parser.getLongValue());
                break;
            case VALUE_NUMBER_FLOAT:
                throw new Reject(RejectReason.ABSURD_TIMESTAMP,
                        "ts " + quote(parser.getText()) + " is not a whole number of epoch milliseconds");
            default:
                throw wrongType(parser, "ts", "an ISO-8601 string or epoch milliseconds");
        }
        long now = clock.millis();
        long millis = epochMillis(ts);
        // Differences, not sums, so no setting can overflow the comparison.
        if (millis < FLOOR_MILLIS) {
            throw new Reject(RejectReason.ABSURD_TIMESTAMP, "ts " + ts + " is before " + IngestSettings.TIMESTAMP_FLOOR
                    + " (epoch seconds sent as milliseconds?)");
        }
        if (millis - now > maxFutureMillis) {
            throw new Reject(RejectReason.ABSURD_TIMESTAMP, "ts " + ts + " is more than " + settings.maxFuture()
                    + " after the current time " + Instant.ofEpochMilli(now));
        }
        if (maxPastMillis > 0 && now - millis > maxPastMillis) {
            throw new Reject(RejectReason.ABSURD_TIMESTAMP, "ts " + ts + " is more than " + settings.maxPast()
                    + " before the current time " + Instant.ofEpochMilli(now) + " (spectracache.ingest.max.past.ms)");
        }
        return ts;
    }

    private static long epochMillis(Instant ts) {
        try {
            return ts.toEpochMilli();
        } catch (ArithmeticException e) {
            return ts.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    private static Instant parseIso(String text) throws Reject {
        try {
            Instant fast = IsoInstant.parseCommon(text);
            if (fast != null) {
                return fast;
            }
            // Rare forms: lower-case 't', a region id ("+01:00[Europe/Berlin]"), a leap second...
            return ZonedDateTime.parse(text, DateTimeFormatter.ISO_ZONED_DATE_TIME).toInstant();
        } catch (DateTimeException | ArithmeticException e) {
            throw new Reject(RejectReason.ABSURD_TIMESTAMP,
                    "ts " + quote(text) + " is not an ISO-8601 date-time with a zone or offset");
        }
    }

    private static Map<String, Double> metrics(JsonParser parser, JsonToken token, Canonical canonical)
            throws IOException, Reject {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.START_OBJECT) {
            throw wrongType(parser, "metrics", "an object of numbers");
        }
        Map<String, Double> metrics = new HashMap<>();
        String name;
        while ((name = parser.nextFieldName()) != null) {
            JsonToken value = parser.nextToken();
            if (value != JsonToken.VALUE_NUMBER_INT && value != JsonToken.VALUE_NUMBER_FLOAT) {
                throw wrongType(parser, "metrics." + name, "a number");
            }
            double number = parser.getDoubleValue();
            if (!Double.isFinite(number)) {
                throw new Reject(RejectReason.WRONG_TYPE, "metrics." + name + " is not a finite number");
            }
            canonical.member(name, metrics.isEmpty());
            canonical.number(parser, value, number);
            if (metrics.put(name, number) != null) {
                canonical.yes = false; // a repeated name: the last one wins, and only it is written
            }
        }
        canonical.length += 2;
        return metrics;
    }

    private static GeoPoint location(JsonParser parser, JsonToken token, Canonical canonical)
            throws IOException, Reject {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.START_OBJECT) {
            throw wrongType(parser, "location", "an object with lat and lon");
        }
        double lat = Double.NaN;
        double lon = Double.NaN;
        String name;
        int members = 0;
        while ((name = parser.nextFieldName()) != null) {
            JsonToken value = parser.nextToken();
            switch (name) {
                case "lat" -> {
                    lat = coordinate(parser, value, "lat");
                    canonical.yes &= members == 0;
                    canonical.member(name, true);
                    canonical.number(parser, value, lat);
                }
                case "lon" -> {
                    lon = coordinate(parser, value, "lon");
                    canonical.yes &= members == 1;
                    canonical.member(name, false);
                    canonical.number(parser, value, lon);
                }
                default -> {
                    canonical.yes = false;
                    parser.skipChildren(); // altitude, accuracy...: kept out of v1, never an error
                }
            }
            members++;
        }
        canonical.length += 2;
        if (Double.isNaN(lat) || Double.isNaN(lon)) {
            throw new Reject(RejectReason.INVALID_COORDINATES, "location needs both lat and lon");
        }
        if (lat < -90.0 || lat > 90.0 || lon < -180.0 || lon > 180.0) {
            throw new Reject(RejectReason.INVALID_COORDINATES,
                    "location (" + lat + ", " + lon + ") is outside lat [-90, 90], lon [-180, 180]");
        }
        return new GeoPoint(lat, lon);
    }

    private static double coordinate(JsonParser parser, JsonToken token, String name) throws IOException, Reject {
        if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new Reject(RejectReason.INVALID_COORDINATES, "location." + name + " is not a number");
        }
        double value = parser.getDoubleValue();
        if (!Double.isFinite(value)) {
            throw new Reject(RejectReason.INVALID_COORDINATES, "location." + name + " is not finite");
        }
        return value;
    }

    private static Map<String, String> attributes(JsonParser parser, JsonToken token, Canonical canonical)
            throws IOException, Reject {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.START_OBJECT) {
            throw wrongType(parser, "attributes", "an object of scalars");
        }
        Map<String, String> attributes = new HashMap<>();
        String name;
        while ((name = parser.nextFieldName()) != null) {
            JsonToken value = parser.nextToken();
            switch (value) {
                // The JSON text, not a re-printed double: "1.10" stays "1.10", 12345678901234567890 stays exact.
                case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> {
                    String text = parser.getText();
                    canonical.member(name, attributes.isEmpty());
                    if (value == JsonToken.VALUE_STRING) {
                        canonical.string(text);
                    } else {
                        canonical.yes = false; // written as a string
                    }
                    if (attributes.put(name, text) != null) {
                        canonical.yes = false;
                    }
                }
                case VALUE_NULL -> {
                    // An attribute set to null is an attribute not set.
                    canonical.yes = false;
                }
                default -> throw wrongType(parser, "attributes." + name, "a string, number or boolean");
            }
        }
        canonical.length += 2;
        return attributes;
    }

    private static Reject wrongType(JsonParser parser, String field, String expected) {
        return new Reject(RejectReason.WRONG_TYPE, field + " must be " + expected + ", was " + describe(parser.currentToken()));
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
    }

    private static String quote(String text) {
        String shown = text.length() <= QUOTE_CHARS ? text : text.substring(0, QUOTE_CHARS) + "…";
        return '"' + shown + '"';
    }

    /**
     * Whether the bytes read so far are the canonical form, and how long that form is: if every token has its
     * canonical text and the total matches the record's length, nothing else (whitespace, escapes) is in the bytes.
     */
    static final class Canonical {
        boolean yes = true;
        /** The canonical length of what was read: starts with the object's braces. */
        long length = 2;
        private int lastField = -1;
        private int fields;
        /** One bit per rank seen. */
        private int seen;

        /** A top-level field of the given rank in the canonical order, about to be read; null is never canonical. */
        void field(String name, int rank, JsonToken token) {
            if (rank <= lastField || token == JsonToken.VALUE_NULL) {
                yes = false;
            }
            lastField = rank;
            seen |= 1 << rank;
            member(name, fields++ == 0);
        }

        /** A member name in an object, with its colon and (unless it is the first) the comma before it. */
        void member(String name, boolean first) {
            if (yes) {
                length += quotedLength(name) + 1 + (first ? 0 : 1);
            }
        }

        void string(String value) {
            if (yes && value != null) {
                length += quotedLength(value);
            }
        }

        void number(JsonParser parser, JsonToken token, double value) throws IOException {
            if (!yes) {
                return;
            }
            if (token != JsonToken.VALUE_NUMBER_FLOAT
                    || !isCanonicalDouble(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength(), value)) {
                yes = false;
                return;
            }
            length += parser.getTextLength();
        }

        /** The object ended: the writer always writes deviceId, ts, and metrics and attributes even when empty. */
        void end() {
            int always = 1 << 0 | 1 << 1 | 1 << 4 | 1 << 6;
            if ((seen & always) != always) {
                yes = false;
            }
        }

        /** Longer than any record, so the length check fails. */
        private static final long NOT_CANONICAL = Long.MAX_VALUE / 4;

        /**
         * The length of {@code s} as the writer quotes it (UTF-8, JSON's required escapes only), or
         * {@link #NOT_CANONICAL} if the writer would use a {@code \\u} escape.
         */
        private static long quotedLength(String s) {
            long n = 2;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    if (c < 0x20) {
                        if (c != '\b' && c != '\t' && c != '\n' && c != '\f' && c != '\r') {
                            // Written as a \\u escape, whose hex digits the raw bytes may spell in either case.
                            return NOT_CANONICAL;
                        }
                        n += 2;
                    } else {
                        n += c == '"' || c == '\\' ? 2 : 1;
                    }
                } else if (c < 0x800) {
                    n += 2;
                } else if (Character.isSurrogate(c)) {
                    // Outside the Basic Multilingual Plane: Jackson writes two \\u escapes (hex in either case in
                    // the raw bytes, or 4 bytes of UTF-8): encoded, never forwarded.
                    return NOT_CANONICAL;
                } else {
                    n += 3;
                }
            }
            return n;
        }

        /**
         * Whether {@code text} is exactly what the writer prints for {@code value}, decided without printing it: plain
         * decimal notation, at least one fraction digit and no trailing zero (but {@code 21.0}), at most 15
         * significant digits (so it is the only decimal of that length that reads back as {@code value}, and the
         * shortest), within [0.001, 10^7), where the writer uses plain notation.
         */
        static boolean isCanonicalDouble(char[] text, int offset, int length, double value) {
            double magnitude = Math.abs(value);
            if (!(magnitude >= 1e-3 && magnitude < 1e7) || length == 0) {
                return false;
            }
            int i = offset;
            int end = offset + length;
            if (text[i] == '-') {
                i++;
            }
            int intStart = i;
            while (i < end && isDigit(text[i])) {
                i++;
            }
            int intDigits = i - intStart;
            if (intDigits == 0 || (intDigits > 1 && text[intStart] == '0') || i >= end || text[i] != '.') {
                return false;
            }
            int fracStart = ++i;
            while (i < end && isDigit(text[i])) {
                i++;
            }
            int fracDigits = end - fracStart;
            if (i != end || fracDigits == 0) {
                return false;
            }
            boolean zeroFraction = fracDigits == 1 && text[fracStart] == '0';
            if (!zeroFraction && text[end - 1] == '0') {
                return false;
            }
            int significant;
            if (intDigits == 1 && text[intStart] == '0') {
                int leadingZeros = 0;
                while (leadingZeros < fracDigits && text[fracStart + leadingZeros] == '0') {
                    leadingZeros++;
                }
                significant = fracDigits - leadingZeros;
            } else {
                significant = intDigits + (zeroFraction ? 0 : fracDigits);
            }
            return significant <= 15;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }

    /** Why a record is rejected, as control flow. No stack trace: rejects are routine and must be cheap. */
    private static final class Reject extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient RejectReason reason;

        Reject(RejectReason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }

    /**
     * Parses the form nearly every producer sends, {@code 2026-11-24T19:00:00.123Z} or with a {@code ±hh:mm} offset,
     * without {@code DateTimeFormatter}, which costs about a microsecond per event.
     */
    static final class IsoInstant {
        private IsoInstant() {
        }

        /**
         * The instant, or null if the text is not in the common form (the caller then tries the full ISO parser).
         *
         * @throws DateTimeException if the text has the common form but impossible values (month 13)
         */
        static Instant parseCommon(String s) {
            int n = s.length();
            if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                    || s.charAt(13) != ':' || s.charAt(16) != ':') {
                return null;
            }
            int year = digits(s, 0, 4);
            int month = digits(s, 5, 7);
            int day = digits(s, 8, 10);
            int hour = digits(s, 11, 13);
            int minute = digits(s, 14, 16);
            int second = digits(s, 17, 19);
            if ((year | month | day | hour | minute | second) < 0) {
                return null;
            }
            int pos = 19;
            int nanos = 0;
            if (s.charAt(pos) == '.') {
                int start = ++pos;
                while (pos < n && pos - start < 9 && isDigit(s.charAt(pos))) {
                    nanos = nanos * 10 + (s.charAt(pos) - '0');
                    pos++;
                }
                int count = pos - start;
                if (count == 0) {
                    return null;
                }
                for (int i = count; i < 9; i++) {
                    nanos *= 10;
                }
            }
            int offsetSeconds;
            if (pos == n - 1 && s.charAt(pos) == 'Z') {
                offsetSeconds = 0;
            } else if (pos == n - 6 && (s.charAt(pos) == '+' || s.charAt(pos) == '-') && s.charAt(pos + 3) == ':') {
                int hh = digits(s, pos + 1, pos + 3);
                int mm = digits(s, pos + 4, pos + 6);
                if ((hh | mm) < 0 || hh > 18 || mm > 59) {
                    return null;
                }
                offsetSeconds = (s.charAt(pos) == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
            } else {
                return null;
            }
            // LocalDateTime.of validates every field (February 30th throws), which is all the checking we need.
            long epochSecond = LocalDateTime.of(year, month, day, hour, minute, second)
                    .toEpochSecond(ZoneOffset.ofTotalSeconds(offsetSeconds));
            return Instant.ofEpochSecond(epochSecond, nanos);
        }

        /**
         * Whether {@code s}, already parsed, is exactly what {@link Instant#toString()} prints for it: UTC with
         * {@code Z}, and a fraction of 0, 3, 6 or 9 digits, the fewest that hold it (so {@code .120}, never
         * {@code .12} or {@code .120000}).
         */
        static boolean isCanonical(String s) {
            int n = s.length();
            if (n < 20 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                    || s.charAt(13) != ':' || s.charAt(16) != ':') {
                return false;
            }
            return switch (n) {
                case 20 -> true;
                case 24, 27, 30 -> s.charAt(19) == '.' && !(s.charAt(n - 2) == '0' && s.charAt(n - 3) == '0' && s.charAt(n - 4) == '0');
                default -> false;
            };
        }

        private static int digits(String s, int from, int to) {
            int value = 0;
            for (int i = from; i < to; i++) {
                char c = s.charAt(i);
                if (!isDigit(c)) {
                    return -1;
                }
                value = value * 10 + (c - '0');
            }
            return value;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }
}
