package io.spectracache.sketches;

import static java.nio.charset.StandardCharsets.UTF_8;
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
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Flight dataset {@code topk}: the heavy hitters of a top-K over a range as Arrow rows, heaviest first
 * ({@code item}, {@code estimate}, {@code lowerBound}, {@code upperBound}). Merged across instances, so it is served
 * whole by the instance asked. Ticket: {@code {"dataset":"topk","name":"noisiest-devices","from":"-15m","k":"20"}}.
 */
final class TopKFlight implements FlightDataset {
    static final Schema SCHEMA = new Schema(List.of(
            new Field("item", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
            new Field("estimate", FieldType.notNullable(new ArrowType.Int(64, true)), null),
            new Field("lowerBound", FieldType.notNullable(new ArrowType.Int(64, true)), null),
            new Field("upperBound", FieldType.notNullable(new ArrowType.Int(64, true)), null)));

    private final SketchCatalog catalog;
    private final Clock clock;

    TopKFlight(SketchCatalog catalog, Clock clock) {
        this.catalog = requireNonNull(catalog, "catalog");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return "topk";
    }

    @Override
    public String description() {
        return "The heaviest items of a top-K over a range, heaviest first: item, estimate, lowerBound, upperBound";
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
        docs.put("name", "the top-K (required; GET /v1/sketches lists them)");
        docs.put("from", "start, inclusive: " + QueryTimes.INSTANT_FORMS + "; default an hour before to");
        docs.put("to", "end, exclusive; default now");
        docs.put("k", "how many items, 1 to " + SketchCatalog.MAX_K + "; default " + SketchCatalog.DEFAULT_K);
        return docs;
    }

    @Override
    public List<Map<String, String>> listed(Pages pages) {
        List<Map<String, String>> listed = new ArrayList<>();
        catalog.settings().topK().forEach(t -> listed.add(Map.of("name", t.name(), "from", "-1h", "k", "10")));
        return listed;
    }

    @Override
    public ScatterQuery<?, ?> scan() {
        return SketchQueries.TOP_K;
    }

    @Override
    public Reader open(Map<String, String> parameters, Pages pages) {
        TopKDefinition sketch = catalog.topK(SketchFlight.required(parameters, "name"));
        int k = SketchCatalog.k(parameters.get("k"));
        SketchCatalog.Range range = SketchCatalog.range(parameters.get("from"), parameters.get("to"), clock.millis());
        return FlightBatches.whole(() -> SketchMerge.heavyHitters(pages.page(SketchQueries.TOP_K,
                new SketchQueries.TopKRequest(SketchQueries.TopKSpec.of(sketch), range.from(), range.to())).sketch(), k),
                (root, row, hitter) -> {
                    ((VarCharVector) root.getVector(0)).setSafe(row, hitter.item().getBytes(UTF_8));
                    ((BigIntVector) root.getVector(1)).setSafe(row, hitter.estimate());
                    ((BigIntVector) root.getVector(2)).setSafe(row, hitter.lowerBound());
                    ((BigIntVector) root.getVector(3)).setSafe(row, hitter.upperBound());
                });
    }
}
