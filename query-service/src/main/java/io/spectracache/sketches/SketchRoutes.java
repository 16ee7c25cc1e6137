package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.errors.InvalidRequestException;
import io.spectracache.query.Gathered;
import io.spectracache.query.QueryService;
import io.spectracache.rest.ApiOperation;
import io.spectracache.rest.RestQueries;
import io.spectracache.rest.RouteGroup;
import io.spectracache.serialization.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The sketch routes, thin adapters over {@link SketchQueries} (every answer gathered from every instance and merged):
 * <ul>
 *   <li>{@code GET /v1/sketches}: every distinct count, top-K, membership filter and watch list with its settings;</li>
 *   <li>{@code GET /v1/distinct/{name}?from=&to=&group=}: the estimate with its 95% bounds, the windows and
 *       partitions it covers; with {@code step=}, one estimate per step;</li>
 *   <li>{@code GET /v1/distinct/{name}/groups?from=&to=&limit=}: the groups of a grouped count with events in the
 *       range ({@link DistinctGroups});</li>
 *   <li>{@code GET /v1/topk/{name}?from=&to=&k=}: the heaviest items with their estimated counts and bounds;</li>
 *   <li>{@code GET /v1/membership/{filter}/{item}} and {@code POST /v1/membership/{filter}} (a JSON array of up to
 *       {@value SketchCatalog#MAX_ITEMS} items): "maybe" seen, or never;</li>
 *   <li>{@code POST /v1/watch/{name}} (items) and {@code DELETE /v1/watch/{name}/{item}}: writes to the watch list's
 *       compacted topic.</li>
 * </ul>
 * Times: see {@link io.spectracache.query.QueryTimes}. Switched off ({@value SketchSettings#ENABLED_CONFIG}=false),
 * every route but the listing answers 404 saying so.
 */
final class SketchRoutes implements RouteGroup {
    private static final String[] READ = {"after", "consistency"};
    private static final String TIMES = "ISO-8601, epoch ms, now, or relative (-1h, -15m, now-90s)";

    private final QueryService queries;
    private final SketchQueries sketches;
    private final SketchCatalog catalog;
    private final WatchWriter watches;
    private final MeterRegistry meters;
    private final String topicPrefix;
    private final Clock clock;

    SketchRoutes(QueryService queries, SketchQueries sketches, SketchCatalog catalog, WatchWriter watches, MeterRegistry meters,
                 String topicPrefix, Clock clock) {
        this.queries = requireNonNull(queries, "queries");
        this.sketches = requireNonNull(sketches, "sketches");
        this.topicPrefix = requireNonNull(topicPrefix, "topicPrefix");
        this.catalog = requireNonNull(catalog, "catalog");
        this.watches = requireNonNull(watches, "watches");
        this.meters = requireNonNull(meters, "meters");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        boolean on = catalog.enabled();
        ApiOperation.get("/v1/sketches").tag("sketches")
                .summary("Every distinct count, top-K, membership filter and watch list, with its settings")
                .json(200, "the definitions", SketchListing.class)
                .addTo(routes, this::listing);
        ApiOperation.get("/v1/distinct/{name}").tag("sketches")
                .summary("An estimated distinct count with its 95% bounds, merged over windows and instances")
                .pathParam("name", "the distinct count (GET /v1/sketches lists them)")
                .query("from", "string", "start, inclusive: " + TIMES + " (default: an hour before to)")
                .query("to", "string", "end, exclusive: " + TIMES + " (default: now)")
                .query("group", "string", "one group's count (a value of the sketch's group field); default all")
                .query("step", "string", "one estimate per step (1m, 1h, 1d; a multiple of the finest window)")
                .query("consistency", "string", "latest (default: the newest state) or committed (only committed state)")
                .query("after", "string", "a consistency token a write returned: answer only from state that includes it")
                .json(200, "the estimate, or with step= a series of estimates", SketchAnswers.Distinct.class)
                .addTo(routes, guarded(on, this::distinct));
        ApiOperation.get("/v1/distinct/{name}/groups").tag("sketches")
                .summary("The groups of a grouped distinct count that had events in a range, in string order")
                .pathParam("name", "a grouped distinct count (GET /v1/sketches lists them with their groupBy)")
                .query("from", "string", "start, inclusive: " + TIMES + " (default: an hour before to)")
                .query("to", "string", "end, exclusive: " + TIMES + " (default: now)")
                .query("limit", "integer", "most groups listed, 1 to " + DistinctGroups.MAX_LIMIT + " (default "
                        + DistinctGroups.DEFAULT_LIMIT + "); truncated: true says there were more")
                .query("consistency", "string", "latest (default: the newest state) or committed (only committed state)")
                .query("after", "string", "a consistency token a write returned: answer only from state that includes it")
                .json(200, "the groups, each a value for group=", DistinctGroups.Answer.class)
                .addTo(routes, guarded(on, this::groups));
        ApiOperation.get("/v1/topk/{name}").tag("sketches")
                .summary("The heaviest items over a range, with estimated counts and error bounds")
                .pathParam("name", "the top-K (GET /v1/sketches lists them)")
                .query("from", "string", "start, inclusive: " + TIMES + " (default: an hour before to)")
                .query("to", "string", "end, exclusive: " + TIMES + " (default: now)")
                .query("k", "integer", "how many items, 1 to " + SketchCatalog.MAX_K + " (default " + SketchCatalog.DEFAULT_K + ")")
                .query("consistency", "string", "latest (default: the newest state) or committed (only committed state)")
                .query("after", "string", "a consistency token a write returned: answer only from state that includes it")
                .json(200, "the heavy hitters, heaviest first", SketchAnswers.TopK.class)
                .addTo(routes, guarded(on, this::topK));
        ApiOperation.get("/v1/membership/{filter}/{item}").tag("sketches")
                .summary("Whether an item may have been seen (maybe: true) or never was (maybe: false)")
                .pathParam("filter", "the membership filter (GET /v1/sketches lists them)")
                .pathParam("item", "the value looked up")
                .query("consistency", "string", "latest (default: the newest state) or committed (only committed state)")
                .query("after", "string", "a consistency token a write returned: answer only from state that includes it")
                .json(200, "maybe true or false", SketchAnswers.Membership.class)
                .addTo(routes, guarded(on, this::membership));
        ApiOperation.post("/v1/membership/{filter}").tag("sketches")
                .summary("Up to " + SketchCatalog.MAX_ITEMS + " items at once, one round trip per instance")
                .pathParam("filter", "the membership filter")
                .body("application/json")
                .query("consistency", "string", "latest (default: the newest state) or committed (only committed state)")
                .query("after", "string", "a consistency token a write returned: answer only from state that includes it")
                .json(200, "maybe per item, in the request's order", SketchAnswers.MembershipBatch.class)
                .addTo(routes, guarded(on, this::membershipBatch));
        ApiOperation.post("/v1/watch/{name}").tag("sketches")
                .summary("Adds items to a watch list (its compacted topic); events whose field is on it are copied to "
                        + "the watch.matches topic")
                .pathParam("name", "the watch list (GET /v1/sketches lists them)")
                .body("application/json")
                .json(200, "how many items were written, and where", WatchWriter.Written.class)
                .addTo(routes, guarded(on, this::watchAdd));
        ApiOperation.delete("/v1/watch/{name}/{item}").tag("sketches")
                .summary("Removes an item from a watch list (a tombstone on its topic)")
                .pathParam("name", "the watch list")
                .pathParam("item", "the item")
                .json(200, "the item was removed", WatchWriter.Written.class)
                .addTo(routes, guarded(on, this::watchRemove));
    }

    private static Handler guarded(boolean on, Handler handler) {
        return on ? handler : ctx -> {
            throw SketchCatalog.off();
        };
    }

    private static String[] with(String... names) {
        String[] all = java.util.Arrays.copyOf(names, names.length + READ.length);
        System.arraycopy(READ, 0, all, names.length, READ.length);
        return all;
    }

    private void listing(Context ctx) {
        RestQueries.onlyParameters(ctx);
        json(ctx, SketchListing.of(catalog.settings(), topicPrefix));
    }

    private void distinct(Context ctx) {
        RestQueries.onlyParameters(ctx, with("from", "to", "group", "step"));
        long started = System.nanoTime();
        DistinctDefinition sketch = catalog.distinct(ctx.pathParam("name"));
        String group = SketchCatalog.group(sketch, ctx.queryParam("group"));
        SketchCatalog.Range range = SketchCatalog.range(ctx.queryParam("from"), ctx.queryParam("to"), clock.millis());
        String step = ctx.queryParam("step");
        if (step != null) {
            SketchQueries.SeriesRequest request = SketchCatalog.series(sketch, group, range, step);
            Gathered<SketchQueries.SeriesPart> gathered = queries.scatter(sketches.distinctSeries(), request,
                    RestQueries.read(ctx));
            SketchQueryMeters.query(meters, "distinct-series", gathered.partial(), since(started));
            json(ctx, SketchAnswers.series(sketch.name(), request, gathered));
            return;
        }
        Gathered<SketchQueries.DistinctPart> gathered = queries.scatter(sketches.distinct(),
                new SketchQueries.DistinctRequest(SketchQueries.DistinctSpec.of(sketch), group, range.from(), range.to()),
                RestQueries.read(ctx));
        SketchQueryMeters.query(meters, "distinct", gathered.partial(), since(started));
        json(ctx, SketchAnswers.distinct(sketch.name(), group, range, gathered));
    }

    private void groups(Context ctx) {
        RestQueries.onlyParameters(ctx, with("from", "to", "limit"));
        long started = System.nanoTime();
        DistinctDefinition sketch = catalog.distinct(ctx.pathParam("name"));
        if (sketch.groupBy().isEmpty()) {
            throw new InvalidRequestException("name: the distinct count '" + sketch.name() + "' is not grouped (it has "
                    + "no " + SketchSettings.DISTINCT_CONFIG + "." + sketch.name() + ".group), so it has no groups to list");
        }
        int limit = (int) RestQueries.wholeNumber(ctx, "limit", 1, DistinctGroups.MAX_LIMIT, "groups")
                .orElse(DistinctGroups.DEFAULT_LIMIT);
        SketchCatalog.Range range = SketchCatalog.range(ctx.queryParam("from"), ctx.queryParam("to"), clock.millis());
        Gathered<DistinctGroups.Part> gathered = queries.scatter(DistinctGroups.GROUPS, new DistinctGroups.Request(
                SketchQueries.DistinctSpec.of(sketch), range.from(), range.to(), limit), RestQueries.read(ctx));
        SketchQueryMeters.query(meters, "distinct-groups", gathered.partial(), since(started));
        json(ctx, DistinctGroups.answer(sketch, range, gathered));
    }

    private void topK(Context ctx) {
        RestQueries.onlyParameters(ctx, with("from", "to", "k"));
        long started = System.nanoTime();
        TopKDefinition sketch = catalog.topK(ctx.pathParam("name"));
        int k = SketchCatalog.k(ctx.queryParam("k"));
        SketchCatalog.Range range = SketchCatalog.range(ctx.queryParam("from"), ctx.queryParam("to"), clock.millis());
        Gathered<SketchQueries.TopKPart> gathered = queries.scatter(SketchQueries.TOP_K,
                new SketchQueries.TopKRequest(SketchQueries.TopKSpec.of(sketch), range.from(), range.to()),
                RestQueries.read(ctx));
        SketchQueryMeters.query(meters, "topk", gathered.partial(), since(started));
        json(ctx, SketchAnswers.topK(sketch.name(), range, k, gathered));
    }

    private void membership(Context ctx) {
        RestQueries.onlyParameters(ctx, READ);
        long started = System.nanoTime();
        FilterDefinition filter = catalog.filter(ctx.pathParam("filter"));
        String item = SketchCatalog.item(ctx.pathParam("item"));
        Gathered<SketchQueries.MembershipPart> gathered = ask(ctx, filter, List.of(item));
        SketchQueryMeters.query(meters, "membership", gathered.partial(), since(started));
        json(ctx, new SketchAnswers.Membership(filter.name(), item, gathered.value().maybe()[0], gathered.partial(),
                gathered.failedInstances(), gathered.partitions()));
    }

    private void membershipBatch(Context ctx) {
        RestQueries.onlyParameters(ctx, READ);
        long started = System.nanoTime();
        FilterDefinition filter = catalog.filter(ctx.pathParam("filter"));
        List<String> items = SketchCatalog.items(items(ctx));
        Gathered<SketchQueries.MembershipPart> gathered = ask(ctx, filter, items);
        SketchQueryMeters.query(meters, "membership", gathered.partial(), since(started));
        json(ctx, SketchAnswers.batch(filter.name(), items, gathered));
    }

    private Gathered<SketchQueries.MembershipPart> ask(Context ctx, FilterDefinition filter, List<String> items) {
        // A filter of device ids is looked up on each device's own partition only: one partition's false-positive
        // rate, not the sum over all of them.
        int partitions = filter.field().equals(SketchField.DEVICE_ID) ? queries.partitionCount(SketchQueries.MEMBERSHIP) : 0;
        Gathered<SketchQueries.MembershipPart> gathered = queries.scatter(SketchQueries.MEMBERSHIP,
                new SketchQueries.MembershipRequest(SketchQueries.FilterSpec.of(filter), items, partitions),
                RestQueries.read(ctx));
        int maybe = 0;
        for (boolean answer : gathered.value().maybe()) {
            maybe += answer ? 1 : 0;
        }
        SketchQueryMeters.counter(meters, SketchQueryMeters.MEMBERSHIP_ITEMS, "maybe").increment(maybe);
        SketchQueryMeters.counter(meters, SketchQueryMeters.MEMBERSHIP_ITEMS, "never").increment(items.size() - maybe);
        return gathered;
    }

    private void watchAdd(Context ctx) {
        RestQueries.onlyParameters(ctx);
        WatchDefinition watch = catalog.watch(ctx.pathParam("name"));
        List<String> items = SketchCatalog.items(items(ctx));
        WatchWriter.Written written = watches.add(watch, items);
        SketchQueryMeters.counter(meters, SketchQueryMeters.WATCH_WRITES, "added").increment(items.size());
        json(ctx, written);
    }

    private void watchRemove(Context ctx) {
        RestQueries.onlyParameters(ctx);
        WatchDefinition watch = catalog.watch(ctx.pathParam("name"));
        String item = SketchCatalog.item(ctx.pathParam("item"));
        WatchWriter.Written written = watches.remove(watch, item);
        SketchQueryMeters.counter(meters, SketchQueryMeters.WATCH_WRITES, "removed").increment();
        json(ctx, written);
    }

    /** The body's items: a JSON array of strings, or an object with one, {@code {"items": [...]}}. */
    static List<String> items(Context ctx) {
        return items(ctx.bodyAsBytes());
    }

    static List<String> items(byte[] body) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (IOException e) {
            root = null;
        }
        JsonNode array = root == null ? null : root.isArray() ? root : root.get("items");
        if (array == null || !array.isArray()) {
            throw new InvalidRequestException("body: a JSON array of item strings, [\"a\", \"b\"], or {\"items\": [...]}");
        }
        if (array.size() > SketchCatalog.MAX_ITEMS) {
            throw new InvalidRequestException("items: " + array.size() + " items are more than the "
                    + SketchCatalog.MAX_ITEMS + " one request takes; split them");
        }
        List<String> items = new ArrayList<>(array.size());
        for (JsonNode item : array) {
            if (!item.isTextual()) {
                throw new InvalidRequestException("items: every item is a JSON string; item " + items.size()
                        + " is " + item.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
            }
            items.add(item.asText());
        }
        return items;
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    private static void json(Context ctx, Object answer) {
        try {
            ctx.contentType(ContentType.APPLICATION_JSON).result(Json.mapper().writeValueAsBytes(answer));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
    }
}
