package io.spectracache.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.hawkular.agent.prometheus.types.MetricType;
import org.junit.jupiter.api.Test;

class MetricsConventionsTest {
    @Test
    void shouldLeaveOutKafkaMetersInNanosecondsAndMillisecondsWhichBreakTheBaseUnitRule() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsConventions.applyTo(registry);
        AtomicLong value = new AtomicLong(5);
        FunctionCounter.builder("kafka.consumer.io.time.ns.total", value, AtomicLong::get).register(registry);
        Gauge.builder("kafka.app.info.start.time.ms", value, AtomicLong::get).register(registry);
        Gauge.builder("kafka.consumer.fetch.manager.records.lag", value, AtomicLong::get).register(registry);

        var families = PrometheusText.parse(registry.scrape());

        assertThat(families).doesNotContainKeys("kafka_consumer_io_time_ns_total", "kafka_app_info_start_time_ms")
                .containsKey("kafka_consumer_fetch_manager_records_lag");
    }

    @Test
    void shouldPublishProcessCpuTimeInSecondsInsteadOfNanoseconds() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsConventions.applyTo(registry);
        new ProcessorMetrics().bindTo(registry);

        var families = PrometheusText.parse(registry.scrape());

        assertThat(families).doesNotContainKey("process_cpu_time_ns_total").containsKey("process_cpu_seconds_total");
        assertThat(families.get("process_cpu_seconds_total").getType()).isEqualTo(MetricType.COUNTER);
        assertThat(PrometheusText.violations(families)).isEmpty();
    }

    @Test
    void shouldLeaveOutKafkaStreamsRemainingRecordsGaugeThatMicrometerTypesAsACounter() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsConventions.applyTo(registry);
        AtomicLong remaining = new AtomicLong(10);
        FunctionCounter.builder("kafka.stream.task.restore.remaining.records.total", remaining, AtomicLong::get).register(registry);
        Counter.builder("spectra.ingest.events").baseUnit("events").register(registry);

        var families = PrometheusText.parse(registry.scrape());

        assertThat(families).doesNotContainKey("kafka_stream_task_restore_remaining_records_total")
                .containsKey("spectra_ingest_events_total");
    }

    @Test
    void shouldReportACounterWithoutTotalAndAUnitInMillisecondsAsViolations() {
        // The rule checker itself must be able to fail.
        String text = """
                # HELP bad_latency_ms latency
                # TYPE bad_latency_ms gauge
                bad_latency_ms 1.0
                # HELP requests things
                # TYPE requests counter
                requests 3.0
                """;

        assertThat(PrometheusText.violations(PrometheusText.parse(text)))
                .anyMatch(v -> v.startsWith("bad_latency_ms")).anyMatch(v -> v.startsWith("requests"));
    }
}
