package io.spectracache.bench;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * RocksDB's own figures for one state store, as Kafka Streams reports them: the store-level metrics of group
 * {@code stream-state-metrics} ({@code total-sst-files-size}, {@code live-sst-files-size},
 * {@code size-all-mem-tables}, ...), read from the JMX beans Kafka's {@code JmxReporter} registers (Kafka's default
 * {@code metric.reporters}), summed over every task of one application. Kafka Streams already sums the segments of a
 * window store into one value per task.
 *
 * <p>JMX rather than the instance's Micrometer registry: Micrometer's Kafka binder looks for new metrics once a minute,
 * so the metrics of stores opened after it was bound appear late, while a JMX attribute is read when asked.
 *
 * <pre>{@code
 * Map<String, Double> raw = StoreMetrics.read(StoreMetrics.platform(), "spectracache-bench-1", "timeseries-raw",
 *         List.of("total-sst-files-size", "live-sst-files-size"));
 * }</pre>
 */
final class StoreMetrics {
    /** The JMX domain and type of Kafka Streams' store-level metrics. */
    static final String PATTERN = "kafka.streams:type=stream-state-metrics,*";

    private StoreMetrics() {
    }

    static MBeanServer platform() {
        return ManagementFactory.getPlatformMBeanServer();
    }

    /**
     * The sum, over the tasks of the application whose stream threads' names start with {@code applicationId}, of
     * each named metric of {@code store}.
     *
     * @return one entry per metric, in the order asked, NaN for a metric no bean has; {@code tasks} (the number of
     *         beans summed) under the key {@code "tasks"}
     */
    static Map<String, Double> read(MBeanServer server, String applicationId, String store, List<String> metrics) {
        Map<String, Double> sums = new LinkedHashMap<>();
        metrics.forEach(metric -> sums.put(metric, Double.NaN));
        int tasks = 0;
        Set<ObjectName> names;
        try {
            names = server.queryNames(new ObjectName(PATTERN), null);
        } catch (JMException e) {
            throw new IllegalStateException("cannot query " + PATTERN, e);
        }
        for (ObjectName name : names) {
            if (!isStore(name, store) || !String.valueOf(name.getKeyProperty("thread-id")).startsWith(applicationId)) {
                continue;
            }
            tasks++;
            for (String metric : metrics) {
                try {
                    Object value = server.getAttribute(name, metric);
                    if (value instanceof Number number && !Double.isNaN(number.doubleValue())) {
                        double before = sums.get(metric);
                        sums.put(metric, (Double.isNaN(before) ? 0 : before) + number.doubleValue());
                    }
                } catch (JMException e) {
                    // this bean has no such attribute (not recorded at this level): the sum stays NaN unless another has
                }
            }
        }
        sums.put("tasks", (double) tasks);
        return sums;
    }

    /** Whether the bean is a store's ({@code rocksdb-state-id}, {@code rocksdb-window-state-id}, ...) named {@code store}. */
    static boolean isStore(ObjectName name, String store) {
        for (Map.Entry<String, String> property : name.getKeyPropertyList().entrySet()) {
            if (property.getKey().endsWith("-state-id") && property.getValue().equals(store)) {
                return true;
            }
        }
        return false;
    }
}
