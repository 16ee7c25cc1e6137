package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import io.spectracache.flight.FlightBatches;
import io.spectracache.flight.FlightDataset;
import io.spectracache.query.QueryTimes;
import io.spectracache.query.ScatterQuery;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Flight dataset {@code series-buckets}: the answer of {@code GET /v1/series/{metric}} as Arrow: one row per group
 * and bucket, with one column per aggregate. Aggregates are merged across instances, so it is served whole by the
 * instance asked (one endpoint). Ticket: {@code {"dataset":"series-buckets","metric":"temp","from":"-1d",
 * "step":"1h","agg":"avg,p95","groupBy":"region"}}; {@code groupBy=deviceId} gives one group per device.
 */
final class SeriesBucketsFlight implements FlightDataset {
    private final SeriesServing settings;
    private final Clock clock;

    SeriesBucketsFlight(SeriesServing settings, Clock clock) {
        this.settings = requireNonNull(settings, "settings");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return "series-buckets";
    }

    @Override
    public String description() {
        return "Aggregated buckets of one metric over many devices, grouped: group, metric, start, one column per agg";
    }

    @Override
    public Schema schema() {
        return SeriesArrow.buckets("group", List.of(SeriesAgg.AVG));
    }

    @Override
    public Schema schema(Map<String, String> parameters) {
        return SeriesArrow.buckets("group", SeriesAgg.parseList(parameters.get("agg")));
    }

    @Override
    public boolean gatheredOnly() {
        return true;
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> docs = new TreeMap<>(SeriesPointsFlight.parameterDocs());
        docs.put("step", "bucket width (1m, 15m, 1h, ...); default one bucket over the range");
        docs.put("agg", "aggregates joined by commas: " + SeriesAgg.known() + "; default avg");
        docs.put("groupBy", "deviceId, tenant or an attribute; default one fleet-wide group");
        return docs;
    }

    @Override
    public List<Map<String, String>> listed(Pages pages) {
        SeriesQueries.MetricNames names = pages.page(SeriesQueries.METRICS, new SeriesQueries.MetricsRequest(1_000));
        List<Map<String, String>> listed = new ArrayList<>();
        names.names().forEach(metric -> listed.add(Map.of("metric", metric, "from", "-1h", "to", "now", "step", "1m",
                "agg", "avg,min,max,p95")));
        return listed;
    }

    @Override
    public ScatterQuery<?, ?> scan() {
        return SeriesQueries.GROUP;
    }

    @Override
    public Reader open(Map<String, String> parameters, Pages pages) {
        String metric = SeriesPointsFlight.metric(parameters);
        long now = clock.millis();
        SeriesRoutes.Range range = SeriesRoutes.range(parameters.get("from"), parameters.get("to"), now);
        SeriesFilter filter = SeriesFilter.parse(parameters.get("devices"), FlightBatches.prefix(parameters),
                parameters.get("where"));
        List<SeriesAgg> aggs = SeriesAgg.parseList(parameters.get("agg"));
        String groupBy = parameters.get("groupBy") == null || parameters.get("groupBy").isBlank() ? null : parameters.get("groupBy");
        String step = parameters.get("step");
        BucketPlan plan = step == null ? BucketPlan.whole(range.from(), range.to(), now, settings.series())
                : BucketPlan.of(range.from(), range.to(), QueryTimes.duration("step", step), now, settings.series());
        return new Reader() {
            private List<Map.Entry<String, SeriesQueries.Buckets>> groups;
            private int group;
            private int offset;

            @Override
            public boolean next(VectorSchemaRoot root, int maxRows) {
                if (groups == null) {
                    SeriesQueries.Groups gathered = pages.page(SeriesQueries.GROUP, new SeriesQueries.GroupRequest(metric,
                            SeriesQueries.PlanSpec.of(plan), filter, groupBy, settings.series()));
                    groups = new ArrayList<>();
                    gathered.groups().forEach((key, value) -> groups.add(Map.entry(key,
                            SeriesQueries.aggregate(value.rollups(), aggs))));
                }
                if (group >= groups.size()) {
                    return false;
                }
                root.allocateNew();
                int row = 0;
                while (group < groups.size() && row < maxRows) {
                    Map.Entry<String, SeriesQueries.Buckets> entry = groups.get(group);
                    int n = Math.min(maxRows - row, entry.getValue().starts().length - offset);
                    String key = groupBy == null || entry.getKey().isEmpty() ? null : entry.getKey();
                    SeriesArrow.writeBuckets(root, row, key, metric, aggs, entry.getValue(), offset, n);
                    row += n;
                    offset += n;
                    if (offset == entry.getValue().starts().length) {
                        group++;
                        offset = 0;
                    }
                }
                root.setRowCount(row);
                return true;
            }
        };
    }
}
