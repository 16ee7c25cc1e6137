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
        assertThat(CpuAccounting.group("AddPartitionsToTxnSenderThread-1")).isEqualTo("broker, other threads");
        assertThat(CpuAccounting.group("TxnMarkerSenderThread-1")).isEqualTo("broker, other threads");
        assertThat(CpuAccounting.group("kafka-coordinator-heartbeat-thread | spectracache-bench-floor-1"))
                .as("a client thread, not the broker's").isEqualTo("Kafka clients' heartbeat and admin threads");
    }

    @Test
    void shouldPutEveryGroupInOneStageSoThatPerEventFiguresAddUp() {
        Map<String, Double> groups = new LinkedHashMap<>();
        groups.put("Kafka Streams stream threads", 10.0);
        groups.put("Kafka Streams producer I/O (kafka-producer-network-thread)", 2.0);
        groups.put("broker request handlers", 3.0);
        groups.put("broker network threads", 1.0);
        groups.put("broker, other threads", 0.5);
        groups.put("benchmark main thread (send loop, polling)", 0.4);
        groups.put("benchmark producer I/O", 0.3);
        groups.put("REST server (Jetty)", 0.2);
        groups.put("micrometer-kafka-metrics", 0.1);
        groups.put("not Java threads (GC, JIT, RocksDB background, ended threads)", 4.0);
        CpuAccounting.Usage usage = new CpuAccounting.Usage(10, groups, 21.5, 22, 20, 1, 0.1, 0.5);

        Map<CpuAccounting.Stage, Double> stages = usage.byStage();

        assertThat(stages).containsEntry(CpuAccounting.Stage.STREAM_THREADS, 10.0)
                .containsEntry(CpuAccounting.Stage.STREAMS_PRODUCER, 2.0)
                .containsEntry(CpuAccounting.Stage.BROKER, 4.5)
                .containsEntry(CpuAccounting.Stage.NATIVE, 4.0)
                .containsEntry(CpuAccounting.Stage.OTHER, 0.1);
        assertThat(stages.get(CpuAccounting.Stage.LOAD)).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(stages.values().stream().mapToDouble(Double::doubleValue).sum())
                .isCloseTo(21.5, org.assertj.core.data.Offset.offset(1e-9));
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
