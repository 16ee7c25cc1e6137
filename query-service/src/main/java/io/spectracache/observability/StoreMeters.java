package io.spectracache.observability;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.spectracache.cluster.ClusterStatus;
import io.spectracache.cluster.LocalStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Meters of this instance's stores and stream traffic, refreshed every few seconds from Kafka Streams' metadata and
 * metrics (see {@link ObservabilityMeters} for the names):
 * <ul>
 *   <li>per store partition held here: records behind the changelog ({@code role} active or standby) and restore
 *       progress;</li>
 *   <li>per input partition: the stream threads' consumer lag;</li>
 *   <li>per topic: records the stream threads read and wrote, tagged with the topology (capability) that owns the
 *       topic: events in and out per topology.</li>
 * </ul>
 * Must be closed: it runs a refresh thread.
 */
public final class StoreMeters implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreMeters.class);

    private final ClusterStatus status;
    private final MeterRegistry registry;
    private final Supplier<Map<MetricName, ? extends Metric>> kafkaMetrics;
    private final Function<String, String> topologyOfTopic;
    private final MultiGauge storeLag;
    private final MultiGauge restoreProgress;
    private final MultiGauge consumerLag;
    private final Set<String> countedTopics = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService refresher;

    /**
     * @param kafkaMetrics    Kafka Streams' own metrics ({@code KafkaStreams::metrics})
     * @param topologyOfTopic the capability that owns a topic (its name for the {@code topology} tag)
     */
    public StoreMeters(ClusterStatus status, MeterRegistry registry, Supplier<Map<MetricName, ? extends Metric>> kafkaMetrics,
                       Function<String, String> topologyOfTopic) {
        this.status = requireNonNull(status, "status");
        this.registry = requireNonNull(registry, "registry");
        this.kafkaMetrics = requireNonNull(kafkaMetrics, "kafkaMetrics");
        this.topologyOfTopic = requireNonNull(topologyOfTopic, "topologyOfTopic");
        this.storeLag = multiGauge(ObservabilityMeters.STORE_LAG);
        this.restoreProgress = multiGauge(ObservabilityMeters.STORE_RESTORE_PROGRESS);
        this.consumerLag = multiGauge(ObservabilityMeters.CONSUMER_LAG);
        this.refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "spectra-store-meters");
            thread.setDaemon(true);
            return thread;
        });
    }

    private MultiGauge multiGauge(ObservabilityMeters meter) {
        return MultiGauge.builder(meter.getName()).description(meter.description()).baseUnit(meter.getBaseUnit())
                .register(registry);
    }

    /** Refreshes now and every {@code seconds} from now on. */
    public StoreMeters start(long seconds) {
        refresher.scheduleWithFixedDelay(this::refreshSafely, 0, seconds, TimeUnit.SECONDS);
        return this;
    }

    private void refreshSafely() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.debug("refreshing store meters failed; next time", e);
        }
    }

    /** Reads the stores' lags, the consumers' lags and the topics seen so far. */
    void refresh() {
        LocalStatus local = status.local();
        List<MultiGauge.Row<?>> lags = new ArrayList<>();
        List<MultiGauge.Row<?>> progress = new ArrayList<>();
        for (LocalStatus.StoreLag lag : local.stores()) {
            Tags tags = Tags.of("store", lag.store(), "partition", Integer.toString(lag.partition()), "role", lag.role());
            lags.add(MultiGauge.Row.of(tags, lag.lag()));
            if (lag.role().equals("active")) {
                progress.add(MultiGauge.Row.of(Tags.of("store", lag.store(), "partition", Integer.toString(lag.partition())),
                        lag.restoreProgress()));
            }
        }
        storeLag.register(lags, true);
        restoreProgress.register(progress, true);
        List<MultiGauge.Row<?>> consumer = new ArrayList<>();
        for (LocalStatus.PartitionLag lag : local.consumerLag()) {
            consumer.add(MultiGauge.Row.of(Tags.of("topic", lag.topic(), "partition", Integer.toString(lag.partition())), lag.lag()));
        }
        consumerLag.register(consumer, true);
        registerTrafficCounters();
    }

    // One counter per topic and direction, registered when the topic first shows up in Kafka's metrics.
    private void registerTrafficCounters() {
        for (MetricName name : kafkaMetrics.get().keySet()) {
            String topic = name.tags().get("topic");
            if (topic == null || name.tags().containsKey("partition")) {
                continue;
            }
            boolean in = name.group().equals("consumer-fetch-manager-metrics") && name.name().equals("records-consumed-total")
                    && !name.tags().getOrDefault("client-id", "").contains("restore-consumer");
            boolean out = name.group().equals("producer-topic-metrics") && name.name().equals("record-send-total");
            String topology = topologyOfTopic.apply(topic);
            if ((!in && !out) || topology == null) {
                continue; // also Kafka's legacy alias of a topic's metrics, with '.' as '_': no topology owns it
            }
            ObservabilityMeters meter = in ? ObservabilityMeters.RECORDS_IN : ObservabilityMeters.RECORDS_OUT;
            if (countedTopics.add(meter.name() + "/" + topic)) {
                String metricName = name.name();
                String group = name.group();
                FunctionCounter.builder(meter.getName(), kafkaMetrics, metrics -> sum(metrics.get(), group, metricName, topic))
                        .description(meter.description())
                        .baseUnit(meter.getBaseUnit())
                        .tags("topology", topology, "topic", topic)
                        .register(registry);
            }
        }
    }

    private static double sum(Map<MetricName, ? extends Metric> metrics, String group, String metric, String topic) {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet()) {
            MetricName name = entry.getKey();
            if (name.group().equals(group) && name.name().equals(metric) && topic.equals(name.tags().get("topic"))
                    && !name.tags().containsKey("partition")
                    && !name.tags().getOrDefault("client-id", "").contains("restore-consumer")
                    && entry.getValue().metricValue() instanceof Number number) {
                total += number.doubleValue();
            }
        }
        return total;
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
