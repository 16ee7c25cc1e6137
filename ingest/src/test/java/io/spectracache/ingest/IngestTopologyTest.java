package io.spectracache.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.errors.DeadLetter;
import io.spectracache.errors.RejectReason;
import io.spectracache.events.DeviceEvent;
import io.spectracache.events.GeoPoint;
import io.spectracache.serialization.JsonSerde;
import io.spectracache.testing.TopologyHarness;
import io.spectracache.topology.TopologyContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IngestTopologyTest {
    private static final Instant NOW = Instant.parse("2026-11-24T19:00:00Z");
    private static final Instant EVENT_TIME = Instant.parse("2026-11-24T18:58:30.250Z");
    private static final Duration WINDOW = Duration.ofMinutes(10);

    @TempDir
    Path stateDir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyHarness harness;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> raw;
    private TestOutputTopic<String, DeviceEvent> events;
    private TestOutputTopic<byte[], byte[]> dlq;
    private Topology topology;

    @BeforeEach
    void startDriver() {
        startDriver(Map.of());
    }

    private void startDriver(Map<String, Object> extraProps) {
        if (harness != null) {
            harness.close();
        }
        IngestSettings settings = IngestSettings.defaults().withDedupWindow(WINDOW).withMaxEventBytes(1024);
        harness = TopologyHarness.of(new IngestTopology(settings, Clock.fixed(NOW, ZoneOffset.UTC)))
                .meters(registry)
                .properties(DeadLetterExceptionHandler.streamsConfig("spectra.", registry))
                .properties(extraProps)
                .startingAt(NOW)
                .build();
        topology = harness.topology();
        driver = harness.driver();
        raw = driver.createInputTopic("spectra.events.raw", new ByteArraySerializer(), new ByteArraySerializer());
        events = driver.createOutputTopic("spectra.events", new StringDeserializer(),
                JsonSerde.of(DeviceEvent.class).deserializer());
        dlq = driver.createOutputTopic("spectra.events.dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void closeDriver() {
        harness.close();
    }

    private static String event(String deviceId, String eventId) {
        return "{\"deviceId\":\"" + deviceId + "\",\"ts\":\"" + EVENT_TIME + "\""
                + (eventId == null ? "" : ",\"eventId\":\"" + eventId + "\"") + ",\"metrics\":{\"temp\":21.5}}";
    }

    private void send(String json, Instant receivedAt) {
        raw.pipeInput(new TestRecord<>((byte[]) null, json.getBytes(UTF_8), receivedAt));
    }

    private double count(IngestMeters meter) {
        return registry.get(meter.getName()).counter().count();
    }

    private double dlqCount(RejectReason reason) {
        return registry.get(IngestMeters.DLQ.getName()).tag("reason", reason.code()).counter().count();
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), UTF_8);
    }

    @Test
    void shouldWriteAValidEventKeyedByDeviceIdWithTheEventTimeAsTimestamp() {
        String json = "{\"deviceId\":\"truck-0042\",\"ts\":\"" + EVENT_TIME + "\",\"eventId\":\"e-1\","
                + "\"location\":{\"lat\":52.52,\"lon\":13.405},\"attributes\":{\"fw\":12}}";
        raw.pipeInput(new TestRecord<>("some-gateway".getBytes(UTF_8), json.getBytes(UTF_8), NOW));

        TestRecord<String, DeviceEvent> out = events.readRecord();

        assertThat(out.key()).isEqualTo("truck-0042");
        assertThat(out.timestamp()).isEqualTo(EVENT_TIME.toEpochMilli());
        assertThat(out.value()).isEqualTo(new DeviceEvent("truck-0042", EVENT_TIME, "e-1", null, Map.of(),
                new GeoPoint(52.52, 13.405), Map.of("fw", "12")));
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void shouldKeepProducerHeadersOnEventsButNotTheInternalReceiveTimeHeader() {
        Headers headers = new RecordHeaders().add("traceparent", "00-abc-01".getBytes(UTF_8));
        raw.pipeInput(new TestRecord<>(null, event("d-1", "e-1").getBytes(UTF_8), headers, NOW));

        Headers out = events.readRecord().headers();

        assertThat(header(out, "traceparent")).isEqualTo("00-abc-01");
        assertThat(out.lastHeader(ReceivedAt.HEADER)).isNull();
    }

    @Test
    void shouldSendEventWithoutDeviceIdToDlqWithMissingFieldReason() {
        byte[] key = "k-7".getBytes(UTF_8);
        byte[] value = ("{\"ts\":\"" + EVENT_TIME + "\"}").getBytes(UTF_8);
        Headers original = new RecordHeaders().add("source", "gateway-3".getBytes(UTF_8));
        send(event("d-1", "e-1"), NOW);
        raw.pipeInput(new TestRecord<>(key, value, original, NOW));

        TestRecord<byte[], byte[]> letter = dlq.readRecord();

        assertThat(letter.key()).isEqualTo(key);
        assertThat(letter.value()).isEqualTo(value);
        assertThat(letter.timestamp()).isEqualTo(NOW.toEpochMilli());
        Headers headers = letter.headers();
        assertThat(header(headers, "source")).isEqualTo("gateway-3");
        assertThat(header(headers, DeadLetter.REASON)).isEqualTo("missing-field");
        assertThat(header(headers, DeadLetter.DETAIL)).isEqualTo("deviceId is required");
        assertThat(header(headers, DeadLetter.SOURCE_TOPIC)).isEqualTo("spectra.events.raw");
        assertThat(header(headers, DeadLetter.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(headers, DeadLetter.SOURCE_OFFSET)).isEqualTo("1");
        assertThat(events.readValuesToList()).extracting(DeviceEvent::deviceId).containsExactly("d-1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "malformed-json      | {\"deviceId\":\"d\",",
            "missing-field       | {\"deviceId\":\"d\"}",
            "wrong-type          | {\"deviceId\":\"d\",\"ts\":\"2026-11-24T18:00:00Z\",\"metrics\":{\"t\":\"x\"}}",
            "absurd-timestamp    | {\"deviceId\":\"d\",\"ts\":\"1999-01-01T00:00:00Z\"}",
            "invalid-coordinates | {\"deviceId\":\"d\",\"ts\":\"2026-11-24T18:00:00Z\",\"location\":{\"lat\":99,\"lon\":1}}"})
    void shouldSendEachKindOfBadRecordToDlqWithItsReasonAndOriginalBytes(String code, String json) {
        send(json, NOW);

        TestRecord<byte[], byte[]> letter = dlq.readRecord();

        assertThat(letter.value()).isEqualTo(json.getBytes(UTF_8));
        assertThat(header(letter.headers(), DeadLetter.REASON)).isEqualTo(code);
        assertThat(header(letter.headers(), DeadLetter.DETAIL)).isNotBlank();
        assertThat(events.isEmpty()).isTrue();
        assertThat(registry.get(IngestMeters.DLQ.getName()).tag("reason", code).counter().count()).isEqualTo(1.0);
    }

    @Test
    void shouldSendAnOversizedRecordToDlqUntouched() {
        byte[] value = new byte[1025];
        Arrays.fill(value, (byte) 'x');
        raw.pipeInput(new TestRecord<>((byte[]) null, value, NOW));

        TestRecord<byte[], byte[]> letter = dlq.readRecord();

        assertThat(letter.value()).isEqualTo(value);
        assertThat(header(letter.headers(), DeadLetter.REASON)).isEqualTo("oversized");
    }

    @Test
    void shouldLeaveTheOriginalBytesOutOfADeadLetterKafkaWouldRefuse() {
        // A raw record near the broker's limit plus the envelope's headers would pass what the producer sends;
        // under exactly-once that aborted the transaction and failed the same record forever.
        int maxRequestSize = 16 * 1024;
        startDriver(Map.of(StreamsConfig.producerPrefix("max.request.size"), maxRequestSize));
        byte[] huge = ("{\"deviceId\":\"d\",\"pad\":\"" + "x".repeat(maxRequestSize) + "\"}").getBytes(UTF_8);
        raw.pipeInput(new TestRecord<>("gateway".getBytes(UTF_8), huge, NOW));
        send(event("after", null), NOW);

        TestRecord<byte[], byte[]> letter = dlq.readRecord();
        assertThat(header(letter.headers(), DeadLetter.REASON)).isEqualTo("oversized");
        assertThat(header(letter.headers(), DeadLetter.DETAIL))
                .endsWith("the original value (" + huge.length + " bytes) is left out of this dead letter: too large");
        assertThat(letter.value()).isNull();
        assertThat(new String(letter.key(), UTF_8)).isEqualTo("gateway");
        assertThat(events.readRecord().key()).isEqualTo("after");
    }

    @Test
    void shouldCountHeadersTowardsTheEventSizeLimit() {
        // Headers travel on with the event: 600 bytes of them on a small event could otherwise carry a record past
        // what Kafka accepts, whatever the value's limit.
        Headers headers = new RecordHeaders().add("blob", new byte[600]);
        raw.pipeInput(new TestRecord<>(null, pad(event("d-1", null), 500).getBytes(UTF_8), headers, NOW));

        TestRecord<byte[], byte[]> letter = dlq.readRecord();
        assertThat(header(letter.headers(), DeadLetter.REASON)).isEqualTo("oversized");
        assertThat(header(letter.headers(), DeadLetter.DETAIL)).contains("and its headers about").contains("1024");
        assertThat(events.isEmpty()).isTrue();
    }

    private static String pad(String json, int length) {
        return json.substring(0, json.length() - 1) + ",\"pad\":\"" + "x".repeat(Math.max(0, length - json.length())) + "\"}";
    }

    @Test
    void shouldSendATombstoneToDlqAsMalformed() {
        raw.pipeInput(new TestRecord<>("k".getBytes(UTF_8), (byte[]) null, NOW));

        TestRecord<byte[], byte[]> letter = dlq.readRecord();

        assertThat(letter.value()).isNull();
        assertThat(header(letter.headers(), DeadLetter.REASON)).isEqualTo("malformed-json");
    }

    @Test
    void shouldDropADuplicateEventIdOfTheSameDeviceWithinTheWindowAndCountIt() {
        send(event("d-1", "e-1"), NOW);
        send(event("d-1", "e-1"), NOW.plus(WINDOW));

        assertThat(events.readValuesToList()).hasSize(1);
        assertThat(count(IngestMeters.DUPLICATES)).isEqualTo(1.0);
    }

    @Test
    void shouldDropTheSecondCopyEvenWhenItWasReceivedEarlier() {
        // Producers not keyed by device: the resend may reach the repartition before the original.
        send(event("d-1", "e-1"), NOW.plusSeconds(30));
        send(event("d-1", "e-1"), NOW);

        assertThat(events.readValuesToList()).hasSize(1);
        assertThat(count(IngestMeters.DUPLICATES)).isEqualTo(1.0);
    }

    @Test
    void shouldPassADuplicateThatArrivesAfterTheWindow() {
        send(event("d-1", "e-1"), NOW);
        send(event("d-1", "e-1"), NOW.plus(WINDOW).plusMillis(1));

        assertThat(events.readValuesToList()).hasSize(2);
        assertThat(count(IngestMeters.DUPLICATES)).isZero();
    }

    @Test
    void shouldPassTheSameEventIdFromAnotherDevice() {
        send(event("d-1", "e-1"), NOW);
        send(event("d-2", "e-1"), NOW);

        assertThat(events.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("d-1", "d-2");
    }

    @Test
    void shouldNeverTreatEventsWithoutEventIdAsDuplicates() {
        send(event("d-1", null), NOW);
        send(event("d-1", null), NOW);

        assertThat(events.readValuesToList()).hasSize(2);
        assertThat(count(IngestMeters.DUPLICATES)).isZero();
    }

    @Test
    void shouldCountEveryRecordReadAcceptedDeadLetteredAndDuplicated() {
        send(event("d-1", "e-1"), NOW);
        send(event("d-1", "e-1"), NOW.plusSeconds(1));
        send(event("d-2", "e-2"), NOW.plusSeconds(2));
        send("not json", NOW.plusSeconds(3));
        send("{\"deviceId\":\"d-3\"}", NOW.plusSeconds(4));

        assertThat(count(IngestMeters.EVENTS)).isEqualTo(5.0);
        assertThat(count(IngestMeters.ACCEPTED)).isEqualTo(3.0);
        assertThat(count(IngestMeters.DUPLICATES)).isEqualTo(1.0);
        assertThat(dlqCount(RejectReason.MALFORMED_JSON)).isEqualTo(1.0);
        assertThat(dlqCount(RejectReason.MISSING_FIELD)).isEqualTo(1.0);
        assertThat(dlqCount(RejectReason.WRONG_TYPE)).isZero();
        assertThat(events.getQueueSize()).isEqualTo(2);
        assertThat(dlq.getQueueSize()).isEqualTo(2);
    }

    @Test
    void shouldRegisterEveryCounterAtZeroBeforeTheFirstRecord() {
        assertThat(count(IngestMeters.EVENTS)).isZero();
        assertThat(count(IngestMeters.ACCEPTED)).isZero();
        assertThat(count(IngestMeters.DUPLICATES)).isZero();
        for (RejectReason reason : RejectReason.values()) {
            assertThat(dlqCount(reason)).as(reason.code()).isZero();
        }
    }

    @Test
    void shouldNameEveryNodeStoreAndInternalTopicExplicitly() {
        String description = topology.describe().toString();

        // Auto-generated names look like KSTREAM-MAP-0000000004; one would shift internal topics on any change.
        assertThat(description).doesNotContain("KSTREAM-", "KTABLE-");
        assertThat(description).contains("ingest-by-device-repartition", IngestTopology.DEDUP_STORE.name(),
                "ingest-validate", "ingest-dedup", "ingest-write-dlq", "ingest-write-events");
    }

    @Test
    void shouldReturnAStreamThatCapabilitiesCanGroupByDeviceWithoutAnotherRepartition() {
        StreamsBuilder builder = new StreamsBuilder();
        TopologyContext context = TopologyContext.builder(builder).meters(new SimpleMeterRegistry()).build();
        new IngestTopology(IngestSettings.defaults()).addTo(context);
        context.events()
                .groupByKey(Grouped.as("test-by-device"))
                .count(Named.as("test-count"), Materialized.as("test-count-store"));

        String description = builder.build().describe().toString();

        assertThat(description).contains("ingest-by-device-repartition").doesNotContain("test-by-device-repartition");
    }

    @Test
    void shouldReturnTheStreamItWritesSoCapabilitiesCanAttachWithoutAnotherTopic() {
        List<String> seen = new ArrayList<>();
        try (TopologyHarness attachedHarness = TopologyHarness.of(new IngestTopology(IngestSettings.defaults(), Clock.fixed(NOW, ZoneOffset.UTC)))
                .then(context -> context.events().foreach((device, event) -> seen.add(device + "/" + event.eventId()),
                        Named.as("test-attach")))
                .startingAt(NOW).build()) {
            TopologyTestDriver attached = attachedHarness.driver();
            TestInputTopic<byte[], byte[]> input = attached.createInputTopic("spectra.events.raw",
                    new ByteArraySerializer(), new ByteArraySerializer());
            input.pipeInput(new TestRecord<>((byte[]) null, event("d-1", "e-1").getBytes(UTF_8), NOW));
            input.pipeInput(new TestRecord<>((byte[]) null, event("d-1", "e-1").getBytes(UTF_8), NOW));

            assertThat(seen).containsExactly("d-1/e-1");
        }
    }

    @Test
    void shouldSkipTheRepartitionForEventsAlreadyOnTheirDevicesPartitionAndDeduplicateBothKinds() {
        // The test driver feeds every record into partition 0 of events.raw: with 4 partitions, devices that hash
        // to 0 are in place and the others take the repartition hop.
        String inPlace = null;
        String misplaced = null;
        for (int i = 0; inPlace == null || misplaced == null; i++) {
            String device = "dev-" + i;
            if (ValidateProcessor.partitionOf(device, 4) == 0) {
                inPlace = inPlace == null ? device : inPlace;
            } else {
                misplaced = misplaced == null ? device : misplaced;
            }
        }
        IngestSettings settings = IngestSettings.defaults().withDedupWindow(WINDOW);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (TopologyHarness placedHarness = TopologyHarness.of(new IngestTopology(settings, Clock.fixed(NOW, ZoneOffset.UTC)))
                .meters(meters).partitionsOf(topic -> 4).startingAt(NOW).build()) {
            Topology placed = placedHarness.topology();
            TopologyTestDriver placedDriver = placedHarness.driver();
            TestInputTopic<byte[], byte[]> input = placedDriver.createInputTopic("spectra.events.raw",
                    new ByteArraySerializer(), new ByteArraySerializer());
            TestOutputTopic<String, DeviceEvent> output = placedDriver.createOutputTopic("spectra.events",
                    new StringDeserializer(), JsonSerde.of(DeviceEvent.class).deserializer());
            for (String device : new String[] {inPlace, misplaced}) {
                input.pipeInput(new TestRecord<>((byte[]) null, event(device, "e-1").getBytes(UTF_8), NOW));
                input.pipeInput(new TestRecord<>((byte[]) null, event(device, "e-1").getBytes(UTF_8), NOW.plusSeconds(1)));
                input.pipeInput(new TestRecord<>((byte[]) null, event(device, "e-2").getBytes(UTF_8), NOW.plusSeconds(2)));
            }
            assertThat(output.readKeyValuesToList()).extracting(kv -> kv.key + "/" + kv.value.eventId())
                    .containsExactlyInAnyOrder(inPlace + "/e-1", inPlace + "/e-2", misplaced + "/e-1", misplaced + "/e-2");
            assertThat(meters.get(IngestMeters.DUPLICATES.getName()).counter().count()).isEqualTo(2.0);
            assertThat(placed.describe().toString()).contains("ingest-by-device-repartition", "ingest-by-device-merge");
        }
    }
}
