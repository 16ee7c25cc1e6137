package io.spectracache.server;

import io.spectracache.flight.FlightSettings;
import io.spectracache.rest.ClientAccess;
import io.spectracache.sketches.SketchSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Every setting of a SpectraCache server, declared once: key, type, default, validator and documentation. The
 * instance's own settings are declared here; each capability declares its own fragment beside its code, and
 * {@link #CONFIG} merges them.
 * The README's configuration table and {@code --help} are generated from {@link #CONFIG}; a test keeps the
 * README in step.
 *
 * <p>Sources, later ones winning: the defaults below, a properties file ({@code --config}), environment
 * variables ({@code SPECTRACACHE_REST_PORT} sets {@code spectracache.rest.port}), then command-line flags.
 * Keys under {@code spectracache.kafka.} are handed to every Kafka client as they are (security settings,
 * for example) and keys under {@code spectracache.streams.} to Kafka Streams only.
 *
 * <pre>{@code SpectraConfig config = SpectraConfig.of(Map.of(SpectraConfig.REST_PORT_CONFIG, 8080));}</pre>
 */
public final class SpectraConfig extends AbstractConfig {
    public static final String PREFIX = "spectracache.";

    public static final String BOOTSTRAP_SERVERS_CONFIG = "spectracache.bootstrap.servers";
    private static final String BOOTSTRAP_SERVERS_DOC = "Kafka cluster to use (host:port,...). Empty: start an embedded "
            + "single-node broker on spectracache.embedded.kafka.port, with its data under spectracache.data.dir.";

    public static final String EMBEDDED_KAFKA_PORT_CONFIG = "spectracache.embedded.kafka.port";
    private static final String EMBEDDED_KAFKA_PORT_DOC = "Port of the embedded broker on 127.0.0.1 (0: any free port).";

    public static final String EMBEDDED_CONTROLLER_PORT_CONFIG = "spectracache.embedded.kafka.controller.port";
    private static final String EMBEDDED_CONTROLLER_PORT_DOC = "KRaft controller port of the embedded broker (0: any free port).";

    public static final String DATA_DIR_CONFIG = "spectracache.data.dir";
    private static final String DATA_DIR_DOC = "Directory for the embedded broker's log (kafka/) and the local state "
            + "stores (streams/). Keep it across restarts to keep the state.";

    public static final String APPLICATION_ID_CONFIG = "spectracache.application.id";
    private static final String APPLICATION_ID_DOC = "Kafka Streams application id. Instances with the same id share "
            + "the work and answer for each other.";

    public static final String TOPIC_PREFIX_CONFIG = "spectracache.topic.prefix";
    private static final String TOPIC_PREFIX_DOC = "Prefix of every topic name (spectra.events.raw, ...).";

    public static final String TOPIC_PARTITIONS_CONFIG = "spectracache.topic.partitions";
    private static final String TOPIC_PARTITIONS_DOC = "Partitions of the topics SpectraCache creates when they are "
            + "missing; the upper bound of parallelism across instances. Existing topics are left as they are.";

    public static final String TOPIC_REPLICATION_FACTOR_CONFIG = "spectracache.topic.replication.factor";
    private static final String TOPIC_REPLICATION_FACTOR_DOC = "Replication factor of created topics, including "
            + "internal ones (-1: the broker's default).";

    public static final String REST_HOST_CONFIG = "spectracache.rest.host";
    private static final String REST_HOST_DOC = "Address the REST API binds to.";

    public static final String REST_PORT_CONFIG = "spectracache.rest.port";
    private static final String REST_PORT_DOC = "Port of the REST API, the dashboard and /metrics (0: any free port).";

    public static final String REST_THREADS_CONFIG = "spectracache.rest.threads";
    private static final String REST_THREADS_DOC = "Most threads serving REST requests (0: Jetty's default). Fewer "
            + "threads than concurrent clients queue requests instead of switching between threads.";

    public static final String REST_MAX_BODY_BYTES_CONFIG = "spectracache.rest.max.body.bytes";
    private static final String REST_MAX_BODY_BYTES_DOC = "Largest request body the REST API reads (413 above, before "
            + "it is read); each endpoint may accept less, a cache value at most spectracache.kv.max.value.bytes.";

    public static final String REST_IDLE_TIMEOUT_MS_CONFIG = "spectracache.rest.idle.timeout.ms";
    private static final String REST_IDLE_TIMEOUT_MS_DOC = "How long the REST API waits for the rest of a request that "
            + "stalls (a body shorter than its Content-Length, or never sent after 'Expect: 100-continue') before it "
            + "answers 408, and how long an idle connection stays open.";

    public static final String REST_PROTECTED_MODE_CONFIG = ClientAccess.PROTECTED_MODE_SETTING;
    private static final String REST_PROTECTED_MODE_DOC = "Protected mode (no credentials exist yet): the public API "
            + "and /metrics answer loopback clients only (others get 403), /health/live and /health/ready answer "
            + "everyone, and the internal query API answers other instances of this application (a request naming a "
            + "current member in X-Spectra-Forwarded-By, from an address its advertised host resolves to). false "
            + "answers every client: only behind your own firewall or proxy.";

    public static final String ADVERTISED_HOST_CONFIG = "spectracache.advertised.host";
    private static final String ADVERTISED_HOST_DOC = "Host name other instances use to reach this one's REST API; "
            + "with the REST port it is this instance's Kafka Streams application.server.";

    public static final String STREAM_THREADS_CONFIG = "spectracache.stream.threads";
    private static final String STREAM_THREADS_DOC = "Kafka Streams processing threads of this instance; one per "
            + "core is a good start (each runs whole tasks, so more threads than partitions only idle).";

    public static final String PROCESSING_GUARANTEE_CONFIG = "spectracache.processing.guarantee";
    private static final String PROCESSING_GUARANTEE_DOC = "exactly_once_v2 (default: every input record changes "
            + "the state exactly once, even across crashes) or at_least_once.";

    public static final String COMMIT_INTERVAL_MS_CONFIG = "spectracache.commit.interval.ms";
    private static final String COMMIT_INTERVAL_MS_DOC = "How often processing progress is committed. Shorter: "
            + "downstream read_committed consumers see results sooner; longer: higher throughput.";

    public static final String STANDBY_REPLICAS_CONFIG = "spectracache.standby.replicas";
    private static final String STANDBY_REPLICAS_DOC = "Warm copies of each store kept on other instances, for fast fail-over.";

    public static final String QUERY_PEER_TIMEOUT_MS_CONFIG = "spectracache.query.peer.timeout.ms";
    private static final String QUERY_PEER_TIMEOUT_MS_DOC = "Timeout of one call to another instance.";

    public static final String WRITE_TIMEOUT_MS_CONFIG = "spectracache.write.timeout.ms";
    private static final String WRITE_TIMEOUT_MS_DOC = "How long a write over REST waits for Kafka's acknowledgement "
            + "(acks=all) before it answers 503; the write may still apply.";

    public static final String QUERY_WAIT_MS_CONFIG = "spectracache.query.wait.ms";
    private static final String QUERY_WAIT_MS_DOC = "How long a read with ?after=<token> waits for the state to "
            + "include that write before it answers 503.";

    public static final String QUERY_MAX_WAITING_READS_CONFIG = "spectracache.query.max.waiting.reads";
    private static final String QUERY_MAX_WAITING_READS_DOC = "Reads with ?after=<token> that may wait at once for "
            + "their write to be applied; past it a read answers 503 at once, so waiting reads never take every "
            + "request thread.";

    public static final String READINESS_FAILURE_WINDOW_MS_CONFIG = "spectracache.readiness.failure.window.ms";
    private static final String READINESS_FAILURE_WINDOW_MS_DOC = "After a stream thread fails and is replaced, "
            + "/health/ready answers 503 (naming the failure) for this long; a thread that keeps failing keeps it 503.";

    public static final String SIMULATE_DEVICES_CONFIG = "spectracache.simulate.devices";
    private static final String SIMULATE_DEVICES_DOC = "Devices of the built-in fleet simulator (0: no simulator).";

    public static final String SIMULATE_RATE_CONFIG = "spectracache.simulate.rate";
    private static final String SIMULATE_RATE_DOC = "Events per second the simulator sends, for the whole fleet.";

    /** Every setting: the instance's own below, then each capability's fragment ({@link Capabilities#ALL}). */
    public static final ConfigDef CONFIG = withCapabilities(new ConfigDef()
            .define(BOOTSTRAP_SERVERS_CONFIG, Type.STRING, "", Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
            .define(EMBEDDED_KAFKA_PORT_CONFIG, Type.INT, 9092, Range.between(0, 65535), Importance.MEDIUM, EMBEDDED_KAFKA_PORT_DOC)
            .define(EMBEDDED_CONTROLLER_PORT_CONFIG, Type.INT, 9093, Range.between(0, 65535), Importance.LOW, EMBEDDED_CONTROLLER_PORT_DOC)
            .define(DATA_DIR_CONFIG, Type.STRING, "data", new ConfigDef.NonEmptyString(), Importance.HIGH, DATA_DIR_DOC)
            .define(APPLICATION_ID_CONFIG, Type.STRING, "spectracache", new ConfigDef.NonEmptyString(), Importance.HIGH, APPLICATION_ID_DOC)
            .define(TOPIC_PREFIX_CONFIG, Type.STRING, "spectra.", Importance.MEDIUM, TOPIC_PREFIX_DOC)
            .define(TOPIC_PARTITIONS_CONFIG, Type.INT, 4, Range.between(1, 10_000), Importance.MEDIUM, TOPIC_PARTITIONS_DOC)
            .define(TOPIC_REPLICATION_FACTOR_CONFIG, Type.SHORT, (short) -1, Importance.MEDIUM, TOPIC_REPLICATION_FACTOR_DOC)
            .define(REST_HOST_CONFIG, Type.STRING, "0.0.0.0", new ConfigDef.NonEmptyString(), Importance.MEDIUM, REST_HOST_DOC)
            .define(REST_PORT_CONFIG, Type.INT, 7070, Range.between(0, 65535), Importance.HIGH, REST_PORT_DOC)
            .define(REST_THREADS_CONFIG, Type.INT, 0, Range.between(0, 10_000), Importance.LOW, REST_THREADS_DOC)
            .define(REST_MAX_BODY_BYTES_CONFIG, Type.LONG, 1024L * 1024, Range.between(1024, 1L << 30), Importance.LOW, REST_MAX_BODY_BYTES_DOC)
            .define(REST_IDLE_TIMEOUT_MS_CONFIG, Type.LONG, 30_000L, Range.between(100, 3_600_000), Importance.LOW, REST_IDLE_TIMEOUT_MS_DOC)
            .define(REST_PROTECTED_MODE_CONFIG, Type.BOOLEAN, true, Importance.HIGH, REST_PROTECTED_MODE_DOC)
            .define(ADVERTISED_HOST_CONFIG, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.HIGH, ADVERTISED_HOST_DOC)
            .define(STREAM_THREADS_CONFIG, Type.INT, 2, Range.between(1, 64), Importance.MEDIUM, STREAM_THREADS_DOC)
            .define(PROCESSING_GUARANTEE_CONFIG, Type.STRING, "exactly_once_v2",
                    ValidString.in("exactly_once_v2", "at_least_once"), Importance.MEDIUM, PROCESSING_GUARANTEE_DOC)
            .define(COMMIT_INTERVAL_MS_CONFIG, Type.LONG, 200L, Range.atLeast(1), Importance.LOW, COMMIT_INTERVAL_MS_DOC)
            .define(STANDBY_REPLICAS_CONFIG, Type.INT, 0, Range.between(0, 10), Importance.LOW, STANDBY_REPLICAS_DOC)
            .define(QUERY_PEER_TIMEOUT_MS_CONFIG, Type.LONG, 2_000L, Range.atLeast(1), Importance.LOW, QUERY_PEER_TIMEOUT_MS_DOC)
            .define(WRITE_TIMEOUT_MS_CONFIG, Type.LONG, 10_000L, Range.atLeast(1), Importance.LOW, WRITE_TIMEOUT_MS_DOC)
            .define(QUERY_WAIT_MS_CONFIG, Type.LONG, 5_000L, Range.atLeast(0), Importance.LOW, QUERY_WAIT_MS_DOC)
            .define(QUERY_MAX_WAITING_READS_CONFIG, Type.INT, 64, Range.between(1, 100_000), Importance.LOW, QUERY_MAX_WAITING_READS_DOC)
            .define(READINESS_FAILURE_WINDOW_MS_CONFIG, Type.LONG, 60_000L, Range.atLeast(0), Importance.LOW, READINESS_FAILURE_WINDOW_MS_DOC)
            .define(SIMULATE_DEVICES_CONFIG, Type.INT, 0, Range.between(0, 10_000_000), Importance.LOW, SIMULATE_DEVICES_DOC)
            .define(SIMULATE_RATE_CONFIG, Type.INT, 1_000, Range.between(1, 10_000_000), Importance.LOW, SIMULATE_RATE_DOC));

    private static ConfigDef withCapabilities(ConfigDef def) {
        ReliabilitySettings.define(def);
        FlightSettings.define(def);
        Capabilities.ALL.forEach(capability -> capability.defineSettings(def));
        return def;
    }

    static final String KAFKA_PASSTHROUGH_PREFIX = PREFIX + "kafka.";
    static final String STREAMS_PASSTHROUGH_PREFIX = PREFIX + "streams.";

    private SpectraConfig(Map<?, ?> originals) {
        super(CONFIG, originals, false);
    }

    /** A configuration from explicit values; unset keys take their defaults. */
    public static SpectraConfig of(Map<String, ?> values) {
        return new SpectraConfig(values);
    }

    /**
     * Layers the sources in order of precedence: defaults, then {@code file}, then the environment, then
     * {@code flags}. Environment variables {@code SPECTRACACHE_A_B} become {@code spectracache.a.b}.
     */
    public static SpectraConfig layered(Properties file, Map<String, String> environment, Map<String, String> flags) {
        Map<String, Object> values = new HashMap<>();
        file.stringPropertyNames().forEach(key -> values.put(key, file.getProperty(key)));
        values.putAll(fromEnvironment(environment));
        values.putAll(flags);
        return new SpectraConfig(values);
    }

    static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> values = new HashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith("SPECTRACACHE_")) {
                values.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return values;
    }

    public boolean embeddedKafka() {
        return getString(BOOTSTRAP_SERVERS_CONFIG).isBlank();
    }

    public Path dataDir() {
        return Path.of(getString(DATA_DIR_CONFIG));
    }

    public String topicPrefix() {
        return getString(TOPIC_PREFIX_CONFIG);
    }

    /** Settings for every Kafka client, taken from {@code spectracache.kafka.*}, prefix removed. */
    public Map<String, Object> kafkaClientOverrides() {
        return originalsWithPrefix(KAFKA_PASSTHROUGH_PREFIX, true);
    }

    /** Settings for Kafka Streams only, taken from {@code spectracache.streams.*}, prefix removed. */
    public Map<String, Object> streamsOverrides() {
        return originalsWithPrefix(STREAMS_PASSTHROUGH_PREFIX, true);
    }

    /**
     * The settings as a Markdown table (key, type, default, description): the README's configuration section is
     * exactly this text, and a test keeps it so.
     */
    public static String markdownTable() {
        StringBuilder table = new StringBuilder("| key | type | default | description |\n| --- | --- | --- | --- |\n");
        for (ConfigDef.ConfigKey key : CONFIG.configKeys().values()) {
            Object value = key.defaultValue;
            String shown = value == null || value.toString().isEmpty() ? "(empty)" : value.toString();
            table.append("| `").append(key.name).append("` | ").append(key.type.name().toLowerCase(Locale.ROOT))
                    .append(" | `").append(shown).append("` | ").append(key.documentation.replace("|", "\\|")).append(" |\n");
        }
        return table.toString();
    }

    /** Keys this configuration got that are neither declared nor pass-through: most likely typos. */
    public Set<String> unknownKeys() {
        Set<String> unknown = new TreeSet<>(originals().keySet());
        unknown.removeIf(key -> CONFIG.names().contains(key) || SketchSettings.owns(key)
                || key.startsWith(KAFKA_PASSTHROUGH_PREFIX) || key.startsWith(STREAMS_PASSTHROUGH_PREFIX)
                || !key.startsWith(PREFIX));
        return unknown;
    }
}
