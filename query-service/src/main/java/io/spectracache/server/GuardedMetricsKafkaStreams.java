package io.spectracache.server;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/**
 * {@link KafkaStreams} whose {@link #metrics()} leave out the gauges that are not safe to read from another thread.
 *
 * <p>Kafka Streams 4.4.0's {@code uncommitted-bytes} gauge (transactional state stores, KIP-892) calls RocksDB's
 * {@code WriteBatch.getDataSize()} from whichever thread reads it, without the stream thread's lock; when a rebalance
 * or a commit has just released that write batch, the read lands in freed native memory and the whole JVM dies
 * (SIGSEGV in {@code librocksdbjni}: seen in an integration test, with Micrometer's {@code KafkaStreamsMetrics}
 * reading every metric once a minute). Every reader here (Micrometer, so {@code /metrics}, and the dashboard) goes
 * through {@link #metrics()}, so leaving the gauge out here keeps them all away from it. Kafka's own JMX reporter
 * still has it: a JMX client reading it can hit the same race.
 */
final class GuardedMetricsKafkaStreams extends KafkaStreams {
    /** Metric names whose value is read from native memory a stream thread may free at any moment. */
    static final Set<String> UNSAFE_TO_READ = Set.of("uncommitted-bytes");

    GuardedMetricsKafkaStreams(Topology topology, Properties props) {
        super(topology, props);
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        Map<MetricName, Metric> safe = new LinkedHashMap<>();
        super.metrics().forEach((name, metric) -> {
            if (!UNSAFE_TO_READ.contains(name.name())) {
                safe.put(name, metric);
            }
        });
        return Collections.unmodifiableMap(safe);
    }
}
