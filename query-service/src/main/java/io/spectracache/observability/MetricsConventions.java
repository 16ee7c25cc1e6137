package io.spectracache.observability;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps {@code /metrics} within Prometheus' naming conventions (base units, {@code _total} only on counters) where the
 * libraries we bind do not: Kafka's clients publish cumulative times in nanoseconds ({@code io-time-ns-total}) and
 * start times in milliseconds, Micrometer's process binder the CPU time in nanoseconds, and Kafka Streams names a
 * gauge {@code restore-remaining-records-total}, which Micrometer then types as a counter (it goes down). Those are
 * left out; what they said is published in base units ({@code process_cpu_seconds_total}) or by our own meters
 * ({@link StoreMeters}: restore progress and remaining records per store partition).
 *
 * <p>Apply before any meter is bound: a filter only sees meters registered after it.
 *
 * <pre>{@code MetricsConventions.applyTo(registry); new JvmMemoryMetrics().bindTo(registry);}</pre>
 */
public final class MetricsConventions {
    /** A dotted name segment that is a unit other than the base unit. */
    private static final Pattern NON_BASE_UNIT = Pattern.compile("(^|\\.)(ns|ms|us|micros|millis|nanos)(\\.|$)");
    private static final Set<String> MISTYPED = Set.of("kafka.stream.task.restore.remaining.records.total");

    private MetricsConventions() {
    }

    /** Adds the filters, and the process CPU time in seconds. */
    public static void applyTo(MeterRegistry registry) {
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public MeterFilterReply accept(Meter.Id id) {
                String name = id.getName();
                if (name.equals("process.cpu.time") || MISTYPED.contains(name)
                        || (name.startsWith("kafka.") && NON_BASE_UNIT.matcher(name).find())) {
                    return MeterFilterReply.DENY;
                }
                return MeterFilterReply.NEUTRAL;
            }
        });
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu", os, bean -> bean.getProcessCpuTime() / 1e9)
                    .baseUnit("seconds")
                    .description("CPU time used by the JVM process")
                    .register(registry);
        }
    }
}
