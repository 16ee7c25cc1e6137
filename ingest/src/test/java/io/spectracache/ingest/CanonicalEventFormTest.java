package io.spectracache.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.events.DeviceEvent;
import io.spectracache.serialization.DeviceEventSerde;
import io.spectracache.testing.TopologyHarness;
import io.spectracache.topics.Topics;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The canonical form of {@code spectra.events} (issue 7): what consumers get is the JSON {@code DeviceEventSerde}
 * writes, whether ingest forwards the raw bytes (they already are that form) or encodes the event. Golden records:
 * raw input on the left, the bytes {@code spectra.events} must carry on the right, written by hand from the definition
 * in {@link EventValidator}'s Javadoc. Every record has at most one metric and one attribute, so the members' order
 * (free in the form) cannot vary.
 */
class CanonicalEventFormTest {
    private static final Instant NOW = Instant.parse("2026-11-24T19:00:00Z");
    private static final String CANONICAL = "{\"deviceId\":\"truck-1\",\"ts\":\"2026-11-24T18:59:00.120Z\",\"eventId\":\"e-1\","
            + "\"tenant\":\"acme\",\"metrics\":{\"temp\":21.5},\"location\":{\"lat\":52.52,\"lon\":13.405},"
            + "\"attributes\":{\"fw\":\"1.2.3\"}}";
    private final EventValidator validator = new EventValidator(IngestSettings.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            canonical, forwarded as it came          | true  | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00.120Z","eventId":"e-1","tenant":"acme","metrics":{"temp":21.5},"location":{"lat":52.52,"lon":13.405},"attributes":{"fw":"1.2.3"}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00.120Z","eventId":"e-1","tenant":"acme","metrics":{"temp":21.5},"location":{"lat":52.52,"lon":13.405},"attributes":{"fw":"1.2.3"}}`
            whitespace                               | false | `{ "deviceId": "truck-1", "ts": "2026-11-24T18:59:00.120Z", "metrics": {"temp": 21.5}, "attributes": {} }` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00.120Z","metrics":{"temp":21.5},"attributes":{}}`
            another field order                      | false | `{"ts":"2026-11-24T18:59:00.120Z","deviceId":"truck-1","attributes":{},"metrics":{}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00.120Z","metrics":{},"attributes":{}}`
            epoch milliseconds                       | false | `{"deviceId":"truck-1","ts":1795546740120,"metrics":{},"attributes":{}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00.120Z","metrics":{},"attributes":{}}`
            an offset                                | false | `{"deviceId":"truck-1","ts":"2026-11-24T19:59:00.120+01:00","metrics":{},"attributes":{}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00.120Z","metrics":{},"attributes":{}}`
            two fraction digits                      | false | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00.12Z","metrics":{},"attributes":{}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00.120Z","metrics":{},"attributes":{}}`
            six fraction digits for milliseconds     | false | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00.120000Z","metrics":{},"attributes":{}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00.120Z","metrics":{},"attributes":{}}`
            a zero fraction                          | false | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00.000Z","metrics":{},"attributes":{}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{},"attributes":{}}`
            microseconds, canonical                  | true  | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00.000120Z","metrics":{},"attributes":{}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00.000120Z","metrics":{},"attributes":{}}`
            a trailing zero                          | false | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{"temp":21.50},"attributes":{}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{"temp":21.5},"attributes":{}}`
            a whole number                           | false | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{"temp":21},"attributes":{}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{"temp":21.0},"attributes":{}}`
            an exponent                              | false | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{"temp":2.15e1},"attributes":{}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{"temp":21.5},"attributes":{}}`
            ten million, written with an exponent    | false | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{"temp":10000000.0},"attributes":{}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{"temp":1.0E7},"attributes":{}}`
            a small number, written with an exponent | false | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{"temp":0.0001},"attributes":{}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{"temp":1.0E-4},"attributes":{}}`
            an escape JSON does not need             | false | `{"deviceId":"truck-\\u0031","ts":"2026-11-24T18:59:00Z","metrics":{},"attributes":{"path":"a\\/b"}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{},"attributes":{"path":"a/b"}}`
            escapes JSON needs, canonical            | true  | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{},"attributes":{"note":"say \\"hi\\"\\t\\\\"}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{},"attributes":{"note":"say \\"hi\\"\\t\\\\"}}`
            non-ASCII as UTF-8, canonical            | true  | `{"deviceId":"camión-7","ts":"2026-11-24T18:59:00Z","metrics":{"température":-3.25},"attributes":{"ville":"Zürich"}}` | `{"deviceId":"camión-7","ts":"2026-11-24T18:59:00Z","metrics":{"température":-3.25},"attributes":{"ville":"Zürich"}}`
            an emoji as UTF-8                        | false | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{},"attributes":{"cargo":"🚚"}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{},"attributes":{"cargo":"\\uD83D\\uDE9A"}}`
            an emoji as escapes                      | false | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{},"attributes":{"cargo":"\\uD83D\\uDE9A"}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{},"attributes":{"cargo":"\\uD83D\\uDE9A"}}`
            an unknown field                         | false | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","firmware":{"v":1},"metrics":{},"attributes":{}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{},"attributes":{}}`
            null tenant, no metrics                  | false | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","tenant":null,"attributes":{}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{},"attributes":{}}`
            a number attribute                       | false | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{},"attributes":{"rev":3}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{},"attributes":{"rev":"3"}}`
            a repeated metric                        | false | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{"temp":1.5,"temp":2.5},"attributes":{}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{"temp":2.5},"attributes":{}}`
            location members swapped                 | false | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{},"location":{"lon":13.405,"lat":52.52},"attributes":{}}` | `{"deviceId":"truck-1","ts":"2026-11-24T18:59:00Z","metrics":{},"location":{"lat":52.52,"lon":13.405},"attributes":{}}`
            """)
    void shouldWriteTheCanonicalFormToSpectraEventsWhateverFormTheRawEventHad(String name, boolean canonical, String raw,
                                                                              String expected) {
        byte[] bytes = raw.getBytes(UTF_8);

        assertThat(validator.validate(bytes)).as("validation of %s", raw)
                .isInstanceOfSatisfying(ValidationResult.Accepted.class, accepted -> assertThat(accepted.canonical())
                        .as("raw bytes already canonical").isEqualTo(canonical));
        try (TopologyHarness harness = TopologyHarness.of(new IngestTopology(IngestSettings.defaults(), Clock.fixed(NOW, ZoneOffset.UTC)))
                .startingAt(NOW).build()) {
            TestInputTopic<byte[], byte[]> input = harness.input(Topics.EVENTS_RAW);
            TestOutputTopic<String, byte[]> events = harness.output(Topics.EVENTS, Serdes.String(), Serdes.ByteArray());
            input.pipeInput((byte[]) null, bytes);

            assertThat(new String(events.readValue(), UTF_8)).isEqualTo(expected);
        }
    }

    /**
     * Whatever the raw bytes look like, when the validator calls them canonical they are byte for byte what the
     * encoder writes for the event: forwarding them changes nothing a consumer can see.
     */
    @Property(tries = 3000)
    void shouldCallRawBytesCanonicalOnlyWhenTheyAreWhatTheEncoderWrites(@ForAll("rawEvents") String raw) {
        byte[] bytes = raw.getBytes(UTF_8);

        ValidationResult result = validator.validate(bytes);

        Statistics.label("result").collect(result instanceof ValidationResult.Accepted accepted
                ? (accepted.canonical() ? "canonical" : "encoded") : "rejected");
        if (result instanceof ValidationResult.Accepted accepted && accepted.canonical()) {
            byte[] encoded = DeviceEventSerde.INSTANCE.serialize("spectra.events", accepted.event());
            assertThat(new String(bytes, UTF_8)).isEqualTo(new String(encoded, UTF_8));
        }
    }

    /**
     * The encoder's own output is recognised as canonical whenever its numbers are in the fast check's range and no
     * string needed a {@code \\u} escape.
     */
    @Property(tries = 2000)
    void shouldRecogniseTheEncodersOwnOutputAsCanonical(@ForAll("events") DeviceEvent event) {
        byte[] encoded = DeviceEventSerde.INSTANCE.serialize("spectra.events", event);

        ValidationResult result = validator.validate(encoded);

        assertThat(result).isInstanceOf(ValidationResult.Accepted.class);
        boolean inRange = event.metrics().values().stream().allMatch(CanonicalEventFormTest::plainAndShort)
                && !new String(encoded, UTF_8).contains("\\u");
        Statistics.label("numbers in the fast range, no \\u escape").collect(inRange);
        if (inRange) {
            assertThat(((ValidationResult.Accepted) result).canonical()).as(new String(encoded, UTF_8)).isTrue();
        }
    }

    private static boolean plainAndShort(double value) {
        String text = Double.toString(value);
        return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e7
                && text.replace("-", "").replace(".", "").replaceFirst("^0+", "").length() <= 15;
    }

    @Provide
    Arbitrary<DeviceEvent> events() {
        Arbitrary<Double> values = Arbitraries.oneOf(
                Arbitraries.doubles().between(-1e8, 1e8),
                Arbitraries.integers().between(-10_000_000, 10_000_000).map(i -> i / 100.0),
                Arbitraries.integers().between(-180_000_000, 180_000_000).map(i -> i / 1_000_000.0),
                Arbitraries.of(0.001, 0.0009999, 9_999_999.5, 1e7, 0.1 + 0.2, 1.0 / 3));
        // Whole code points only: a lone surrogate is escaped by the encoder, and never called canonical.
        Arbitrary<String> text = Combinators.combine(
                        Arbitraries.strings().withCharRange(' ', '~').withChars('é', '\n', '"', '\\', '\u0001')
                                .ofMinLength(1).ofMaxLength(12),
                        Arbitraries.of("", "", "\uD83D\uDE9A"))
                .as((chars, emoji) -> chars + emoji);
        Arbitrary<Instant> ts = Arbitraries.longs().between(-3_600_000_000_000L, 0).map(NOW::plusNanos);
        return Combinators.combine(text, ts, text.injectNull(0.3), values.injectNull(0.3), text.injectNull(0.3))
                .as((device, at, eventId, metric, attribute) -> new DeviceEvent(device.isBlank() ? "d" : device, at, eventId,
                        null, metric == null ? null : java.util.Map.of("m", metric), null,
                        attribute == null ? null : java.util.Map.of("a", attribute)));
    }

    /** Canonical renderings, and the same with one thing changed: whitespace, a form of a number, an escape, an order. */
    @Provide
    Arbitrary<String> rawEvents() {
        return events().flatMap(event -> {
            String canonical = new String(DeviceEventSerde.INSTANCE.serialize("t", event), UTF_8);
            return Arbitraries.of(List.of(
                    canonical,
                    canonical.replace(",", ", "),
                    canonical.replace(":", " :"),
                    canonical.replace(".0,", ",").replace(".0}", "}"),
                    canonical.replace(".", ".0").replace("Z\"", "Z\""),
                    canonical.replace("0Z\"", "Z\""),
                    canonical.replace("Z\"", "+00:00\""),
                    canonical.replace("E", "e"),
                    canonical.replace("/", "\\/").replace("é", "\\u00e9").replace("a", "\\u0061"),
                    canonical.replace("\\n", "\\u000a").replace("\\uD83D\\uDE9A", "\uD83D\uDE9A"),
                    canonical.replace("\"metrics\"", "\"x\":1,\"metrics\""),
                    canonical.replace(",\"attributes\":{}", ""),
                    canonical.replace("{\"deviceId\"", "{\"tenant\":null,\"deviceId\"")));
        });
    }
}
