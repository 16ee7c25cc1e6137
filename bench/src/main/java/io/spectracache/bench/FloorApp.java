package io.spectracache.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectReader;
import io.spectracache.serialization.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The benchmark's floor: the least a Kafka Streams application does to answer "how many events has this device sent,
 * and what did it last report", run on the same broker and events as SpectraCache's end-to-end phase, so that
 * SpectraCache's rate can be given as a ratio to it (issue 7).
 *
 * <p><b>What it does, per event</b> of the input topic (keyed by device id, JSON values as SpectraCache's contract v1):
 * <ol>
 *   <li>parses the value with Jackson, through the shared {@link Json#mapper()}, into a {@link Reading} (device id,
 *       {@code ts} as text, {@code metrics}; other fields are skipped by the parser, not kept);</li>
 *   <li>adds it to the device's {@link Latest}: the count plus one, and the event's {@code ts} and metrics as the
 *       latest value, in a persistent RocksDB key-value store ({@value #STORE}, DSL {@code aggregate}) with Kafka
 *       Streams' record cache on at its default size and a changelog topic, so the updates of one device collapse to
 *       one changelog record per commit;</li>
 *   <li>answers interactive queries (IQv2 {@link KeyQuery}) for a device's state, by which the benchmark waits for
 *       completion as it does over HTTP for SpectraCache.</li>
 * </ol>
 * One sub-topology: the input is already keyed by device, so there is no repartition topic, and nothing is written
 * to Kafka but the store's changelog (and the transactions' offsets and markers).
 *
 * <p><b>Shared with SpectraCache's phase</b> (the caller passes the same values): the broker, the partition count of
 * the input topic, the number of stream threads, the commit interval, the processing guarantee
 * ({@code exactly_once_v2} by default), the replication factor of internal topics, and {@code spectracache.kafka.*}
 * client settings. Everything else is Kafka Streams' default: record cache {@code statestore.cache.max.bytes} 10 MiB
 * (SpectraCache: 64 MiB), and none of SpectraCache's client tuning (producer linger 5 ms, 256 KiB batches, lz4,
 * {@code max.poll.records} 2000, {@code max.task.idle.ms} disabled).
 *
 * <p><b>What it does not do, compared to SpectraCache</b>:
 * <ul>
 *   <li>no validation: no required-field, type, timestamp-range, coordinate or size checks, and no normalisation;
 *       a value that is not JSON fails the stream thread (Kafka Streams' default handlers);</li>
 *   <li>no dead-letter topic and no per-record ingest meters;</li>
 *   <li>no de-duplication: no window store of event ids and so no changelog record per event for it;</li>
 *   <li>no write of the validated event to a {@code spectra.events} topic (no second JSON encoding, no producer send
 *       per event);</li>
 *   <li>"latest" is the last event processed, not the one with the greatest event time; no {@code firstSeen},
 *       {@code lastSeen}, location, attributes or copy of the last event, and no bounds on the state's size;</li>
 *   <li>no key-value cache topology, no REST server, no routing between instances, no readiness checks.</li>
 * </ul>
 *
 * <pre>{@code
 * try (FloorApp floor = FloorApp.start(settings)) {
 *     floor.awaitRunning(Duration.ofSeconds(60));
 *     long count = floor.count("bench-device-000042"); // -1 until the device has a state here
 * }
 * }</pre>
 */
final class FloorApp implements AutoCloseable {
    /** The state store: device id → {@link Latest}. */
    static final String STORE = "floor-latest";

    private static final ObjectReader READING = Json.mapper().readerFor(Reading.class);

    private final KafkaStreams streams;

    private FloorApp(KafkaStreams streams) {
        this.streams = streams;
    }

    /**
     * What the floor shares with SpectraCache's phase, and where it keeps its own things.
     *
     * @param inputTopic          the events, keyed by device id; must exist
     * @param stateDir            Kafka Streams' {@code state.dir}
     * @param replicationFactor   of the changelog topic; -1 for the broker's default
     * @param clientOverrides     settings for every Kafka client ({@code spectracache.kafka.*} without the prefix)
     */
    record Settings(String bootstrapServers, String applicationId, String inputTopic, Path stateDir, int streamThreads,
                    long commitIntervalMs, String processingGuarantee, int replicationFactor,
                    Map<String, Object> clientOverrides) {
        Settings {
            requireNonNull(bootstrapServers, "bootstrapServers");
            requireNonNull(applicationId, "applicationId");
            requireNonNull(inputTopic, "inputTopic");
            requireNonNull(stateDir, "stateDir");
            requireNonNull(processingGuarantee, "processingGuarantee");
            clientOverrides = Map.copyOf(clientOverrides);
            if (streamThreads < 1) {
                throw new IllegalArgumentException("streamThreads must be at least 1: " + streamThreads);
            }
            if (commitIntervalMs < 0) {
                throw new IllegalArgumentException("commitIntervalMs must not be negative: " + commitIntervalMs);
            }
        }
    }

    /** One parsed event: only the fields the floor keeps. Unknown fields are skipped (the shared mapper ignores them). */
    record Reading(String deviceId, String ts, Map<String, Double> metrics) {
        Reading {
            metrics = metrics == null ? Map.of() : metrics;
        }
    }

    /** A device's state: how many events it sent, and the {@code ts} and metrics of the last one processed. */
    record Latest(long count, String ts, Map<String, Double> metrics) {
        static final Latest NONE = new Latest(0, "", Map.of());

        Latest {
            requireNonNull(ts, "ts");
            requireNonNull(metrics, "metrics");
        }

        Latest plus(Reading reading) {
            return new Latest(count + 1, reading.ts() == null ? "" : reading.ts(), reading.metrics());
        }
    }

    /** Parses one event value; throws on anything that is not a JSON object (the floor does no validation). */
    static Reading parse(byte[] value) {
        try {
            return READING.readValue(value);
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON event", e);
        }
    }

    /** The whole application: source → parse → count and latest per device, materialised in {@value #STORE}. */
    static Topology topology(String inputTopic) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(inputTopic, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("floor-read"))
                .mapValues(FloorApp::parse, Named.as("floor-parse"))
                .groupByKey(Grouped.<String, Reading>as("floor-by-device").withKeySerde(Serdes.String()))
                .aggregate(() -> Latest.NONE, (device, reading, latest) -> latest.plus(reading), Named.as("floor-count"),
                        Materialized.<String, Latest, KeyValueStore<Bytes, byte[]>>as(STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(latestSerde()));
        return builder.build();
    }

    /** Kafka Streams' properties: the shared settings, Kafka Streams' defaults for the rest. */
    static Properties properties(Settings settings) {
        Properties props = new Properties();
        props.putAll(settings.clientOverrides());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toAbsolutePath().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitIntervalMs());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, settings.processingGuarantee());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, settings.replicationFactor());
        return props;
    }

    /** Builds and starts the application; {@link #awaitRunning} says when it processes. */
    static FloorApp start(Settings settings) {
        KafkaStreams streams = new KafkaStreams(topology(settings.inputTopic()), properties(settings));
        streams.start();
        return new FloorApp(streams);
    }

    /** Waits until Kafka Streams is RUNNING (partitions assigned, stores open). */
    boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() - deadline > 0 || streams.state() == KafkaStreams.State.ERROR) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    KafkaStreams.State state() {
        return streams.state();
    }

    /** The device's state as this instance's stores hold it now (uncommitted writes included), or null. */
    Latest latest(String deviceId) {
        StateQueryResult<Latest> result;
        try {
            result = streams.query(StateQueryRequest.inStore(STORE).withQuery(KeyQuery.<String, Latest>withKey(deviceId)));
        } catch (InvalidStateStoreException e) {
            return null; // rebalancing or not started: "not there yet", as a 503 is for SpectraCache's poll
        }
        for (QueryResult<Latest> partition : result.getPartitionResults().values()) {
            if (partition.isSuccess() && partition.getResult() != null) {
                return partition.getResult();
            }
        }
        return null;
    }

    /** The device's count, or -1 when it has no state here yet. */
    long count(String deviceId) {
        Latest latest = latest(deviceId);
        return latest == null ? -1 : latest.count();
    }

    /** Stops the application and deletes its local state (its topics are the caller's to delete). */
    @Override
    public void close() {
        streams.close(CloseOptions.timeout(Duration.ofSeconds(30)));
        streams.cleanUp();
    }

    /** {@link #encode} and {@link #decode} as a serde: they run for every event, as the record cache holds bytes. */
    static Serde<Latest> latestSerde() {
        return Serdes.serdeFrom((topic, latest) -> latest == null ? null : encode(latest),
                (topic, bytes) -> bytes == null ? null : decode(bytes));
    }

    /**
     * A state as bytes: count (8), {@code ts} length (4) and UTF-8, metric count (4), then per metric its name length
     * (4), UTF-8 name and value (8).
     */
    static byte[] encode(Latest latest) {
        byte[] ts = latest.ts().getBytes(StandardCharsets.UTF_8);
        byte[][] names = new byte[latest.metrics().size()][];
        double[] values = new double[names.length];
        int size = 8 + 4 + ts.length + 4;
        int i = 0;
        for (Map.Entry<String, Double> metric : latest.metrics().entrySet()) {
            names[i] = metric.getKey().getBytes(StandardCharsets.UTF_8);
            values[i] = metric.getValue() == null ? Double.NaN : metric.getValue();
            size += 4 + names[i].length + 8;
            i++;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size).putLong(latest.count()).putInt(ts.length).put(ts).putInt(names.length);
        for (i = 0; i < names.length; i++) {
            buffer.putInt(names[i].length).put(names[i]).putDouble(values[i]);
        }
        return buffer.array();
    }

    /**
     * The state {@link #encode} wrote.
     *
     * @throws SerializationException if the bytes are not such a state (truncated, trailing bytes, bad lengths)
     */
    static Latest decode(byte[] bytes) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            long count = buffer.getLong();
            String ts = text(buffer);
            int metrics = buffer.getInt();
            if (metrics < 0 || metrics > buffer.remaining() / 12) {
                throw new SerializationException("bad metric count " + metrics);
            }
            Map<String, Double> values = new LinkedHashMap<>(metrics * 2);
            for (int i = 0; i < metrics; i++) {
                values.put(text(buffer), buffer.getDouble());
            }
            if (buffer.hasRemaining()) {
                throw new SerializationException(buffer.remaining() + " trailing bytes");
            }
            return new Latest(count, ts, values);
        } catch (BufferUnderflowException e) {
            throw new SerializationException("truncated floor state", e);
        }
    }

    private static String text(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length < 0 || length > buffer.remaining()) {
            throw new SerializationException("bad text length " + length);
        }
        String text = new String(buffer.array(), buffer.position(), length, StandardCharsets.UTF_8);
        buffer.position(buffer.position() + length);
        return text;
    }
}
