package io.spectracache.server;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * How an instance stops and comes back: the shutdown budget, static group membership, and Kafka Streams'
 * transactional state stores (KIP-892).
 *
 * <pre>{@code
 * ReliabilitySettings settings = ReliabilitySettings.from(config.originals());
 * Duration budget = settings.shutdownTimeout();
 * }</pre>
 *
 * @param shutdownTimeout         the longest a clean stop may take; positive
 * @param staticMembership        whether the instance joins the consumer group with a stable {@code group.instance.id}
 * @param instanceId              that id; empty: generated once and kept in the data directory ({@link InstanceId})
 * @param transactionalStateStores whether Kafka Streams keeps uncommitted writes out of the stores (KIP-892)
 * @param hangingTransactionAge   how long a transaction of this application must be seen hanging before it is aborted;
 *                                zero: never ({@link HangingTransactionGuard})
 */
public record ReliabilitySettings(Duration shutdownTimeout, boolean staticMembership, String instanceId,
                                  boolean transactionalStateStores, Duration hangingTransactionAge) {

    public static final String SHUTDOWN_TIMEOUT_MS_CONFIG = "spectracache.reliability.shutdown.timeout.ms";
    public static final String SHUTDOWN_TIMEOUT_MS_DOC = "The longest a clean stop (SIGTERM, Ctrl-C) may take. "
            + "Kafka Streams gets half of it to commit and leave the group, the REST server, the cache writer and the "
            + "embedded broker share the rest; a stop still running at the deadline halts the process, which is as "
            + "safe as a crash (every acknowledged write is in Kafka) and beats an orchestrator's SIGKILL.";
    public static final long SHUTDOWN_TIMEOUT_MS_DEFAULT = 8_000L;

    public static final String STATIC_MEMBERSHIP_CONFIG = "spectracache.reliability.static.membership";
    public static final String STATIC_MEMBERSHIP_DOC = "Join the consumer group as a static member "
            + "(group.instance.id): an instance restarted after a crash takes its partitions back at once instead of "
            + "waiting for the dead member's session to time out. A clean stop still leaves the group, so its "
            + "partitions move to the other instances at once.";
    public static final boolean STATIC_MEMBERSHIP_DEFAULT = true;

    public static final String INSTANCE_ID_CONFIG = "spectracache.reliability.instance.id";
    public static final String INSTANCE_ID_DOC = "This instance's stable group.instance.id. Empty: one is generated on "
            + "first start and kept in <data dir>/" + InstanceId.FILE_NAME + ". Two running instances must never "
            + "share one (the second fences the first), so never copy a data directory to start a second instance.";
    public static final String INSTANCE_ID_DEFAULT = "";

    public static final String TRANSACTIONAL_STATE_STORES_CONFIG = "spectracache.reliability.transactional.state.stores";
    public static final String TRANSACTIONAL_STATE_STORES_DOC = "Kafka Streams' transactional state stores "
            + "(KIP-892, enable.transactional.statestores): uncommitted writes stay out of the stores, so after a crash "
            + "under exactly_once_v2 the stores are rolled back to the last commit instead of wiped and restored from "
            + "their changelogs, and replay at most the ~10,000 changelog records since the store last recorded its offset. "
            + "Uncommitted writes are held in memory up to Kafka Streams' statestore.uncommitted.max.bytes (64 MB). "
            + "RELIABILITY.md has the measured restart and ingest figures with it on and off.";
    public static final boolean TRANSACTIONAL_STATE_STORES_DEFAULT = true;

    public static final String HANGING_TRANSACTION_ABORT_MS_CONFIG = "spectracache.reliability.hanging.transaction.abort.ms";
    public static final String HANGING_TRANSACTION_ABORT_MS_DOC = "A transaction of this application left open on one of "
            + "its topics or on its group's committed offsets, that its coordinator no longer counts (a 'hanging' transaction, "
            + "seen after the embedded broker and the application crashed together), is aborted once it was seen so in "
            + "every check for this long: otherwise read_committed readers, such as a store's restoration and the fetch "
            + "of committed offsets, wait for it forever. A live transaction is always counted by its coordinator; the "
            + "wait only rules out one that ended between two reads of a check. 0: never abort.";
    public static final long HANGING_TRANSACTION_ABORT_MS_DEFAULT = 5_000L;

    private static final ConfigDef CONFIG = define(new ConfigDef());

    public ReliabilitySettings {
        requireNonNull(shutdownTimeout, "shutdownTimeout");
        requireNonNull(instanceId, "instanceId");
        requireNonNull(hangingTransactionAge, "hangingTransactionAge");
        if (shutdownTimeout.isNegative() || shutdownTimeout.isZero()) {
            throw new IllegalArgumentException("shutdownTimeout must be positive, was " + shutdownTimeout);
        }
        if (hangingTransactionAge.isNegative()) {
            throw new IllegalArgumentException("hangingTransactionAge must not be negative, was " + hangingTransactionAge);
        }
    }

    /** Adds this capability's settings to {@code def}; returns {@code def}. */
    public static ConfigDef define(ConfigDef def) {
        return def
                .define(SHUTDOWN_TIMEOUT_MS_CONFIG, Type.LONG, SHUTDOWN_TIMEOUT_MS_DEFAULT, Range.between(1_000L, 600_000L),
                        Importance.MEDIUM, SHUTDOWN_TIMEOUT_MS_DOC)
                .define(STATIC_MEMBERSHIP_CONFIG, Type.BOOLEAN, STATIC_MEMBERSHIP_DEFAULT, Importance.MEDIUM,
                        STATIC_MEMBERSHIP_DOC)
                .define(INSTANCE_ID_CONFIG, Type.STRING, INSTANCE_ID_DEFAULT, ReliabilitySettings::validInstanceId,
                        Importance.LOW, INSTANCE_ID_DOC)
                .define(TRANSACTIONAL_STATE_STORES_CONFIG, Type.BOOLEAN, TRANSACTIONAL_STATE_STORES_DEFAULT,
                        Importance.LOW, TRANSACTIONAL_STATE_STORES_DOC)
                .define(HANGING_TRANSACTION_ABORT_MS_CONFIG, Type.LONG, HANGING_TRANSACTION_ABORT_MS_DEFAULT,
                        Range.between(0L, 86_400_000L), Importance.LOW, HANGING_TRANSACTION_ABORT_MS_DOC);
    }

    private static void validInstanceId(String name, Object value) {
        String id = value == null ? "" : value.toString().strip();
        if (!id.isEmpty() && !InstanceId.VALID.matcher(id).matches()) {
            throw new ConfigException(name, value, "use " + InstanceId.VALID_DESCRIPTION + ", or leave it empty");
        }
    }

    /** The defaults, the same as {@link #define(ConfigDef)} declares. */
    public static ReliabilitySettings defaults() {
        return from(Map.of());
    }

    /**
     * Reads this capability's keys from a server's settings (e.g. {@code SpectraConfig.originals()}), with the
     * defaults above for the missing ones; other keys are ignored.
     *
     * @throws org.apache.kafka.common.config.ConfigException if a value has the wrong type or range
     */
    public static ReliabilitySettings from(Map<String, ?> originals) {
        Map<String, Object> parsed = CONFIG.parse(originals);
        return new ReliabilitySettings(
                Duration.ofMillis((Long) parsed.get(SHUTDOWN_TIMEOUT_MS_CONFIG)),
                (Boolean) parsed.get(STATIC_MEMBERSHIP_CONFIG),
                ((String) parsed.get(INSTANCE_ID_CONFIG)).strip(),
                (Boolean) parsed.get(TRANSACTIONAL_STATE_STORES_CONFIG),
                Duration.ofMillis((Long) parsed.get(HANGING_TRANSACTION_ABORT_MS_CONFIG)));
    }

    /**
     * The Kafka Streams properties these settings stand for: the main consumer's {@code group.instance.id} (Streams
     * appends {@code -<thread>}) when membership is static, and {@code enable.transactional.statestores}. Resolving
     * the instance id may write it to {@code dataDir}: call this only while holding the directory's lock.
     */
    public Map<String, Object> streamsProperties(Path dataDir) {
        Map<String, Object> props = new HashMap<>();
        if (staticMembership) {
            props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), InstanceId.resolve(dataDir, instanceId));
        }
        props.put(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, transactionalStateStores);
        return props;
    }

    /** How long Kafka Streams may take to close: half the budget, the rest is for the other parts. */
    public Duration streamsCloseTimeout() {
        return shutdownTimeout.dividedBy(2);
    }
}
