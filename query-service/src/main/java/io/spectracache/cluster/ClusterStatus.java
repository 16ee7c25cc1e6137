package io.spectracache.cluster;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.errors.RetryLaterException;
import io.spectracache.routing.Instance;
import io.spectracache.routing.LocalPartitions;
import io.spectracache.routing.PeerClient;
import io.spectracache.serialization.Json;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StreamsMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster as Kafka Streams sees it, from any instance: who holds which partitions of which store (metadata every
 * member learns from the group), and what each instance says about itself (store lags, restoration, input lag and
 * live counters), asked over the internal API with the peer client's timeout.
 *
 * <pre>{@code
 * ClusterView view = status.cluster();          // GET /v1/cluster
 * List<LocalStatus.Live> live = status.live();  // one sample per instance, for the dashboard's rates
 * }</pre>
 */
public final class ClusterStatus {
    /** Where an instance answers its {@link LocalStatus}. */
    public static final String INTERNAL_PATH = "/internal/v1/cluster";
    /** Where an instance answers only its {@link LocalStatus.Live} counters (cheap: no broker call). */
    public static final String INTERNAL_LIVE_PATH = "/internal/v1/cluster/live";

    private static final Logger LOG = LoggerFactory.getLogger(ClusterStatus.class);
    // Kafka's own metric names (consumer fetch metrics; Kafka Streams' processor-node e2e latency, KIP-613).
    private static final String FETCH_GROUP = "consumer-fetch-manager-metrics";
    private static final String NODE_GROUP = "stream-processor-node-metrics";
    /** A store lag read asks the broker for end offsets: at most once per this many ms. */
    private static final long LAG_CACHE_MS = 1_000;

    private final KafkaStreams streams;
    private final LocalPartitions partitions;
    private final Instance self;
    private final PeerClient peers;
    private final MeterRegistry registry;
    private final ExecutorService pool;
    private final Clock clock;
    private volatile CachedLags cachedLags = new CachedLags(0, List.of());

    private record CachedLags(long atMillis, List<LocalStatus.StoreLag> lags) {
    }

    /**
     * @param registry the instance's meters, where ingest's counters are read
     * @param pool     runs the calls to other instances; the caller owns it
     */
    public ClusterStatus(KafkaStreams streams, LocalPartitions partitions, Instance self, PeerClient peers,
                         MeterRegistry registry, ExecutorService pool, Clock clock) {
        this.streams = requireNonNull(streams, "streams");
        this.partitions = requireNonNull(partitions, "partitions");
        this.self = requireNonNull(self, "self");
        this.peers = requireNonNull(peers, "peers");
        this.registry = requireNonNull(registry, "registry");
        this.pool = requireNonNull(pool, "pool");
        this.clock = requireNonNull(clock, "clock");
    }

    /** This instance. */
    public Instance self() {
        return self;
    }

    /** What this instance says about itself; store lags at most a second old. */
    public LocalStatus local() {
        return new LocalStatus(self.toString(), streams.state().name(), storeLags(), consumerLag(), liveLocal());
    }

    /** This instance's live counters, read from its meters and Kafka's metrics only (no broker call). */
    public LocalStatus.Live liveLocal() {
        Map<String, Double> dlq = new TreeMap<>();
        for (Counter counter : registry.find("spectra.ingest.dlq").counters()) {
            String reason = counter.getId().getTag("reason");
            dlq.merge(reason == null ? "unknown" : reason, counter.count(), Double::sum);
        }
        double freshness = Double.NaN;
        double freshnessMax = Double.NaN;
        for (Map.Entry<MetricName, ? extends Metric> entry : metrics().entrySet()) {
            MetricName name = entry.getKey();
            if (!NODE_GROUP.equals(name.group())) {
                continue;
            }
            double value = number(entry.getValue());
            if (Double.isNaN(value)) {
                continue;
            }
            if (name.name().equals("record-e2e-latency-avg")) {
                freshness = Double.isNaN(freshness) ? value : Math.max(freshness, value);
            } else if (name.name().equals("record-e2e-latency-max")) {
                freshnessMax = Double.isNaN(freshnessMax) ? value : Math.max(freshnessMax, value);
            }
        }
        long lag = consumerLag().stream().mapToLong(LocalStatus.PartitionLag::lag).sum();
        return new LocalStatus.Live(self.toString(), clock.millis(), count("spectra.ingest.events"),
                count("spectra.ingest.accepted"), count("spectra.ingest.duplicates"), dlq, lag, freshness, freshnessMax);
    }

