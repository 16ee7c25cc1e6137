package io.spectracache.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.hawkular.agent.prometheus.text.TextPrometheusMetricDataParser;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.hawkular.agent.prometheus.types.MetricType;

/**
 * {@code /metrics} as a Prometheus server reads it (an independent text-format parser), and the naming rules of
 * Prometheus' conventions checked on every family: valid names, {@code _total} on counters and only on counters,
 * base units (seconds, bytes; never ms, ns, minutes, kilobytes).
 */
public final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern NON_BASE_UNIT = Pattern.compile(
            "_(ms|ns|us|millis|milliseconds|micros|microseconds|nanos|nanoseconds|minutes|hours|days|kb|kilobytes|mb|megabytes)(_|$)");

    private PrometheusText() {
    }

    /** Every metric family of the text, by name, in the order written. */
    public static Map<String, MetricFamily> parse(String text) {
        Map<String, MetricFamily> families = new LinkedHashMap<>();
        try (ByteArrayInputStream in = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))) {
            TextPrometheusMetricDataParser parser = new TextPrometheusMetricDataParser(in);
            for (MetricFamily family = parser.parse(); family != null; family = parser.parse()) {
                families.put(family.getName(), family);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(families).as("metric families parsed").isNotEmpty();
        return families;
    }

    /** Every break of the naming rules, one sentence each; empty when all families follow them. */
    public static List<String> violations(Map<String, MetricFamily> families) {
        List<String> wrong = new ArrayList<>();
        families.values().forEach(family -> {
            String name = family.getName();
            if (!NAME.matcher(name).matches()) {
                wrong.add(name + ": not a valid metric name");
            }
            if (family.getType() == MetricType.COUNTER && !name.endsWith("_total")) {
                wrong.add(name + ": a counter whose name does not end in _total");
            }
            if (family.getType() != MetricType.COUNTER && name.endsWith("_total")) {
                wrong.add(name + ": a " + family.getType() + " named like a counter (_total)");
            }
            if (NON_BASE_UNIT.matcher(name).find()) {
                wrong.add(name + ": a unit other than the base unit (seconds, bytes)");
            }
            family.getMetrics().forEach(metric -> metric.getLabels().keySet().forEach(label -> {
                if (!LABEL.matcher(label).matches() || label.startsWith("__")) {
                    wrong.add(name + ": label " + label + " is not a valid label name");
                }
            }));
        });
        return wrong;
    }
}
