package io.spectracache.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.errors.RejectReason;
import io.spectracache.events.DeviceEvent;
import io.spectracache.events.GeoPoint;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventValidatorTest {
    private static final Instant NOW = Instant.parse("2026-11-24T19:00:00Z");
    private final EventValidator validator =
            new EventValidator(IngestSettings.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));

    private ValidationResult validate(String json) {
        return validator.validate(json.getBytes(StandardCharsets.UTF_8));
    }

    private DeviceEvent accepted(String json) {
        ValidationResult result = validate(json);
        assertThat(result).isInstanceOf(ValidationResult.Accepted.class);
        return ((ValidationResult.Accepted) result).event();
    }

    private ValidationResult.Rejected rejected(String json) {
        ValidationResult result = validate(json);
        assertThat(result).isInstanceOf(ValidationResult.Rejected.class);
        return (ValidationResult.Rejected) result;
    }

    @Test
    void shouldAcceptTheContractExampleWithEveryField() {
        DeviceEvent event = accepted("""
                {"deviceId": "truck-0042", "ts": "2026-11-24T18:59:00.123Z", "eventId": "9f0c", "tenant": "acme",
                 "metrics": {"temp": 21.5, "speed": 63}, "location": {"lat": 52.52, "lon": 13.405},
                 "attributes": {"fw": "1.2.3", "region": "eu"}}""");

        assertThat(event).isEqualTo(new DeviceEvent("truck-0042", Instant.parse("2026-11-24T18:59:00.123Z"), "9f0c",
                "acme", Map.of("temp", 21.5, "speed", 63.0), new GeoPoint(52.52, 13.405),
                Map.of("fw", "1.2.3", "region", "eu")));
    }

    @Test
    void shouldAcceptOnlyTheRequiredFieldsWithEmptyMapsAndNullOptionals() {
        DeviceEvent event = accepted("{\"deviceId\":\"m-1\",\"ts\":\"2026-11-24T18:00:00Z\"}");

        assertThat(event.metrics()).isEmpty();
        assertThat(event.attributes()).isEmpty();
        assertThat(event.eventId()).isNull();
        assertThat(event.tenant()).isNull();
        assertThat(event.location()).isNull();
    }

    @Test
    void shouldReadEpochMillisecondsAsTheTimestamp() {
        long millis = NOW.minusSeconds(60).toEpochMilli();

        assertThat(accepted("{\"deviceId\":\"d\",\"ts\":" + millis + "}").ts()).isEqualTo(Instant.ofEpochMilli(millis));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2026-11-24T18:59:00Z              | 2026-11-24T18:59:00Z",
            "2026-11-24T18:59:00.5Z            | 2026-11-24T18:59:00.500Z",
            "2026-11-24T18:59:00.123456789Z    | 2026-11-24T18:59:00.123456789Z",
            "2026-11-24T19:59:00+01:00         | 2026-11-24T18:59:00Z",
            "2026-11-24T13:29:00.250-05:30     | 2026-11-24T18:59:00.250Z",
            "2026-11-24T19:59:00+01:00[Europe/Berlin] | 2026-11-24T18:59:00Z",
            "2026-11-24T18:59Z                 | 2026-11-24T18:59:00Z"})
    void shouldNormaliseIsoTimestampsWithAnyOffsetToTheSameInstant(String ts, String expected) {
        assertThat(accepted("{\"deviceId\":\"d\",\"ts\":\"" + ts + "\"}").ts()).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"2026-11-24T18:59:00\"", "\"yesterday\"", "\"2026-02-30T10:00:00Z\"",
            "\"2026-11-24T25:00:00Z\"", "1.7e12", "123456789012345678901234567890"})
    void shouldRejectUnparseableTimestampsAsAbsurd(String ts) {
        assertThat(rejected("{\"deviceId\":\"d\",\"ts\":" + ts + "}").reason()).isEqualTo(RejectReason.ABSURD_TIMESTAMP);
    }

    @Test
    void shouldRejectTimestampsOutsideTheSanityRangeAsAbsurd() {
        String tooNew = NOW.plus(Duration.ofMinutes(10)).plusMillis(1).toString();
        String newest = NOW.plus(Duration.ofMinutes(10)).toString();

        assertThat(rejected("{\"deviceId\":\"d\",\"ts\":\"" + tooNew + "\"}").reason())
                .isEqualTo(RejectReason.ABSURD_TIMESTAMP);
        assertThat(accepted("{\"deviceId\":\"d\",\"ts\":\"" + newest + "\"}").ts()).isEqualTo(Instant.parse(newest));
        assertThat(rejected("{\"deviceId\":\"d\",\"ts\":\"1999-12-31T23:59:59.999Z\"}").reason())
                .isEqualTo(RejectReason.ABSURD_TIMESTAMP);
        // Epoch seconds sent by mistake read as January 1970: absurd, not silently wrong.
        assertThat(rejected("{\"deviceId\":\"d\",\"ts\":" + NOW.getEpochSecond() + "}").reason())
                .isEqualTo(RejectReason.ABSURD_TIMESTAMP);
    }

    @Test
    void shouldAcceptABackfillOfAnyAgeSinceTheFloorByDefault() {
        for (String old : new String[] {NOW.minus(Duration.ofDays(8)).toString(), NOW.minus(Duration.ofDays(400)).toString(),
            "2000-01-01T00:00:00Z"}) {
            assertThat(accepted("{\"deviceId\":\"d\",\"ts\":\"" + old + "\"}").ts()).isEqualTo(Instant.parse(old));
        }
    }

    @Test
    void shouldRejectEventsOlderThanAConfiguredMaxPast() {
        EventValidator strict = new EventValidator(IngestSettings.defaults().withMaxPast(Duration.ofDays(7)),
                Clock.fixed(NOW, ZoneOffset.UTC));
        String tooOld = NOW.minus(Duration.ofDays(7)).minusMillis(1).toString();
        String oldest = NOW.minus(Duration.ofDays(7)).toString();

        assertThat(strict.validate(("{\"deviceId\":\"d\",\"ts\":\"" + tooOld + "\"}").getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new ValidationResult.Rejected(RejectReason.ABSURD_TIMESTAMP, "ts " + tooOld
                        + " is more than PT168H before the current time " + NOW + " (spectracache.ingest.max.past.ms)"));
        assertThat(strict.validate(("{\"deviceId\":\"d\",\"ts\":\"" + oldest + "\"}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ValidationResult.Accepted.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "not json", "{\"deviceId\":\"d\",", "[1,2]", "\"a string\"", "42",
            "{\"deviceId\":\"d\",\"ts\":\"2026-11-24T18:59:00Z\"} trailing", "{\"deviceId\":\"d\"}{}",
            "{\"deviceId\":'single-quoted'}", "{\"metrics\":{\"t\":NaN}}"})
    void shouldRejectBytesThatAreNotOneJsonObjectAsMalformed(String text) {
        assertThat(rejected(text).reason()).isEqualTo(RejectReason.MALFORMED_JSON);
    }

    @Test
    void shouldRejectANullValueAsMalformed() {
        assertThat(validator.validate(null)).isEqualTo(
                new ValidationResult.Rejected(RejectReason.MALFORMED_JSON, "the record has no value"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"ts\":\"2026-11-24T18:59:00Z\"}", "{\"deviceId\":null,\"ts\":\"2026-11-24T18:59:00Z\"}",
            "{\"deviceId\":\"  \",\"ts\":\"2026-11-24T18:59:00Z\"}", "{\"deviceId\":\"d\"}",
            "{\"deviceId\":\"d\",\"ts\":null}", "{\"deviceId\":\"d\",\"ts\":\"\"}"})
    void shouldRejectAnAbsentOrEmptyRequiredFieldAsMissing(String json) {
        assertThat(rejected(json).reason()).isEqualTo(RejectReason.MISSING_FIELD);
    }

    @Test
    void shouldNameTheMissingFieldInTheDetail() {
        assertThat(rejected("{\"ts\":\"2026-11-24T18:59:00Z\"}").detail()).contains("deviceId");
        assertThat(rejected("{\"deviceId\":\"d\"}").detail()).contains("ts");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"deviceId\":42", "\"deviceId\":{\"id\":1}", "\"eventId\":7", "\"tenant\":true",
            "\"ts\":{\"s\":1}", "\"metrics\":{\"temp\":\"hot\"}", "\"metrics\":{\"temp\":null}",
            "\"metrics\":{\"temp\":[1]}", "\"metrics\":{\"temp\":1e999}", "\"metrics\":[1,2]", "\"metrics\":\"x\"",
            "\"attributes\":{\"fw\":{\"major\":1}}", "\"attributes\":{\"fw\":[1]}", "\"attributes\":\"fw\"",
            "\"location\":\"52.5,13.4\""})
    void shouldRejectAFieldOfTheWrongJsonTypeAsWrongType(String field) {
        String json = "{\"deviceId\":\"d\",\"ts\":\"2026-11-24T18:59:00Z\"," + field + "}";

        assertThat(rejected(json).reason()).isEqualTo(RejectReason.WRONG_TYPE);
    }

    @Test
    void shouldNameTheFieldAndTheTypeFoundInAWrongTypeDetail() {
        String json = "{\"deviceId\":\"d\",\"ts\":\"2026-11-24T18:59:00Z\",\"metrics\":{\"temp\":\"hot\"}}";

        assertThat(rejected(json).detail()).isEqualTo("metrics.temp must be a number, was a string");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"lat\":91,\"lon\":13}", "{\"lat\":-90.5,\"lon\":13}", "{\"lat\":52,\"lon\":180.01}",
            "{\"lat\":52,\"lon\":-181}", "{\"lat\":52}", "{\"lon\":13}", "{}", "{\"lat\":\"52\",\"lon\":13}",
            "{\"lat\":52,\"lon\":null}", "{\"lat\":1e999,\"lon\":13}"})
    void shouldRejectAMissingOrOutOfRangeCoordinateAsInvalidCoordinates(String location) {
        String json = "{\"deviceId\":\"d\",\"ts\":\"2026-11-24T18:59:00Z\",\"location\":" + location + "}";

        assertThat(rejected(json).reason()).isEqualTo(RejectReason.INVALID_COORDINATES);
    }

    @Test
    void shouldAcceptCoordinatesOnTheEdgesOfTheirRanges() {
        DeviceEvent event = accepted("{\"deviceId\":\"d\",\"ts\":\"2026-11-24T18:59:00Z\","
                + "\"location\":{\"lat\":-90,\"lon\":180,\"alt\":34.5}}");

        assertThat(event.location()).isEqualTo(new GeoPoint(-90, 180));
    }

    @Test
    void shouldRejectARecordLargerThanTheLimitAsOversizedBeforeParsingIt() {
        EventValidator small = new EventValidator(IngestSettings.defaults().withMaxEventBytes(64),
                Clock.fixed(NOW, ZoneOffset.UTC));
        byte[] garbage = new byte[65];

        ValidationResult result = small.validate(garbage);

        assertThat(result).isEqualTo(new ValidationResult.Rejected(RejectReason.OVERSIZED,
                "the record has 65 bytes, the limit is 64"));
        assertThat(small.validate(new byte[64])).extracting(r -> ((ValidationResult.Rejected) r).reason())
                .isEqualTo(RejectReason.MALFORMED_JSON);
    }

    @Test
    void shouldRejectADeviceIdLongerThanTheLimit() {
        String longest = "d".repeat(EventValidator.MAX_DEVICE_ID_CHARS);

        assertThat(accepted("{\"deviceId\":\"" + longest + "\",\"ts\":\"2026-11-24T18:59:00Z\"}").deviceId())
                .isEqualTo(longest);
        assertThat(rejected("{\"deviceId\":\"" + longest + "d\",\"ts\":\"2026-11-24T18:59:00Z\"}").reason())
                .isEqualTo(RejectReason.OVERSIZED);
    }

    @Test
    void shouldIgnoreUnknownFieldsOfAnyShape() {
        DeviceEvent event = accepted("""
                {"schema": 2, "deviceId": "d", "extra": {"nested": [1, {"deep": null}]}, "ts": "2026-11-24T18:59:00Z",
                 "tags": ["a", "b"], "flag": true, "nothing": null}""");

        assertThat(event).isEqualTo(DeviceEvent.of("d", Instant.parse("2026-11-24T18:59:00Z"), Map.of()));
    }

    @Test
    void shouldNormaliseScalarAttributesToTheirJsonText() {
        DeviceEvent event = accepted("""
                {"deviceId": "d", "ts": "2026-11-24T18:59:00Z", "attributes": {"fw": "1.2.3", "rev": 7,
                 "ratio": 1.10, "big": 12345678901234567890, "active": true, "sleeping": false, "gone": null}}""");

        assertThat(event.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of("fw", "1.2.3", "rev", "7",
                "ratio", "1.10", "big", "12345678901234567890", "active", "true", "sleeping", "false"));
    }

    @Test
    void shouldTreatNullOptionalFieldsAsAbsent() {
        DeviceEvent event = accepted("""
                {"deviceId": "d", "ts": "2026-11-24T18:59:00Z", "eventId": null, "tenant": null,
                 "metrics": null, "location": null, "attributes": null}""");

        assertThat(event).isEqualTo(DeviceEvent.of("d", Instant.parse("2026-11-24T18:59:00Z"), Map.of()));
    }

    @Test
    void shouldReadIntegerMetricsAsDoubles() {
        assertThat(accepted("{\"deviceId\":\"d\",\"ts\":\"2026-11-24T18:59:00Z\",\"metrics\":{\"n\":3,\"x\":-0.5e1}}")
                .metrics()).containsExactlyInAnyOrderEntriesOf(Map.of("n", 3.0, "x", -5.0));
    }

    @Test
    void shouldQuoteOnlyTheStartOfAHugeBadTimestamp() {
        String huge = "x".repeat(10_000);

        assertThat(rejected("{\"deviceId\":\"d\",\"ts\":\"" + huge + "\"}").detail()).hasSizeLessThan(200);
    }
}