    private double count(String meter) {
        return registry.find(meter).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** The whole cluster: assignments from Kafka Streams' metadata, each instance's own status asked in parallel. */
    public ClusterView cluster() {
        Map<String, Set<String>> sources = partitions.storeSourceTopics();
        Map<Instance, Map<String, ClusterView.Assignment>> assignments = assignments(sources);
        Map<Instance, CompletableFuture<LocalStatus>> asked = new TreeMap<>(ORDER);
        for (Instance instance : assignments.keySet()) {
            asked.put(instance, ask(instance, INTERNAL_PATH, LocalStatus.class, this::local));
        }
        List<ClusterView.InstanceView> instances = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        asked.forEach((instance, future) -> {
            LocalStatus status = future.join();
            if (status == null) {
                failed.add(instance.toString());
            }
            instances.add(new ClusterView.InstanceView(instance.toString(), instance.equals(self), assignments.get(instance), status));
        });
        Map<String, Integer> counts = new TreeMap<>();
        sources.forEach((store, topics) -> counts.put(store, partitionCount(topics)));
        return new ClusterView(self.toString(), instances, counts, !failed.isEmpty(), failed);
    }

    /** Every instance's live counters, this one's included; an instance that did not answer is left out. */
    public List<LocalStatus.Live> live() {
        Map<Instance, CompletableFuture<LocalStatus.Live>> asked = new TreeMap<>(ORDER);
        for (Instance instance : members()) {
            asked.put(instance, ask(instance, INTERNAL_LIVE_PATH, LocalStatus.Live.class, this::liveLocal));
        }
        List<LocalStatus.Live> answers = new ArrayList<>();
        asked.values().forEach(future -> {
            LocalStatus.Live live = future.join();
            if (live != null) {
                answers.add(live);
            }
        });
        return answers;
    }

    private static final Comparator<Instance> ORDER = Comparator.comparing(Instance::host).thenComparingInt(Instance::port);

    // Null when the instance did not answer (it is then reported as failed, never as an exception).
    private <T> CompletableFuture<T> ask(Instance instance, String path, Class<T> type, Supplier<T> here) {
        if (instance.equals(self)) {
            return CompletableFuture.completedFuture(here.get());
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                PeerClient.PeerAnswer answer = peers.get(instance, path);
                if (answer.status() != 200) {
                    LOG.debug("instance {} answered {} at {}", instance, answer.status(), path);
                    return null;
                }
                return Json.mapper().readValue(answer.body(), type);
            } catch (RetryLaterException | IOException e) {
                LOG.debug("instance {} did not answer {}: {}", instance, path, e.toString());
                return null;
            }
        }, pool);
    }

    /** Every instance of the application now, this one included. */
    public List<Instance> members() {
        Set<Instance> members = new TreeSet<>(ORDER);
        members.add(self);
        try {
            streams.metadataForAllStreamsClients().forEach(metadata -> members.add(Instance.of(metadata.hostInfo())));
        } catch (IllegalStateException notRunning) {
            // only this instance is known until the streams run
        }
        return List.copyOf(members);
    }

    private Map<Instance, Map<String, ClusterView.Assignment>> assignments(Map<String, Set<String>> sources) {
        Map<Instance, Map<String, ClusterView.Assignment>> all = new TreeMap<>(ORDER);
        all.put(self, Map.of());
        List<StreamsMetadata> metadata;
        try {
            metadata = List.copyOf(streams.metadataForAllStreamsClients());
        } catch (IllegalStateException notRunning) {
            return all;
        }
        for (StreamsMetadata member : metadata) {
            Map<String, ClusterView.Assignment> stores = new TreeMap<>();
            sources.forEach((store, topics) -> {
                List<Integer> active = member.stateStoreNames().contains(store)
                        ? partitionsOf(member.topicPartitions(), topics) : List.of();
                List<Integer> standby = member.standbyStateStoreNames().contains(store)
                        ? partitionsOf(member.standbyTopicPartitions(), topics) : List.of();
                if (!active.isEmpty() || !standby.isEmpty()) {
                    stores.put(store, new ClusterView.Assignment(active, standby));
                }
            });
            all.put(Instance.of(member.hostInfo()), stores);
        }
        return all;
    }

    private static List<Integer> partitionsOf(Set<TopicPartition> held, Set<String> topics) {
        Set<Integer> partitions = new TreeSet<>();
        for (TopicPartition partition : held) {
            if (topics.contains(partition.topic())) {
                partitions.add(partition.partition());
            }
        }
        return List.copyOf(partitions);
    }

    private int partitionCount(Set<String> topics) {
        // The most partitions any instance was assigned of these topics, +1: the metadata knows no topic sizes.
        int max = -1;
        try {
            for (StreamsMetadata member : streams.metadataForAllStreamsClients()) {
                for (TopicPartition partition : member.topicPartitions()) {
                    if (topics.contains(partition.topic())) {
                        max = Math.max(max, partition.partition());
                    }
                }
            }
        } catch (IllegalStateException notRunning) {
            return 0;
        }
        return max + 1;
    }

    private List<LocalStatus.StoreLag> storeLags() {
        CachedLags cached = cachedLags;
        long now = clock.millis();
        if (now - cached.atMillis() < LAG_CACHE_MS) {
            return cached.lags();
        }
        List<LocalStatus.StoreLag> lags = new ArrayList<>();
        Map<String, Map<Integer, LagInfo>> all;
        try {
            all = new TreeMap<>(streams.allLocalStorePartitionLags());
        } catch (RuntimeException notRunningOrBrokerAway) {
            LOG.debug("store lags unavailable: {}", notRunningOrBrokerAway.toString());
            return cached.lags();
        }
        Map<String, Set<Integer>> activeByStore = new HashMap<>();
        all.forEach((store, byPartition) -> new TreeMap<>(byPartition).forEach((partition, lag) -> {
            boolean active = activeByStore.computeIfAbsent(store, this::activeOrNone).contains(partition);
            long end = lag.endOffsetPosition();
            long position = lag.currentOffsetPosition();
            double progress = end <= 0 ? 1.0 : Math.min(1.0, Math.max(0, position) / (double) end);
            lags.add(new LocalStatus.StoreLag(store, partition, active ? "active" : "standby", position, end,
                    lag.offsetLag(), active && lag.offsetLag() > 0, progress));
        }));
        cachedLags = new CachedLags(now, List.copyOf(lags));
        return lags;
    }

    private Set<Integer> activeOrNone(String store) {
        try {
            return partitions.activeOf(store);
        } catch (IllegalArgumentException notInTopology) {
            return Set.of();
        }
    }

    /** Input lag of this instance's stream threads per partition, from their consumers' {@code records-lag}. */
    List<LocalStatus.PartitionLag> consumerLag() {
        // Kafka registers topic-level fetch metrics twice, with the topic's name and with '.' replaced by '_' (a
        // legacy alias): only the topology's real source topics count.
        Set<String> sources = new TreeSet<>();
        partitions.storeSourceTopics().values().forEach(sources::addAll);
        Map<TopicPartition, Long> lags = new TreeMap<>(Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition));
        for (Map.Entry<MetricName, ? extends Metric> entry : metrics().entrySet()) {
            MetricName name = entry.getKey();
            if (!FETCH_GROUP.equals(name.group()) || !name.name().equals("records-lag")) {
                continue;
            }
            String client = name.tags().getOrDefault("client-id", "");
            String topic = name.tags().get("topic");
            String partition = name.tags().get("partition");
            // The stream threads' main consumers; restore consumers read changelogs (their lag is the store lag).
            if (topic == null || partition == null || !sources.contains(topic) || client.contains("restore-consumer")) {
                continue;
            }
            double value = number(entry.getValue());
            if (!Double.isNaN(value)) {
                lags.merge(new TopicPartition(topic, Integer.parseInt(partition)), (long) value, Long::sum);
            }
        }
        List<LocalStatus.PartitionLag> answer = new ArrayList<>();
        lags.forEach((partition, lag) -> answer.add(new LocalStatus.PartitionLag(partition.topic(), partition.partition(), lag)));
        return answer;
    }

    private Map<MetricName, ? extends Metric> metrics() {
        return streams.metrics();
    }

    private static double number(Metric metric) {
        return metric.metricValue() instanceof Number number ? number.doubleValue() : Double.NaN;
    }
}
