package io.spectracache.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuAccountingTest {

    @Test
    void shouldGroupThreadsByTheirRoleNotTheirNumberOrApplicationId() {
        assertThat(CpuAccounting.group("spectracache-bench-20261127-1a2b3c4d-0b14ee45-efd0-4d1b-81b8-941708f92229-StreamThread-1"))
                .isEqualTo("Kafka Streams stream threads");
        assertThat(CpuAccounting.group("kafka-producer-network-thread | app-0b14ee45-efd0-4d1b-81b8-941708f92229-StreamThread-2-producer"))
                .startsWith("Kafka Streams producer I/O");
        assertThat(CpuAccounting.group("kafka-producer-network-thread | bench-ingest")).isEqualTo("benchmark producer I/O");
        assertThat(CpuAccounting.group("data-plane-kafka-request-handler-1")).isEqualTo("broker request handlers");
        assertThat(CpuAccounting.group("JettyServerThreadPool-106")).isEqualTo("REST server (Jetty)");
        assertThat(CpuAccounting.group("kafka-1-raft-io-thread")).isEqualTo("broker, other threads");
        assertThat(CpuAccounting.group("Something-42")).isEqualTo("something-n");
    }

    @Test
    void shouldMoveEndedThreadsOutOfTheRemainder() {
        Map<String, Double> groups = new LinkedHashMap<>();
        groups.put("REST server (Jetty)", 3.0);
        groups.put("not Java threads (GC, JIT, RocksDB background, ended threads)", 5.0);
        CpuAccounting.Usage usage = new CpuAccounting.Usage(10, groups, 8, 9, 20, 1, 0.1, 0.5);

        CpuAccounting.Usage adjusted = usage.withEndedThreads("benchmark client threads", 4.0);

        assertThat(adjusted.groups()).containsEntry("benchmark client threads", 4.0)
                .containsEntry("not Java threads (GC, JIT, RocksDB background, ended threads)", 1.0)
                .containsEntry("REST server (Jetty)", 3.0);
        assertThat(adjusted.otherProcessesSeconds()).isEqualTo(1.0);
    }
}
