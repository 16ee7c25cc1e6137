package io.spectracache.sketches;

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
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Flight dataset {@code distinct}: a distinct count as Arrow rows, one per step ({@code start}, {@code end},
 * {@code estimate}, {@code lower95}, {@code upper95}), or one row over the range without {@code step}. Merged across
 * instances (HLL unions), so it is served whole by the instance asked. Ticket:
 * {@code {"dataset":"distinct","name":"devices","from":"-7d","step":"1h","group":"acme"}}.
 */
final class DistinctFlight implements FlightDataset {
    static final Schema SCHEMA = new Schema(List.of(
            new Field("start", FieldType.notNullable(FlightBatches.UTC_MILLIS), null),
            new Field("end", FieldType.notNullable(FlightBatches.UTC_MILLIS), null),
            new Field("estimate", FieldType.notNullable(FlightBatches.DOUBLE), null),
            new Field("lower95", FieldType.notNullable(FlightBatches.DOUBLE), null),
            new Field("upper95", FieldType.notNullable(FlightBatches.DOUBLE), null)));

    private final SketchQueries sketches;
    private final SketchCatalog catalog;
    private final Clock clock;

    DistinctFlight(SketchQueries sketches, SketchCatalog catalog, Clock clock) {
        this.sketches = requireNonNull(sketches, "sketches");
        this.catalog = requireNonNull(catalog, "catalog");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return "distinct";
    }

    @Override
    public String description() {
        return "A distinct count (HLL, merged over windows and instances) per step: start, end, estimate, lower95, upper95";
    }

    @Override
    public Schema schema() {
        return SCHEMA;
    }

    @Override
    public boolean gatheredOnly() {
        return true;
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> docs = new TreeMap<>();
        docs.put("name", "the distinct count (required; GET /v1/sketches lists them)");
        docs.put("from", "start, inclusive: " + QueryTimes.INSTANT_FORMS + "; default an hour before to");
        docs.put("to", "end, exclusive; default now");
        docs.put("group", "one group's count; default all groups");
        docs.put("step", "one row per step (1m, 1h, 1d); default one row over the range");
        return docs;
    }

    @Override
    public List<Map<String, String>> listed(Pages pages) {
        List<Map<String, String>> listed = new ArrayList<>();
        catalog.settings().distinct().forEach(d -> listed.add(Map.of("name", d.name(), "from", "-1d", "step", "1h")));
        return listed;
    }

    @Override
    public ScatterQuery<?, ?> scan() {
        return sketches.distinctSeries();
    }

    @Override
    public Reader open(Map<String, String> parameters, Pages pages) {
        DistinctDefinition sketch = catalog.distinct(SketchFlight.required(parameters, "name"));
        String group = SketchCatalog.group(sketch, parameters.get("group"));
        SketchCatalog.Range range = SketchCatalog.range(parameters.get("from"), parameters.get("to"), clock.millis());
        String step = parameters.get("step");
        SketchQueries.SeriesRequest request = step == null ? null : SketchCatalog.series(sketch, group, range, step);
        long width = request == null ? range.to() - range.from() : request.step();
        return FlightBatches.whole(() -> {
            if (request == null) {
                SketchQueries.DistinctPart part = pages.page(sketches.distinct(), new SketchQueries.DistinctRequest(
                        SketchQueries.DistinctSpec.of(sketch), group, range.from(), range.to()));
                SketchMerge.Estimate estimate = SketchMerge.estimate(part.sketch());
                return List.of(new SketchAnswers.Bucket(range.from(), estimate.estimate(), estimate.lower95(),
                        estimate.upper95()));
            }
            return SketchAnswers.buckets(request, pages.page(sketches.distinctSeries(), request));
        }, (root, row, bucket) -> {
            ((TimeStampMilliTZVector) root.getVector(0)).setSafe(row, bucket.start());
            ((TimeStampMilliTZVector) root.getVector(1)).setSafe(row, bucket.start() + width);
            ((Float8Vector) root.getVector(2)).setSafe(row, bucket.estimate());
            ((Float8Vector) root.getVector(3)).setSafe(row, bucket.lower95());
            ((Float8Vector) root.getVector(4)).setSafe(row, bucket.upper95());
        });
    }
}
