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
            return new ValidationResult.Accepted(read(parser));
        } catch (Reject reject) {
            return new ValidationResult.Rejected(reject.reason, reject.getMessage());
        } catch (JsonProcessingException e) {
            return new ValidationResult.Rejected(RejectReason.MALFORMED_JSON, "not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            // Parsing a byte array does no I/O; this would be Jackson failing in a way it does not document.
            return new ValidationResult.Rejected(RejectReason.MALFORMED_JSON, "not readable as JSON: " + e.getMessage());
        }
    }

    private DeviceEvent read(JsonParser parser) throws IOException, Reject {
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
                case "deviceId" -> deviceId = optionalString(parser, token, field);
                case "ts" -> ts = timestamp(parser, token);
                case "eventId" -> eventId = optionalString(parser, token, field);
                case "tenant" -> tenant = optionalString(parser, token, field);
                case "metrics" -> metrics = metrics(parser, token);
                case "location" -> location = location(parser, token);
                case "attributes" -> attributes = attributes(parser, token);
                default -> parser.skipChildren();
            }
        }
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

    private Instant timestamp(JsonParser parser, JsonToken token) throws IOException, Reject {
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
                break;
            case VALUE_NUMBER_INT:
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

    private static Map<String, Double> metrics(JsonParser parser, JsonToken token) throws IOException, Reject {
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
            metrics.put(name, number);
        }
        return metrics;
    }

    private static GeoPoint location(JsonParser parser, JsonToken token) throws IOException, Reject {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.START_OBJECT) {
            throw wrongType(parser, "location", "an object with lat and lon");
        }
        double lat = Double.NaN;
        double lon = Double.NaN;
        String name;
        while ((name = parser.nextFieldName()) != null) {
            JsonToken value = parser.nextToken();
            switch (name) {
                case "lat" -> lat = coordinate(parser, value, "lat");
                case "lon" -> lon = coordinate(parser, value, "lon");
                default -> parser.skipChildren(); // altitude, accuracy...: kept out of v1, never an error
            }
        }
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

    private static Map<String, String> attributes(JsonParser parser, JsonToken token) throws IOException, Reject {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.START_OBJECT) {
            throw wrongType(parser, "attributes", "an object of scalars");
        }
        Map<String, String> attributes = new HashMap<>();
        String name;
        while ((name = parser.nextFieldName()) != null) {
            switch (parser.nextToken()) {
                // The JSON text, not a re-printed double: "1.10" stays "1.10", 12345678901234567890 stays exact.
                case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE ->
                        attributes.put(name, parser.getText());
                case VALUE_NULL -> {
                    // An attribute set to null is an attribute not set.
                }
                default -> throw wrongType(parser, "attributes." + name, "a string, number or boolean");
            }
        }
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
