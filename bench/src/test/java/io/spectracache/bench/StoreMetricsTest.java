package io.spectracache.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class StoreMetricsTest {
    /** Not the platform server, and not kept by the factory: nothing outlives the test. */
    private final MBeanServer server = MBeanServerFactory.newMBeanServer();

    private void register(String thread, String task, String storeKey, String store, Object sstSize, Object liveSize)
            throws Exception {
        Map<String, Object> attributes = new java.util.HashMap<>();
        attributes.put("total-sst-files-size", sstSize);
        if (liveSize != null) {
            attributes.put("live-sst-files-size", liveSize);
        }
        server.registerMBean(new FixedAttributes(attributes), new ObjectName("kafka.streams:type=stream-state-metrics,thread-id="
                + thread + ",task-id=" + task + "," + storeKey + "=" + store));
    }

    @Test
    void shouldSumOneStoreOverTheTasksOfOneApplicationOnly() throws Exception {
        register("app-1-0b14ee45-StreamThread-1", "0_0", "rocksdb-window-state-id", "timeseries-raw", BigInteger.valueOf(1_000), 4_000L);
        register("app-1-0b14ee45-StreamThread-2", "0_1", "rocksdb-window-state-id", "timeseries-raw", BigInteger.valueOf(2_000), 5_000L);
        register("app-1-0b14ee45-StreamThread-2", "0_1", "rocksdb-window-state-id", "timeseries-rollup-1m", 70_000L, 1L);
        register("app-2-77aa-StreamThread-1", "0_0", "rocksdb-window-state-id", "timeseries-raw", 90_000L, 1L);
        register("app-1-0b14ee45-StreamThread-1", "0_2", "rocksdb-state-id", "timeseries-raw", 500L, null);

        Map<String, Double> sums = StoreMetrics.read(server, "app-1", "timeseries-raw",
                List.of("total-sst-files-size", "live-sst-files-size", "size-all-mem-tables"));

        assertThat(sums).containsEntry("total-sst-files-size", 3_500.0)
                .containsEntry("live-sst-files-size", 9_000.0)
                .containsEntry("tasks", 3.0);
        assertThat(sums.get("size-all-mem-tables")).as("no bean has it").isNaN();
    }

    @Test
    void shouldFindNothingForAnUnknownStore() {
        Map<String, Double> sums = StoreMetrics.read(server, "app-1", "timeseries-raw", List.of("total-sst-files-size"));

        assertThat(sums.get("total-sst-files-size")).isNaN();
        assertThat(sums).containsEntry("tasks", 0.0);
    }

    /** Kafka's attribute names are not Java names, so a dynamic bean, as Kafka's JmxReporter registers. */
    private static final class FixedAttributes implements javax.management.DynamicMBean {
        private final Map<String, Object> attributes;

        FixedAttributes(Map<String, Object> attributes) {
            this.attributes = attributes;
        }

        @Override
        public Object getAttribute(String attribute) throws javax.management.AttributeNotFoundException {
            if (!attributes.containsKey(attribute)) {
                throw new javax.management.AttributeNotFoundException(attribute);
            }
            return attributes.get(attribute);
        }

        @Override
        public void setAttribute(javax.management.Attribute attribute) {
            throw new UnsupportedOperationException();
        }

        @Override
        public javax.management.AttributeList getAttributes(String[] names) {
            javax.management.AttributeList list = new javax.management.AttributeList();
            for (String name : names) {
                if (attributes.containsKey(name)) {
                    list.add(new javax.management.Attribute(name, attributes.get(name)));
                }
            }
            return list;
        }

        @Override
        public javax.management.AttributeList setAttributes(javax.management.AttributeList list) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object invoke(String action, Object[] params, String[] signature) {
            throw new UnsupportedOperationException();
        }

        @Override
        public javax.management.MBeanInfo getMBeanInfo() {
            return new javax.management.MBeanInfo(FixedAttributes.class.getName(), "test", null, null, null, null);
        }
    }
}
