package io.spectracache.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.errors.DeadLetter;
import io.spectracache.errors.RejectReason;
import io.spectracache.errors.RejectedRecordException;
import io.spectracache.events.DeviceEvent;
import io.spectracache.serialization.JsonSerde;
import io.spectracache.testing.TopologyHarness;
import io.spectracache.topics.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterExceptionHandlerTest {
    private static final Instant NOW = Instant.parse("2026-11-24T19:00:00Z");

    @TempDir
    Path stateDir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private DeadLetterExceptionHandler handler(String prefix) {
        DeadLetterExceptionHandler handler = new DeadLetterExceptionHandler();
        handler.configure(DeadLetterExceptionHandler.streamsConfig(prefix, registry));
        return handler;
    }

    private double dlqCount(RejectReason reason) {
        return registry.get(IngestMeters.DLQ.getName()).tag("reason", reason.code()).counter().count();
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), UTF_8);
    }

    private Properties props(String applicationId) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.putAll(DeadLetterExceptionHandler.streamsConfig("spectra.", registry));
        return props;
    }

    @Test
    void shouldSkipAResultKafkaRefusesForGoodAndLeaveADeadLetterWithoutItsBytes() {
        ProducerRecord<byte[], byte[]> refused = new ProducerRecord<>("app-kv-cache-changelog", "k".getBytes(UTF_8), new byte[2_000_000]);

        ProductionExceptionHandler.Response response = handler("acme.").handleError(
                new StubContext("acme.kv.writes", 1, 7L, null, null), refused,
                new org.apache.kafka.common.errors.RecordTooLargeException("2000100 bytes is larger than max.request.size"));

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        ProducerRecord<byte[], byte[]> letter = response.deadLetterQueueRecords().get(0);
        assertThat(letter.topic()).isEqualTo("acme.events.dlq");
        assertThat(letter.value()).isNull();
        assertThat(header(letter.headers(), DeadLetter.REASON)).isEqualTo("production-error");
        assertThat(header(letter.headers(), DeadLetter.DETAIL)).contains("app-kv-cache-changelog", "RecordTooLargeException");
        assertThat(header(letter.headers(), DeadLetter.SOURCE_OFFSET)).isEqualTo("7");
        assertThat(dlqCount(RejectReason.PRODUCTION_ERROR)).isEqualTo(1.0);
    }

    @Test
    void shouldLeaveRetriableProductionErrorsToKafka() {
        ProductionExceptionHandler.Response response = handler("acme.").handleError(
                new StubContext("acme.kv.writes", 1, 7L, null, null), new ProducerRecord<>("t", new byte[1]),
                new org.apache.kafka.common.errors.TimeoutException("broker slow"));
        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
    }

    @Test
    void shouldAnswerResumeWithAnEnvelopedDeadLetterWhenDeserializationFails() {
        Headers original = new RecordHeaders().add("source", "gw".getBytes(UTF_8));
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("acme.events", 4, 99L, NOW.toEpochMilli(),
                TimestampType.CREATE_TIME, 1, 3, "k".getBytes(UTF_8), "{oops".getBytes(UTF_8), original, Optional.empty());

        DeserializationExceptionHandler.Response response = handler("acme.").handleError(
                new StubContext("acme.events", 4, 99L, null, null), record,
                new org.apache.kafka.common.errors.SerializationException("not a valid DeviceEvent in JSON"));

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).hasSize(1);
        ProducerRecord<byte[], byte[]> letter = response.deadLetterQueueRecords().get(0);
        assertThat(letter.topic()).isEqualTo("acme.events.dlq");
        assertThat(letter.key()).isEqualTo("k".getBytes(UTF_8));
        assertThat(letter.value()).isEqualTo("{oops".getBytes(UTF_8));
        assertThat(header(letter.headers(), "source")).isEqualTo("gw");
        assertThat(header(letter.headers(), DeadLetter.REASON)).isEqualTo("deserialization-error");
        assertThat(header(letter.headers(), DeadLetter.DETAIL))
                .isEqualTo("SerializationException: not a valid DeviceEvent in JSON");
        assertThat(header(letter.headers(), DeadLetter.SOURCE_TOPIC)).isEqualTo("acme.events");
        assertThat(header(letter.headers(), DeadLetter.SOURCE_PARTITION)).isEqualTo("4");
        assertThat(header(letter.headers(), DeadLetter.SOURCE_OFFSET)).isEqualTo("99");
        assertThat(dlqCount(RejectReason.DESERIALIZATION_ERROR)).isEqualTo(1.0);
    }

    @Test
    void shouldDeadLetterTheRawSourceBytesWhenAProcessorFails() {
        byte[] rawKey = "truck-1".getBytes(UTF_8);
        byte[] rawValue = "{\"deviceId\":\"truck-1\"}".getBytes(UTF_8);
        StubContext context = new StubContext("spectra.events", 2, 7L, rawKey, rawValue);
        Record<String, Object> atFailingNode = new Record<>("truck-1", new Object(), NOW.toEpochMilli());

        ProcessingExceptionHandler.Response response = handler("spectra.").handleError(context, atFailingNode,
                new IllegalStateException("state store closed", new RuntimeException("inner")));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        ProducerRecord<byte[], byte[]> letter = response.deadLetterQueueRecords().get(0);
        assertThat(letter.topic()).isEqualTo("spectra.events.dlq");
        assertThat(letter.key()).isEqualTo(rawKey);
        assertThat(letter.value()).isEqualTo(rawValue);
        assertThat(header(letter.headers(), DeadLetter.REASON)).isEqualTo("processing-error");
        assertThat(header(letter.headers(), DeadLetter.DETAIL)).isEqualTo("IllegalStateException: state store closed");
        assertThat(header(letter.headers(), DeadLetter.SOURCE_OFFSET)).isEqualTo("7");
        assertThat(dlqCount(RejectReason.PROCESSING_ERROR)).isEqualTo(1.0);
    }

    @Test
    void shouldDeadLetterARecordAProcessorRejectedWithTheProcessorsReason() {
        StubContext context = new StubContext("spectra.events", 1, 9L, "truck-1".getBytes(UTF_8), "{}".getBytes(UTF_8));
        Record<String, Object> atFailingNode = new Record<>("truck-1", new Object(), NOW.toEpochMilli());

        ProcessingExceptionHandler.Response response = handler("spectra.").handleError(context, atFailingNode,
                new RuntimeException("wrapped", new RejectedRecordException(RejectReason.STATE_TOO_LARGE,
                        "the device's state would take 5000 bytes")));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        ProducerRecord<byte[], byte[]> letter = response.deadLetterQueueRecords().get(0);
        assertThat(header(letter.headers(), DeadLetter.REASON)).isEqualTo("state-too-large");
        assertThat(header(letter.headers(), DeadLetter.DETAIL)).isEqualTo("the device's state would take 5000 bytes");
        assertThat(dlqCount(RejectReason.STATE_TOO_LARGE)).isEqualTo(1.0);
        assertThat(dlqCount(RejectReason.PROCESSING_ERROR)).isZero();
    }

    @Test
    void shouldDescribeAnExceptionWithoutMessageByItsInnermostMessage() {
        Exception wrapped = new RuntimeException(null, new NullPointerException("metrics is null"));

        assertThat(DeadLetterExceptionHandler.detail(wrapped)).isEqualTo("NullPointerException: metrics is null");
        assertThat(DeadLetterExceptionHandler.detail(new NullPointerException())).isEqualTo("NullPointerException");
    }

    @Test
    void shouldRefuseAMeterRegistryConfigThatIsNotARegistry() {
        DeadLetterExceptionHandler handler = new DeadLetterExceptionHandler();

        assertThatThrownBy(() -> handler.configure(Map.of(DeadLetterExceptionHandler.METER_REGISTRY_CONFIG, "registry")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(DeadLetterExceptionHandler.METER_REGISTRY_CONFIG);
    }

    @Test
    void shouldInstallItselfForDeserializationAndProcessingErrors() {
        Map<String, Object> config = DeadLetterExceptionHandler.streamsConfig("spectra.", registry);

        assertThat(config).containsEntry(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                        DeadLetterExceptionHandler.class)
                .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class)
                .containsEntry(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class)
                .containsEntry(DeadLetterExceptionHandler.TOPIC_PREFIX_CONFIG, "spectra.")
                .containsEntry(DeadLetterExceptionHandler.METER_REGISTRY_CONFIG, registry);
    }

    @Test
    void shouldDeadLetterAnUndeserializableRecordAndKeepTheStreamRunning() {
        StreamsBuilder builder = new StreamsBuilder();
        List<String> seen = new ArrayList<>();
        builder.stream(Topics.EVENTS.name("spectra."),
                        Consumed.with(Topics.EVENTS.keySerde(), Topics.EVENTS.valueSerde()).withName("test-read-events"))
                .foreach((device, event) -> seen.add(device), Named.as("test-collect"));
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props("handler-deser-test"), NOW)) {
            TestInputTopic<String, byte[]> events = driver.createInputTopic("spectra.events",
                    new StringSerializer(), new ByteArraySerializer());
            TestOutputTopic<byte[], byte[]> dlq = driver.createOutputTopic("spectra.events.dlq",
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());

            events.pipeInput("d-1", "{\"deviceId\":".getBytes(UTF_8));
            events.pipeInput("d-2", JsonSerde.of(DeviceEvent.class).serialize("t", DeviceEvent.of("d-2", NOW, Map.of())));

            TestRecord<byte[], byte[]> letter = dlq.readRecord();
            assertThat(letter.value()).isEqualTo("{\"deviceId\":".getBytes(UTF_8));
            assertThat(header(letter.headers(), DeadLetter.REASON)).isEqualTo("deserialization-error");
            assertThat(header(letter.headers(), DeadLetter.SOURCE_TOPIC)).isEqualTo("spectra.events");
            assertThat(header(letter.headers(), DeadLetter.DETAIL)).doesNotContain("\tat ");
            assertThat(seen).containsExactly("d-2");
            assertThat(dlqCount(RejectReason.DESERIALIZATION_ERROR)).isEqualTo(1.0);
        }
    }

    @Test
    void shouldDeadLetterAFailingCapabilityProcessorAndKeepIngesting() {
        List<String> seen = new ArrayList<>();
        try (TopologyHarness harness = TopologyHarness.of(new IngestTopology(IngestSettings.defaults(), Clock.fixed(NOW, ZoneOffset.UTC)))
                .meters(registry)
                .properties(props("handler-proc-test"))
                .then(context -> context.events().foreach((device, event) -> {
                    if (device.equals("boom")) {
                        throw new IllegalStateException("cannot handle " + device);
                    }
                    seen.add(device);
                }, Named.as("test-capability")))
                .startingAt(NOW).build()) {
            TopologyTestDriver driver = harness.driver();
            TestInputTopic<byte[], byte[]> raw = driver.createInputTopic("spectra.events.raw",
                    new ByteArraySerializer(), new ByteArraySerializer());
            TestOutputTopic<byte[], byte[]> dlq = driver.createOutputTopic("spectra.events.dlq",
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());

            for (String device : List.of("ok-1", "boom", "ok-2")) {
                String json = "{\"deviceId\":\"" + device + "\",\"ts\":\"" + NOW.minusSeconds(5) + "\"}";
                raw.pipeInput(new TestRecord<>((byte[]) null, json.getBytes(UTF_8), NOW));
            }

            TestRecord<byte[], byte[]> letter = dlq.readRecord();
            assertThat(header(letter.headers(), DeadLetter.REASON)).isEqualTo("processing-error");
            assertThat(header(letter.headers(), DeadLetter.DETAIL)).isEqualTo("IllegalStateException: cannot handle boom");
            // The failing node reads the repartition topic, so that record is the "original"; Streams freed its raw
            // bytes when the event was written to spectra.events, so it comes back as JSON.
            assertThat(header(letter.headers(), DeadLetter.SOURCE_TOPIC))
                    .isEqualTo("handler-proc-test-ingest-by-device-repartition");
            assertThat(new String(letter.key(), UTF_8)).isEqualTo("boom");
            assertThat(JsonSerde.of(DeviceEvent.class).deserialize("t", letter.value()))
                    .isEqualTo(DeviceEvent.of("boom", NOW.minusSeconds(5), Map.of()));
            assertThat(dlq.isEmpty()).isTrue();
            assertThat(seen).containsExactly("ok-1", "ok-2");
            assertThat(dlqCount(RejectReason.PROCESSING_ERROR)).isEqualTo(1.0);
        }
    }

    /** The context Streams hands a handler, reduced to what the handler reads. */
    private record StubContext(String topic, int partition, long offset, byte[] sourceRawKey, byte[] sourceRawValue)
            implements ErrorHandlerContext {
        @Override
        public Headers headers() {
            return new RecordHeaders();
        }

        @Override
        public String processorNodeId() {
            return "test-node";
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, partition);
        }

        @Override
        public long timestamp() {
            return NOW.toEpochMilli();
        }
    }
}
