package io.spectracache.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class SeriesReportTest {

    private static CpuAccounting.Usage cpu(double streams, double process) {
        Map<String, Double> groups = new LinkedHashMap<>();
        groups.put("Kafka Streams stream threads", streams);
        groups.put("not Java threads (GC, JIT, RocksDB background, ended threads)", process - streams);
        return new CpuAccounting.Usage(10, groups, process, process, 20, 0, 0, 0);
    }

    private static SeriesReport.Round round(int round, boolean series, double seconds, double cpuSeconds) {
        return new SeriesReport.Round(round, series, 1_000_000, seconds, new ProduceRun.Result(1_000_000, 300_000_000, 0, 1_000_000_000L),
                cpu(cpuSeconds / 2, cpuSeconds));
    }

    private static LatencyResult latency(String name, int clients, long p99Micros) {
        Histogram histogram = new Histogram(60_000_000L, 3);
        for (int i = 0; i < 99; i++) {
            histogram.recordValue(100);
        }
        histogram.recordValue(p99Micros);
        histogram.recordValue(p99Micros);
        return new LatencyResult(name, clients, histogram, 101, 0, 1.0, null, 0, 101);
    }

    @Test
    void shouldCompareSeriesOnWithOffAsTheMeanOfEachSideAndPerPair() {
        SeriesReport series = new SeriesReport();
        series.rounds.add(round(1, false, 20, 40));   // 50,000/s, 40 µs
        series.rounds.add(round(1, true, 25, 50));    // 40,000/s, 50 µs
        series.rounds.add(round(2, true, 40, 60));    // 25,000/s: the second pair goes on first (OnOffPairs)
        series.rounds.add(round(2, false, 20, 40));

        assertThat(series.onOffRatio()).isCloseTo(0.65, org.assertj.core.data.Offset.offset(1e-9));
        String md = series.markdown(100_000);
        assertThat(md).contains("| 1 | on | 1,000,000 | 25.00 s | 40,000 | 0.40× | 50.0 / 25.0 |")
                .contains("Series on / off: **0.65×** the events/s (mean of each side: 32,500 / 50,000), 1.38× the CPU per event")
                .contains("Per pair (on / off of the same pair): 0.80×, 0.50×.")
                .contains("| stage | series off, µs/event | series on, µs/event | difference |")
                .contains("| Kafka Streams stream threads | 20.0 | 30.0 | +10.0 |");
        assertThat(series.targets()).contains("| ingest with series on ≥ 0.80× series off (issue 8) | 0.65× | **no** |");
    }

    @Test
    void shouldDivideTheRawStoresSizeByThePointsInSealedChunksAndFlagAChunkCountThatDisagrees() {
        SeriesReport series = new SeriesReport();
        series.sizes.add(new SeriesReport.StoreSize("simulated fleet (test)", 10_000, 9_600, 80, 80,
                Map.of("total-sst-files-size", 14_400.0, "live-sst-files-size", 12_000.0, "size-all-mem-tables", 2_048.0),
                Map.of()));
        series.sizes.add(new SeriesReport.StoreSize("bench events", 1_000, 960, 8, 9, Map.of("total-sst-files-size", 9_600.0), Map.of()));

        assertThat(series.sizes.get(0).bytesPerPoint("total-sst-files-size")).isEqualTo(1.5);
        String md = series.markdown(Double.NaN);
        assertThat(md).contains("| simulated fleet (test) | 10,000 | 9,600 | 80 / 80 | 14.4 kB | **1.50** | 12.0 kB | 1.25 | 2048 B | 10.67× smaller |")
                .contains("| 8 / 9 **(differ)** |");
        assertThat(series.targets()).contains("| ≤ 2 bytes per raw point on disk, simulated fleet | 1.50 B | yes |");
    }

    @Test
    void shouldJudgeTheRawHourTargetAtOneClientAndFlightAgainstJson() {
        SeriesReport series = new SeriesReport();
        series.queries.add(new SeriesReport.Query(latency(SeriesReport.RAW_HOUR, 1, 1_500), "360 points on average"));
        series.queries.add(new SeriesReport.Query(latency(SeriesReport.RAW_HOUR, 32, 9_000), "360 points on average"));
        series.bulk.add(new BulkReads.Result("Arrow Flight: test", 20_000_000, 400_000_000, 4.0, 2));
        series.bulk.add(new BulkReads.Result("JSON REST: test", 10_000_000, 300_000_000, 20.0, 1));
        series.bulkExpectedRows = 10_000_000;

        assertThat(series.flightOverJson()).isEqualTo(10.0);
        assertThat(series.targets()).contains("| 1 h raw range p99 < 2 ms (1 client) | 1.50 ms | yes |")
                .contains("| Flight ≥ 10× JSON rows/s, same points | 10.00× | yes |");
        assertThat(series.markdown(Double.NaN)).contains("| Arrow Flight: test | 2 | 10,000,000 | 5,000,000 | 100.0 | 10.00× |")
                .contains("| 360 points on average |");
    }

    @Test
    void shouldGiveTheMedianPassesBesideTheTotals() {
        SeriesReport series = new SeriesReport();
        series.bulk.add(new BulkReads.Result("Arrow Flight: test", 30_000_000, 600_000_000, 1.5, 3, 21_000_000));
        series.bulk.add(new BulkReads.Result("JSON REST: test", 30_000_000, 900_000_000, 15.0, 3, 2_000_000));
        series.bulkExpectedRows = 10_000_000;

        assertThat(series.flightOverJson()).isEqualTo(10.0);
        assertThat(series.markdown(Double.NaN))
                .contains("| Arrow Flight: test | 3 | 10,000,000 | 20,000,000 | 400.0 | 10.00× | 21,000,000 | 10.50× |")
                .contains("| JSON REST: test | 3 | 10,000,000 | 2,000,000 | 60.0 | 1.00× | 2,000,000 | 1.00× |");
    }

    @Test
    void shouldGiveRedisMemoryPerPointFromTheGrowthOfUsedMemory() {
        SeriesReport series = new SeriesReport();
        series.redis = new SeriesReport.RedisMemory("7.0.15", 1_000_000, 3_850, 1_000_000, 101_000_000, "skiplist", "128", 3.2);

        assertThat(series.redis.bytesPerPoint()).isEqualTo(100.0);
        assertThat(series.markdown(Double.NaN)).contains("| 7.0.15 | 1,000,000 | 3,850 | 1.0 MB → 101.0 MB | **100.0** | skiplist "
                + "(zset-max-listpack-entries 128) | 3.20 s |");
    }

    @Test
    void shouldLeaveTheWholeSectionOutWhenNoSeriesPhaseRan() {
        Report report = new Report(new Machine(2, "cpu", "1 GiB", "jvm", "os", "0 0 0"), "bench/run", "", Instant.EPOCH);

        assertThat(report.markdown()).doesNotContain("Time series").doesNotContain("series on");
    }
}
