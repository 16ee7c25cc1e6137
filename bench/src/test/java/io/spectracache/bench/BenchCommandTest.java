package io.spectracache.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {

    @Test
    void shouldSkipOnlyTheFloorApplicationWithNoFloorApp() {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs("--no-floor-app");

        assertThat(command.noFloorApp).isTrue();
        assertThat(command.noFloor).as("the HTTP /health/live phase still runs").isFalse();
    }

    @Test
    void shouldKeepNoFloorMeaningTheHttpFloorReadPhase() {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs("--no-floor", "--quick");

        assertThat(command.noFloor).isTrue();
        assertThat(command.noFloorApp).as("the floor application still runs").isFalse();
    }

    @Test
    void shouldRunEveryPhaseByDefaultAndDocumentBothFloorOptions() {
        BenchCommand command = new BenchCommand();
        CommandLine commandLine = new CommandLine(command);
        commandLine.parseArgs();

        assertThat(command.noFloor).isFalse();
        assertThat(command.noFloorApp).isFalse();
        assertThat(String.join(" ", commandLine.getCommandSpec().findOption("--no-floor-app").description()))
                .contains("minimal Kafka Streams application", "see --no-floor");
        assertThat(String.join(" ", commandLine.getCommandSpec().findOption("--no-floor").description()))
                .contains("GET /health/live", "see --no-floor-app");
    }

    @Test
    void shouldRunTheTimeSeriesPhasesByDefaultWithTwoRoundsAndSkipEachOnRequest() {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs();

        assertThat(command.noSeries).isFalse();
        assertThat(command.seriesRounds).isEqualTo(2);
        assertThat(command.seriesPeriodSeconds).isEqualTo(10.0);
        assertThat(command.seriesRollupAgg).isEqualTo("avg");

        BenchCommand skipping = new BenchCommand();
        new CommandLine(skipping).parseArgs("--no-series-ingest", "--no-series-redis", "--series-points", "1000",
                "--series-history-devices", "0");
        assertThat(skipping.noSeriesIngest).isTrue();
        assertThat(skipping.noSeriesRedis).isTrue();
        assertThat(skipping.noSeriesQueries).isFalse();
        assertThat(skipping.noSeriesBulk).isFalse();
        assertThat(skipping.seriesPoints).isEqualTo(1_000L);
        assertThat(skipping.seriesHistoryDevices).isZero();
    }
}
