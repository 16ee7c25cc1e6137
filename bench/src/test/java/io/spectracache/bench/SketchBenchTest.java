package io.spectracache.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The sketch phases' options and the section they add to the report. */
class SketchBenchTest {
    private static CpuAccounting.Usage usage(double process) {
        return new CpuAccounting.Usage(10, Map.of("stream-thread", process / 2), process, process, 20, 0, 0, 0);
    }

    private static SketchBench bench() {
        return new SketchBench(new SketchBench.Options(1_000, 10, 42, 1, 100, 10, List.of(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), 0, Duration.ofSeconds(10), false, null), "unused:9092", Map.of(), name -> Map.of(),
                (name, factory, clients, keys) -> null, message -> { });
    }

    @Test
    void shouldRunTheSketchPhasesByDefaultWithTwoRoundsAndSkipThemWithNoSketches() {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs();
        assertThat(command.noSketches).isFalse();
        assertThat(command.sketchRounds).isEqualTo(2);

        BenchCommand skipping = new BenchCommand();
        new CommandLine(skipping).parseArgs("--no-sketches", "--sketch-devices", "7", "--sketch-events-per-hour", "9");
        assertThat(skipping.noSketches).isTrue();
        assertThat(skipping.sketchDevices).isEqualTo(7);
        assertThat(skipping.sketchEventsPerHour).isEqualTo(9);
    }

    @Test
    void shouldEndTheHistoryAtTheCurrentHourOrAtTheLastEndHourNotAhead() {
        long hour = 3_600_000L;
        long day = 24 * hour;
        long now = 20 * day + 4 * hour + 1_234;   // 04:00:01.234 UTC
        Duration second = Duration.ofSeconds(1);
        java.util.function.Function<Integer, SketchBench.Options> at = endHour -> new SketchBench.Options(1, 1, 1, 0, 1,
                1, List.of(1), second, second, 0, second, false, endHour);

        assertThat(at.apply(null).historyEnd(now)).isEqualTo(20 * day + 4 * hour);
        assertThat(at.apply(2).historyEnd(now)).as("today's 02:00").isEqualTo(20 * day + 2 * hour);
        assertThat(at.apply(4).historyEnd(now)).isEqualTo(20 * day + 4 * hour);
        assertThat(at.apply(5).historyEnd(now)).as("yesterday's 05:00").isEqualTo(19 * day + 5 * hour);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> at.apply(24)))
                .hasMessageContaining("--sketch-end-hour");

        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs("--sketch-end-hour", "2");
        assertThat(command.sketchEndHour).isEqualTo(2);
    }

    @Test
    void shouldReportTheRatioOfMeanRatesWithSketchesOnToOffAgainstTheTarget() {
        SketchBench bench = bench();
        bench.rounds.add(new SketchBench.Round(1, false, 100_000, 2.0, usage(4)));
        bench.rounds.add(new SketchBench.Round(1, true, 100_000, 2.5, usage(5)));
        bench.rounds.add(new SketchBench.Round(2, false, 100_000, 2.0, usage(4)));
        bench.rounds.add(new SketchBench.Round(2, true, 100_000, 2.5, usage(5)));

        assertThat(bench.ratio()).isEqualTo(0.8);
        String markdown = bench.markdown();
        assertThat(markdown).contains("## Sketches (issue 9)", "| 1 | on | 40,000 | 50.0 |", "**0.80×**", "NOT met",
                "process CPU per event on / off: 1.25×");
    }

    @Test
    void shouldReportEachEstimatesErrorAgainstTheTrueCountAndThe24HourTarget() {
        SketchBench bench = bench();
        bench.accuracy.add(new SketchBench.Accuracy("24 h distinct devices", "SpectraCache", 1_000, 1_010.0, 990.0, 1_030.0));
        bench.accuracy.add(new SketchBench.Accuracy("24 h distinct devices", "Redis PFCOUNT of 24 hour keys", 1_000, 995.0,
                null, null));
        Histogram histogram = new Histogram(60_000_000L, 3);
        for (int i = 0; i < 100; i++) {
            histogram.recordValue(i < 99 ? 800 : 4_000);
        }
        bench.reads.add(new LatencyResult("SpectraCache GET /v1/distinct/devices, 24 h", 1, histogram, 100, 0, 1.0, null, 0, 100));

        String markdown = bench.markdown();
        assertThat(markdown).contains("| 1,000 | 1010.0 | 1.000 % | 990.0 – 1030.0 |", "| -0.500 % | — |",
                "(target < 5 ms: met)");
    }

    @Test
    void shouldSummariseManyEstimatesByTheirMeanAndLargestRelativeError() {
        assertThat(SketchBench.errorSummary(List.of(0.01, -0.02, 0.0), "counts", "1 of 3 outside their 95 % bounds"))
                .isEqualTo("mean |error| 1.000 %, max |error| 2.000 % over 3 counts; 1 of 3 outside their 95 % bounds");
    }
}
