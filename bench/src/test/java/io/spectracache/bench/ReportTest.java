package io.spectracache.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static CpuAccounting.Usage usage(double streams, double producer, double broker, double notJava, double process,
                                            double machineBusy) {
        Map<String, Double> groups = new LinkedHashMap<>();
        groups.put("Kafka Streams stream threads", streams);
        groups.put("Kafka Streams producer I/O (kafka-producer-network-thread)", producer);
        groups.put("broker request handlers", broker);
        groups.put("not Java threads (GC, JIT, RocksDB background, ended threads)", notJava);
        return new CpuAccounting.Usage(10, groups, process, machineBusy, 20, 0, 0, 0);
    }

    private static Report report() {
        Report report = new Report(new Machine(2, "AMD EPYC", "23.5 GiB", "OpenJDK 17", "Linux", "0.50 0.40 0.30"),
                "bench/run", "-Xmx4g", Instant.parse("2026-11-29T12:00:00Z"));
        report.events = 1_000_000;
        report.devices = 1_000;
        return report;
    }

    @Test
    void shouldGiveTheEndToEndRateAsAMultipleOfTheFloorAndSayWhetherTheTargetIsMet() {
        Report report = report();
        report.floorProducer = new ProduceRun.Result(1_000_000, 300_000_000, 0, 2_000_000_000L);
        report.floorSeconds = 5.0;      // 200,000 events/s
        report.ingestProducer = new ProduceRun.Result(1_000_000, 300_000_000, 0, 2_000_000_000L);
        report.endToEndSeconds = 20.0;  // 50,000 events/s

        assertThat(report.ratioToFloor()).isEqualTo(0.25);
        String md = report.markdown();
        assertThat(md).contains("| **50,000** |", "| **0.25×** |", "| 200,000 |")
                .contains("| end to end ≥ 0.60× the floor application (issue 7) | 0.25× | **no** |");

        report.endToEndSeconds = 8.0;   // 125,000 events/s: 0.625×
        assertThat(report.markdown()).contains("| end to end ≥ 0.60× the floor application (issue 7) | 0.63× | yes |");
    }

    @Test
    void shouldLeaveTheFloorOutWhenItDidNotRun() {
        Report report = report();
        report.ingestProducer = new ProduceRun.Result(1_000_000, 300_000_000, 0, 2_000_000_000L);
        report.endToEndSeconds = 20.0;

        assertThat(report.ratioToFloor()).isNaN();
        String md = report.markdown();
        assertThat(md).doesNotContain("floor application (issue 7)").doesNotContain("floor: minimal Kafka Streams application")
                .contains("| **50,000** | 15.0 MB/s | **–** | **–** |");
    }

    @Test
    void shouldSplitTheCpuOfBothPhasesPerEventAndStage() {
        CpuAccounting.Usage floor = usage(3.0, 0.2, 1.0, 1.5, 5.7, 6.7);
        CpuAccounting.Usage endToEnd = usage(20.0, 3.0, 4.0, 11.0, 38.0, 38.0);

        String table = Report.cpuPerEvent(floor, endToEnd, 1_000_000);

        assertThat(table).contains("| Kafka Streams stream threads | 3.0 | 20.0 | +17.0 |")
                .contains("| Kafka Streams producer I/O | 0.2 | 3.0 | +2.8 |")
                .contains("| broker (request handlers, network, transactions, other) | 1.0 | 4.0 | +3.0 |")
                .contains("| not Java threads: GC, JIT, RocksDB background | 1.5 | 11.0 | +9.5 |")
                .contains("| **this JVM, total** | **5.7** | **38.0** | **+32.3** |")
                .contains("| other processes on the machine | 1.0 | 0.0 | -1.0 |")
                .contains("| benchmark: send loop, producer I/O, completion polling (for SpectraCache with its REST server) | 0.0 | 0.0 | 0.0 |");
        assertThat(Report.cpuPerEvent(null, endToEnd, 1_000_000)).contains("| Kafka Streams stream threads | – | 20.0 | – |");
    }
}
