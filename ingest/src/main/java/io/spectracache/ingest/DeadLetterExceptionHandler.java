package io.spectracache.ingest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.spectracache.errors.DeadLetter;
import io.spectracache.errors.RejectReason;
import io.spectracache.errors.RejectedRecordException;
import io.spectracache.serialization.Json;
import io.spectracache.topics.RecordLimits;
import io.spectracache.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead-letters what Kafka Streams itself cannot deserialize or process, in every topology of the application, and
 * lets the stream thread go on: a bad record never stops SpectraCache.
 *
 * <p>The dead letter is the same {@link DeadLetter} envelope validation writes: the original key, value and headers
 * of the record as it was read by the failing sub-topology, plus reason {@code deserialization-error} or
 * {@code processing-error} (or, for a {@link RejectedRecordException} a processor throws on purpose, that
 * exception's reason and message), the exception's class and message as detail (never a stack trace) and the source
 * topic, partition and offset, the original bytes left out when they would make the dead letter larger than Kafka
 * accepts ({@code RecordLimits}). It goes to {@code <prefix>events.dlq} through Streams' own producer, inside the
 * transaction under exactly-once, and is counted in {@code spectra.ingest.dlq}. For a processing error in a
 * sub-topology that reads an internal topic, "original" means that internal record (for example the event as
 * JSON in {@code ingest-by-device-repartition}). Kafka Streams drops a record's raw bytes once it has been
 * written to a sink; a processor failing after that (any capability attached to the stream
 * {@link IngestTopology#addTo} returns, since that stream is first written to {@code events}) gets the record at
 * the failing node rendered as JSON instead.
 *
 * <p>Kafka Streams creates handlers from their class, so everything the handler needs comes through the
 * application's configs; {@link #streamsConfig(String, MeterRegistry)} returns them all:
 * <pre>{@code
 * Properties props = new Properties();
 * props.putAll(DeadLetterExceptionHandler.streamsConfig("spectra.", registry));
 * }</pre>
 * {@value #TOPIC_PREFIX_CONFIG} is the topic prefix (default {@value #DEFAULT_TOPIC_PREFIX});
 * {@value #METER_REGISTRY_CONFIG} holds the {@link MeterRegistry} object itself (a config value need not be a
 * string). Without a registry the handler counts into Micrometer's {@link Metrics#globalRegistry}. Kafka's clients
 * receive these entries too and list them once as unused configs; that is harmless.
 */
public final class DeadLetterExceptionHandler
        implements DeserializationExceptionHandler, ProcessingExceptionHandler, ProductionExceptionHandler {
    /** The deployment's topic prefix; a string. */
    public static final String TOPIC_PREFIX_CONFIG = "spectracache.topic.prefix";
    /** The {@link MeterRegistry} to count dead letters in; the object, not a class name. */
    public static final String METER_REGISTRY_CONFIG = "spectracache.ingest.meter-registry";
    public static final String DEFAULT_TOPIC_PREFIX = "spectra.";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterExceptionHandler.class);

    private String dlqTopic = Topics.EVENTS_DLQ.name(DEFAULT_TOPIC_PREFIX);
    private int maxRecordBytes = RecordLimits.largestKeyAndValue(Map.of());
    private IngestMetrics metrics;

    /** For Kafka Streams, which creates the handler from its class and then calls {@link #configure(Map)}. */
    public DeadLetterExceptionHandler() {
    }

    /**
     * The Streams config entries that install this handler for deserialization and processing errors.
     *
     * @param topicPrefix the deployment's topic prefix, e.g. {@code "spectra."}
     * @param registry    where to count dead letters; the same registry the {@link IngestTopology} uses
     * @return an immutable map to add to the application's properties
     */
    public static Map<String, Object> streamsConfig(String topicPrefix, MeterRegistry registry) {
        return Map.of(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class,
                StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class,
                TOPIC_PREFIX_CONFIG, requireNonNull(topicPrefix, "topicPrefix"),
                METER_REGISTRY_CONFIG, requireNonNull(registry, "registry"));
    }

    /**
     * Reads {@value #TOPIC_PREFIX_CONFIG} and {@value #METER_REGISTRY_CONFIG}.
     *
     * @throws ConfigException if either is present with the wrong type
     */
    @Override
    public void configure(Map<String, ?> configs) {
        Object prefix = configs.get(TOPIC_PREFIX_CONFIG);
        if (prefix != null && !(prefix instanceof String)) {
            throw new ConfigException(TOPIC_PREFIX_CONFIG, prefix, "must be a string");
        }
        dlqTopic = Topics.EVENTS_DLQ.name(prefix == null ? DEFAULT_TOPIC_PREFIX : (String) prefix);
        Object registry = configs.get(METER_REGISTRY_CONFIG);
        if (registry != null && !(registry instanceof MeterRegistry)) {
            throw new ConfigException(METER_REGISTRY_CONFIG, registry.getClass().getName(), "must be a MeterRegistry instance");
        }
        metrics = new IngestMetrics(registry == null ? Metrics.globalRegistry : (MeterRegistry) registry);
        maxRecordBytes = RecordLimits.largestKeyAndValue(configs);
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        DeadLetter letter = DeadLetter.of(RejectReason.DESERIALIZATION_ERROR, detail(exception))
                .from(record.topic(), record.partition(), record.offset());
        ProducerRecord<byte[], byte[]> deadLetter =
                letter.toRecord(dlqTopic, record.key(), record.value(), record.headers(), maxRecordBytes);
        count(letter, exception, context.processorNodeId());
        return DeserializationExceptionHandler.Response.resume(List.of(deadLetter));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(
            ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        // The raw source bytes, as the envelope promises. Kafka Streams frees them once the record has passed a
        // sink (RecordCollectorImpl), which is always the case for capabilities attached to the stream
        // IngestTopology returns; then the record at the failing node is written as JSON, our wire format.
        byte[] key = context.sourceRawKey() != null ? context.sourceRawKey() : bytesOf(record.key());
        byte[] value = context.sourceRawValue() != null ? context.sourceRawValue() : bytesOf(record.value());
        // A processor that rejects a record on purpose says why; anything else is a processing error.
        RejectedRecordException rejected = rejectionIn(exception);
        DeadLetter letter = (rejected != null
                        ? DeadLetter.of(rejected.reason(), rejected.getMessage())
                        : DeadLetter.of(RejectReason.PROCESSING_ERROR, detail(exception)))
                .from(context.topic(), context.partition(), context.offset());
        ProducerRecord<byte[], byte[]> deadLetter = letter.toRecord(dlqTopic, key, value, context.headers(), maxRecordBytes);
        count(letter, exception, context.processorNodeId());
        return ProcessingExceptionHandler.Response.resume(List.of(deadLetter));
    }

    /**
     * A result Kafka refused for good (a record larger than the broker accepts, an invalid record). Retrying the
     * same input would fail the same way, and a replaced thread would loop on it forever: skip it, leave a dead
     * letter that says where it came from, and go on. Retriable errors are Kafka's to retry, and fail as usual.
     * The refused bytes are not copied into the dead letter: they may be exactly what is too large.
     *
     * <p>This is the last line of defence, and under {@code exactly_once_v2} it cannot hold: a refused send puts
     * the producer's transaction into an abortable error, so the dead letter returned here is never written, the
     * task is aborted and reads the same input again. Every processor of ours therefore checks what it writes
     * against {@code RecordLimits} first and rejects the input itself ({@link RejectedRecordException}, or a
     * dead-letter sink of its own) before Kafka can refuse anything; under {@code at_least_once} this handler
     * does skip the record and write the dead letter.
     */
    @Override
    public ProductionExceptionHandler.Response handleError(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RetriableException) {
            return ProductionExceptionHandler.Response.fail();
        }
        DeadLetter letter = DeadLetter.of(RejectReason.PRODUCTION_ERROR,
                        "writing to " + record.topic() + " failed: " + detail(exception))
                .from(context.topic(), context.partition(), context.offset());
        count(letter, exception, context.processorNodeId());
        LOG.warn("Skipped a result Kafka refused for {}: {} (from {}-{}@{})", record.topic(), detail(exception),
                context.topic(), context.partition(), context.offset());
        return ProductionExceptionHandler.Response.resume(List.of(letter.toRecord(dlqTopic, null, null, context.headers())));
    }

    /** A result that cannot be serialized is a bug of ours, not bad input; skip it the same way, loudly. */
    @Override
    public ProductionExceptionHandler.Response handleSerializationError(ErrorHandlerContext context,
            ProducerRecord record, Exception exception, SerializationExceptionOrigin origin) {
        DeadLetter letter = DeadLetter.of(RejectReason.PRODUCTION_ERROR,
                        "cannot serialize the " + origin.name().toLowerCase(java.util.Locale.ROOT) + " for " + record.topic()
                                + ": " + detail(exception))
                .from(context.topic(), context.partition(), context.offset());
        count(letter, exception, context.processorNodeId());
        LOG.warn("Skipped a result that cannot be serialized for {}: {}", record.topic(), detail(exception));
        return ProductionExceptionHandler.Response.resume(List.of(letter.toRecord(dlqTopic, null, null, context.headers())));
    }

    private void count(DeadLetter letter, Exception exception, String node) {
        if (metrics == null) {
            // Streams always configures a handler it creates; this covers a caller that did not.
            configure(Map.of());
        }
        metrics.deadLettered(letter.reason());
        // Debug, not warn: the DLQ topic and the counter are the record of it, and a flood of bad input must not
        // become a flood of log lines.
        LOG.debug("Dead-lettered {}-{}@{} at {} ({}): {}", letter.sourceTopic(), letter.sourcePartition(),
                letter.sourceOffset(), node, letter.reason().code(), exception.toString());
    }

    /** The {@link RejectedRecordException} that is or caused {@code exception}, or null. */
    static RejectedRecordException rejectionIn(Throwable exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof RejectedRecordException rejected) {
                return rejected;
            }
        }
        return null;
    }

    /** Best-effort bytes of a record part whose serde is unknown here; null if it has none. */
    static byte[] bytesOf(Object part) {
        if (part == null || part instanceof byte[]) {
            return (byte[]) part;
        }
        if (part instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return Json.mapper().writeValueAsBytes(part);
        } catch (JsonProcessingException | RuntimeException e) {
            // The dead letter still carries the reason and the source position, which locate the record.
            return null;
        }
    }

    /** The exception's class and message: says what failed without a stack trace. */
    static String detail(Exception exception) {
        Throwable shown = exception;
        // Streams wraps; the useful message is usually on the innermost cause.
        while (shown.getMessage() == null && shown.getCause() != null) {
            shown = shown.getCause();
        }
        String message = shown.getMessage();
        return shown.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
