package io.spectracache.server;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and aborts <em>hanging</em> transactions of this application: a transaction left open on a partition that
 * its coordinator no longer counts as part of an ongoing transaction, so no marker will ever close it.
 *
 * <p>Why: a {@code read_committed} reader stops at the first open transaction of a partition (its last stable
 * offset). A hanging transaction on a changelog therefore stops the restoration of that store for good; one on
 * {@code __consumer_offsets} (a transactional offset commit) makes every fetch of the group's committed offsets
 * answer "unstable", so the stream thread never starts its tasks. Either way the instance never becomes ready.
 * Seen here with the embedded broker after {@code kill -9} of the whole process (the broker and the application
 * die together): 3 of 7 restarts hung on a changelog, and later 2 of 3 on the offsets partition (producer 3 at
 * epoch 409 open there while its coordinator was at epoch 413, empty). The remedy is Kafka's own (KIP-664,
 * {@code kafka-transactions.sh find-hanging} and {@code abort}); this class applies it automatically, and only where
 * it is safe.
 *
 * <p>A transaction is aborted only if all of these hold: it is on a topic this application writes under
 * exactly-once (its internal topics, the output topics given, and {@code __consumer_offsets}, where its offsets are
 * committed); its producer is one of this application's transactional producers (the transactional id starts with
 * {@code <application.id>-}); its coordinator has moved on (its current transaction for that transactional id has
 * another producer id or a newer epoch, is not ongoing, or does not include the partition) and is not writing
 * markers; and all of that was seen in consecutive checks for at least {@code confirmAfter}. The last condition
 * closes the one race, a transaction that ended between reading the partition and reading its coordinator: its
 * markers are written before the coordinator reports it complete, so the next check no longer finds it open.
 * Records of a hanging transaction were never visible to {@code read_committed} readers and never can be; aborting
 * makes that final.
 *
 * <pre>{@code
 * try (HangingTransactionGuard guard = HangingTransactionGuard.start("127.0.0.1:9092", Map.of(), "spectracache",
 *         List.of("spectra.events", "spectra.events.dlq"), Duration.ofSeconds(5), registry)) {
 *     ...
 * }
 * }</pre>
 */
