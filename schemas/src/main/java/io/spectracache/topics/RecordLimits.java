package io.spectracache.topics;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * How large a record Kafka Streams' producer will send, so that a processor can check a changelog or sink record
 * before writing it instead of finding out from a refused send.
 *
 * <p>Why before: under {@code exactly_once_v2} a record Kafka refuses for good ({@code RecordTooLargeException}
 * from the producer, or from the broker for a batch over {@code message.max.bytes}) puts the whole transaction into
 * an abortable error. The production exception
 * handler is then called, but the dead letter it returns can no longer be sent in that transaction; the task is
 * aborted, re-reads the same input and fails the same way, forever. So every record we write is checked here
 * first, and an input whose result would not fit is dead-lettered by the processor, inside the transaction.
 *
 * <pre>{@code
 * int limit = Math.min(settings.maxStateBytes(), RecordLimits.largestKeyAndValue(context.appConfigs()));
 * }</pre>
 */
public final class RecordLimits {
    /** Kafka's default {@code max.request.size}: 1 MiB. */
    public static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
    /**
     * Bytes kept free for what Kafka adds around a record's key and value: the batch header (61 bytes), the
     * record's own framing (at most 21 bytes) and the few headers Kafka Streams may add to a changelog record.
     */
    public static final int FRAMING_BYTES = 1024;
    /** Kafka Streams' prefix for producer-only settings ({@code StreamsConfig.PRODUCER_PREFIX}). */
    private static final String PRODUCER_PREFIX = "producer.";

    private RecordLimits() {
    }

    /**
     * The largest key plus value, in bytes, that Kafka Streams' producer sends as one record under these
     * application configs: its {@code max.request.size} ({@code producer.}-prefixed first, then plain, then Kafka's
     * default) minus {@link #FRAMING_BYTES}. The brokers' {@code message.max.bytes} (default 1 MiB + 12 bytes) must
     * not be lower than the producer's limit; that is the broker operator's part.
     *
     * @param streamsConfigs the application's configs, e.g. {@code ProcessorContext.appConfigs()}; never null
     */
    public static int largestKeyAndValue(Map<String, ?> streamsConfigs) {
        Object configured = streamsConfigs.get(PRODUCER_PREFIX + ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        if (configured == null) {
            configured = streamsConfigs.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        }
        int maxRequestSize = configured == null ? DEFAULT_MAX_REQUEST_SIZE
                : (Integer) ConfigDef.parseType(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, configured, ConfigDef.Type.INT);
        return Math.max(0, maxRequestSize - FRAMING_BYTES);
    }

    /**
     * An upper bound of the bytes {@code headers} take in a record: keys (at most 3 bytes a character in UTF-8),
     * values and a few bytes of framing each. Headers travel with a record through every topic it is written to,
     * so they count towards its size like key and value.
     */
    public static long sizeOf(Headers headers) {
        long size = 0;
        if (headers != null) {
            for (Header header : headers) {
                size += header.key().length() * 3L + (header.value() == null ? 0 : header.value().length) + 10;
            }
        }
        return size;
    }
}