final class HangingTransactionGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HangingTransactionGuard.class);
    static final String ABORTED_METER = "spectra.reliability.hanging.transactions.aborted";

    private final Admin admin;
    private final String applicationId;
    private final Set<String> outputTopics;
    private final Duration confirmAfter;
    private final Counter aborted;
    /** Candidates of the previous checks, with when each was first seen; touched by the scheduler's thread only. */
    private final Map<AbortTransactionSpec, Long> suspects = new HashMap<>();
    private final ScheduledExecutorService scheduler;

    private HangingTransactionGuard(Admin admin, String applicationId, Collection<String> outputTopics,
                                    Duration confirmAfter, MeterRegistry registry) {
        this.admin = admin;
        this.applicationId = applicationId;
        this.outputTopics = Set.copyOf(outputTopics);
        this.confirmAfter = confirmAfter;
        this.aborted = Counter.builder(ABORTED_METER)
                .description("Hanging transactions of this application found on its topics and aborted")
                .register(registry);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "spectra-hanging-transaction-guard");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Checks 1 s after start, then every {@code confirmAfter / 2} (at least every second), so a hanging transaction
     * found at start-up is aborted about {@code confirmAfter} later. The guard owns its admin client and closes it.
     */
    static HangingTransactionGuard start(String bootstrapServers, Map<String, Object> clientOverrides, String applicationId,
                                         Collection<String> outputTopics, Duration confirmAfter, MeterRegistry registry) {
        Map<String, Object> props = new HashMap<>(clientOverrides);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "spectracache-hanging-transaction-guard");
        HangingTransactionGuard guard = new HangingTransactionGuard(Admin.create(props), applicationId, outputTopics,
                confirmAfter, registry);
        long period = Math.max(1_000, confirmAfter.toMillis() / 2);
        guard.scheduler.scheduleWithFixedDelay(guard::checkQuietly, 1_000, period, TimeUnit.MILLISECONDS);
        return guard;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (Exception e) {
            // The cluster may be away (a broker restarting); the next round tries again.
            LOG.debug("checking for hanging transactions failed; trying again later", e);
        }
    }

    /** One round: finds this application's hanging transactions and aborts them; returns what it aborted. */
    List<AbortTransactionSpec> check() throws Exception {
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(30, TimeUnit.SECONDS).stream()
                .filter(topic -> topic.startsWith(applicationId + "-") || outputTopics.contains(topic)
                        || topic.equals(Topic.GROUP_METADATA_TOPIC_NAME))
                .collect(Collectors.toSet());
        if (topics.isEmpty()) {
            return List.of();
        }
        List<TopicPartition> partitions = new ArrayList<>();
        admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, description) ->
                description.partitions().forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
        Map<TopicPartition, List<ProducerState>> open = new HashMap<>();
        admin.describeProducers(partitions).all().get(30, TimeUnit.SECONDS).forEach((partition, state) -> {
            List<ProducerState> inTransaction = state.activeProducers().stream()
                    .filter(producer -> producer.currentTransactionStartOffset().isPresent())
                    .collect(Collectors.toList());
            if (!inTransaction.isEmpty()) {
                open.put(partition, inTransaction);
            }
        });
        if (open.isEmpty()) {
            suspects.clear();
            return List.of();
        }
        Set<Long> producerIds = open.values().stream().flatMap(List::stream).map(ProducerState::producerId).collect(Collectors.toSet());
        Map<Long, String> ours = new HashMap<>();
        for (TransactionListing listing : admin.listTransactions(new ListTransactionsOptions().filterProducerIds(producerIds))
                .all().get(30, TimeUnit.SECONDS)) {
            if (listing.transactionalId().startsWith(applicationId + "-")) {
                ours.put(listing.producerId(), listing.transactionalId());
            }
        }
        Map<String, TransactionDescription> coordinator = ours.isEmpty() ? Map.of()
                : admin.describeTransactions(new HashSet<>(ours.values())).all().get(30, TimeUnit.SECONDS);
        Map<Long, TransactionDescription> byProducer = new HashMap<>();
        ours.forEach((producerId, transactionalId) -> {
            TransactionDescription description = coordinator.get(transactionalId);
            if (description != null) {
                byProducer.put(producerId, description);
            }
        });
        List<AbortTransactionSpec> hanging = confirmed(suspects, hanging(open, byProducer), System.currentTimeMillis(), confirmAfter);
        for (AbortTransactionSpec spec : hanging) {
            LOG.warn("aborting a hanging transaction on {} (producer {} epoch {}): its coordinator no longer counts it, "
                    + "and read_committed readers such as a store's restoration would wait for it forever",
                    spec.topicPartition(), spec.producerId(), spec.producerEpoch());
            admin.abortTransaction(spec).all().get(30, TimeUnit.SECONDS);
            suspects.remove(spec);
            aborted.increment();
        }
        return hanging;
    }

    /**
     * The decision, apart from the cluster: which open transactions look hanging now. {@code coordinator} holds the
     * coordinator's current transaction for each producer id that belongs to this application; a producer id
     * missing from it is not ours and is left alone.
     */
    static List<AbortTransactionSpec> hanging(Map<TopicPartition, List<ProducerState>> open,
                                              Map<Long, TransactionDescription> coordinator) {
        requireNonNull(open, "open");
        requireNonNull(coordinator, "coordinator");
        List<AbortTransactionSpec> hanging = new ArrayList<>();
        open.forEach((partition, producers) -> {
            for (ProducerState producer : producers) {
                TransactionDescription current = coordinator.get(producer.producerId());
                if (current == null) {
                    continue;
                }
                boolean stillCounted = current.producerId() == producer.producerId()
                        && current.producerEpoch() == producer.producerEpoch()
                        && (current.state() == TransactionState.ONGOING || current.state() == TransactionState.PREPARE_COMMIT
                            || current.state() == TransactionState.PREPARE_ABORT)
                        && current.topicPartitions().contains(partition);
                boolean markersPending = current.state() == TransactionState.PREPARE_COMMIT
                        || current.state() == TransactionState.PREPARE_ABORT
                        || current.state() == TransactionState.PREPARE_EPOCH_FENCE;
                if (!stillCounted && !markersPending) {
                    hanging.add(new AbortTransactionSpec(partition, producer.producerId(), (short) producer.producerEpoch(),
                            producer.coordinatorEpoch().orElse(0)));
                }
            }
        });
        return hanging;
    }

    /**
     * Of this check's {@code candidates}, those seen in every check for at least {@code confirmAfter}. Updates
     * {@code suspects} (candidate to when it was first seen): a candidate missing from this check is forgotten.
     */
    static List<AbortTransactionSpec> confirmed(Map<AbortTransactionSpec, Long> suspects, List<AbortTransactionSpec> candidates,
                                                long nowMs, Duration confirmAfter) {
        suspects.keySet().retainAll(Set.copyOf(candidates));
        List<AbortTransactionSpec> confirmed = new ArrayList<>();
        for (AbortTransactionSpec candidate : candidates) {
            long firstSeen = suspects.computeIfAbsent(candidate, c -> nowMs);
            if (nowMs - firstSeen >= confirmAfter.toMillis()) {
                confirmed.add(candidate);
            }
        }
        return confirmed;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        admin.close(Duration.ofSeconds(1));
    }
}
