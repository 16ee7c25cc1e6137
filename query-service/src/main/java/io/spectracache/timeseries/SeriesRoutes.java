package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import io.javalin.config.RoutesConfig;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.spectracache.errors.InvalidRequestException;
import io.spectracache.errors.NotFoundException;
import io.spectracache.query.Gathered;
import io.spectracache.query.Outcome;
import io.spectracache.query.QueryService;
import io.spectracache.query.QueryTimes;
import io.spectracache.rest.ApiOperation;
import io.spectracache.rest.RestQueries;
import io.spectracache.rest.RouteGroup;
import io.spectracache.serialization.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;

/**
 * The series routes, thin adapters over {@link SeriesQueries}:
 * <ul>
 *   <li>{@code GET /v1/devices/{id}/series}: a device's metrics with their oldest and newest point;</li>
 *   <li>{@code GET /v1/devices/{id}/series/{metric}?from=&to=}: raw points; with {@code step=} and {@code agg=},
 *       buckets from the coarsest tier that answers them exactly; as JSON, or as an Arrow IPC stream when the client
 *       accepts {@value #ARROW_STREAM};</li>
 *   <li>{@code GET /v1/series/{metric}?devices=|prefix=|where=&groupBy=&step=&agg=}: many devices, gathered from
 *       every instance, grouped (quantiles merge the groups' KLL sketches).</li>
 * </ul>
 * Times: see {@link QueryTimes}. {@code to} defaults to now, {@code from} to an hour before {@code to}.
 */
final class SeriesRoutes implements RouteGroup {
    static final String ARROW_STREAM = "application/vnd.apache.arrow.stream";
    static final int MAX_NAME_LENGTH = 256;
    /** Arrow answers may be this many times larger than JSON ones: they are the bulk format. */
    static final int ARROW_FACTOR = 10;
    private static final String[] READ = {"after", "consistency"};

    private final QueryService queries;
    private final SeriesServing settings;
    private final BufferAllocator allocator;
    private final Clock clock;

    SeriesRoutes(QueryService queries, SeriesServing settings, BufferAllocator allocator, Clock clock) {
        this.queries = requireNonNull(queries, "queries");
        this.settings = requireNonNull(settings, "settings");
        this.allocator = requireNonNull(allocator, "allocator");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        // Switched off, the same routes answer 404 saying so (documented alike: they are served either way).
        boolean on = settings.series().enabled();
        String times = "ISO-8601, epoch ms, now, or relative (-1h, -15m, now-90s)";
        ApiOperation.get("/v1/devices/{id}/series").tag("series")
                .summary("A device's metrics, each with its oldest and newest point")
                .pathParam("id", "the device id")
                .query("consistency", "string", "latest (default: the newest state) or committed (only committed state)")
                .query("after", "string", "a consistency token a write returned: answer only from state that includes it")
                .json(200, "the device's series", null)
                .addTo(routes, on ? this::listSeries : SeriesRoutes::off);
        ApiOperation.get("/v1/devices/{id}/series/{metric}").tag("series")
                .summary("Raw points of one metric of one device, or buckets by step and aggregate")
                .pathParam("id", "the device id")
                .pathParam("metric", "the metric name")
                .query("from", "string", "start, inclusive: " + times + " (default: an hour before to)")
                .query("to", "string", "end, exclusive: " + times + " (default: now)")
                .query("step", "string", "bucket width (1m, 15m, 1h; at least 1s); without it, raw points")
                .query("agg", "string", "with step: avg,min,max,sum,count,first,last,p50,p95,p99 (default avg)")
                .query("consistency", "string", "latest (default: the newest state) or committed (only committed state)")
                .query("after", "string", "a consistency token a write returned: answer only from state that includes it")
                .json(200, "points as [epoch ms, value] pairs, or buckets; an Arrow IPC stream with Accept: " + ARROW_STREAM, null)
                .addTo(routes, on ? this::series : SeriesRoutes::off);
        ApiOperation.get("/v1/series/{metric}").tag("series")
                .summary("One metric over many devices, grouped, gathered from every instance")
                .pathParam("metric", "the metric name")
                .query("from", "string", "start, inclusive: " + times)
                .query("to", "string", "end, exclusive: " + times)
                .query("step", "string", "bucket width; without it one bucket over the range")
                .query("agg", "string", "avg,min,max,sum,count,first,last,p50,p95,p99 (default avg)")
                .query("devices", "string", "comma-separated device ids (up to 10,000)")
                .query("prefix", "string", "devices whose id starts with this")
                .query("where", "string", "attr:value,... (tenant or any attribute of the newest event)")
                .query("groupBy", "string", "deviceId, tenant or an attribute")
                .query("consistency", "string", "latest (default: the newest state) or committed (only committed state)")
                .query("after", "string", "a consistency token a write returned: answer only from state that includes it")
                .json(200, "groups of buckets, with partial and failedInstances", null)
                .addTo(routes, on ? this::fleetSeries : SeriesRoutes::off);
    }

    private static void off(Context ctx) {
        throw new NotFoundException("time series are switched off on this deployment ("
                + TimeSeriesSettings.ENABLED_CONFIG + "=false): no series is kept");
    }

    /** A query's range, resolved against now. */
    record Range(long from, long to) {
    }

    static Range range(String fromText, String toText, long now) {
        long to = toText == null ? now : QueryTimes.instant("to", toText, now);
        long from = fromText == null ? to - Duration.ofHours(1).toMillis() : QueryTimes.instant("from", fromText, now);
        if (to <= from) {
            throw new InvalidRequestException("to: " + Instant.ofEpochMilli(to) + " is not after from: "
                    + Instant.ofEpochMilli(from) + "; a range is [from, to) with from before to");
        }
        return new Range(from, to);
    }

    private static String name(Context ctx, String param, String what) {
        String value = ctx.pathParam(param);
        if (value.isBlank() || value.length() > MAX_NAME_LENGTH) {
            throw new InvalidRequestException(param + ": a " + what + " is 1 to " + MAX_NAME_LENGTH + " characters");
        }
        return value;
    }

    private static String[] with(String... names) {
        String[] all = java.util.Arrays.copyOf(names, names.length + READ.length);
        System.arraycopy(READ, 0, all, names.length, READ.length);
        return all;
    }

    private void listSeries(Context ctx) {
        RestQueries.onlyParameters(ctx, READ);
        String deviceId = name(ctx, "id", "device id");
        Outcome<SeriesQueries.Listing> outcome = queries.point(SeriesQueries.LIST,
                new SeriesQueries.ListRequest(deviceId, settings.series().tiers()), RestQueries.read(ctx),
                RestQueries.mayForward(ctx));
        RestQueries.servedBy(ctx, outcome);
        SeriesQueries.Listing listing = outcome.orElseThrow(() -> new NotFoundException("device " + deviceId
                + " has no series: no numeric metric of it is kept"));
        json(ctx, json -> {
            json.writeStringField("deviceId", deviceId);
            json.writeArrayFieldStart("series");
            for (SeriesReads.Listed listed : listing.series()) {
                json.writeStartObject();
                json.writeStringField("metric", listed.metric());
                json.writeStringField("first", Instant.ofEpochMilli(listed.first()).toString());
                json.writeStringField("last", Instant.ofEpochMilli(listed.last()).toString());
                json.writeEndObject();
            }
            json.writeEndArray();
        });
    }

    private void series(Context ctx) {
        RestQueries.onlyParameters(ctx, with("from", "to", "step", "agg"));
        String deviceId = name(ctx, "id", "device id");
        String metric = name(ctx, "metric", "metric name");
        long now = clock.millis();
        Range range = range(ctx.queryParam("from"), ctx.queryParam("to"), now);
        boolean arrow = acceptsArrow(ctx);
        int limit = arrow ? settings.maxJsonPoints() * ARROW_FACTOR : settings.maxJsonPoints();
        String step = ctx.queryParam("step");
        if (step == null) {
            if (ctx.queryParam("agg") != null) {
                throw new InvalidRequestException("agg: aggregates need step= (the bucket width, such as 1m or 1h)");
            }
            Outcome<SeriesQueries.Points> outcome = queries.point(SeriesQueries.RAW, new SeriesQueries.RawRequest(deviceId,
                    metric, range.from(), range.to(), settings.series().chunkMaxSpan().toMillis(), limit + 1),
                    RestQueries.read(ctx), RestQueries.mayForward(ctx));
            RestQueries.servedBy(ctx, outcome);
            SeriesQueries.Points points = outcome.orElseThrow(() -> unknownSeries(deviceId, metric));
            if (points.size() > limit) {
                throw tooLarge("points", limit, arrow);
            }
            if (arrow) {
                arrow(ctx, SeriesArrow.POINTS, root -> {
                    SeriesArrow.writePoints(root, 0, deviceId, metric, points.timestamps(), points.values(), 0, points.size());
                    root.setRowCount(points.size());
                });
                return;
            }
            json(ctx, json -> {
                header(json, deviceId, metric, range);
                json.writeArrayFieldStart("points");
                for (int i = 0; i < points.size(); i++) {
                    json.writeStartArray();
                    json.writeNumber(points.timestamps()[i]);
                    json.writeNumber(points.values()[i]);
                    json.writeEndArray();
                }
                json.writeEndArray();
            });
            return;
        }
        List<SeriesAgg> aggs = SeriesAgg.parseList(ctx.queryParam("agg"));
        BucketPlan plan = BucketPlan.of(range.from(), range.to(), QueryTimes.duration("step", step), now, settings.series());
        if (plan.bucketCount() > limit) {
            throw tooLarge("buckets", limit, arrow);
        }
        Outcome<SeriesQueries.Buckets> outcome = queries.point(SeriesQueries.BUCKETS, new SeriesQueries.BucketsRequest(
                        deviceId, metric, SeriesQueries.PlanSpec.of(plan), aggs, settings.series()),
                RestQueries.read(ctx), RestQueries.mayForward(ctx));
        RestQueries.servedBy(ctx, outcome);
        SeriesQueries.Buckets buckets = outcome.orElseThrow(() -> unknownSeries(deviceId, metric));
        if (arrow) {
            arrow(ctx, SeriesArrow.buckets("deviceId", aggs), root -> {
                SeriesArrow.writeBuckets(root, 0, deviceId, metric, aggs, buckets, 0, buckets.starts().length);
                root.setRowCount(buckets.starts().length);
            });
            return;
        }
        json(ctx, json -> {
            header(json, deviceId, metric, new Range(plan.from(), plan.to()));
            json.writeStringField("step", QueryTimes.format(Duration.ofMillis(plan.step())));
            json.writeStringField("tier", plan.source());
            writeBuckets(json, aggs, buckets);
        });
    }

    private void fleetSeries(Context ctx) {
        RestQueries.onlyParameters(ctx, with("from", "to", "step", "agg", "devices", "prefix", "where", "groupBy"));
        String metric = name(ctx, "metric", "metric name");
        long now = clock.millis();
        Range range = range(ctx.queryParam("from"), ctx.queryParam("to"), now);
        SeriesFilter filter = SeriesFilter.parse(ctx.queryParam("devices"), ctx.queryParam("prefix"), ctx.queryParam("where"));
        String groupBy = Optional.ofNullable(ctx.queryParam("groupBy")).filter(g -> !g.isBlank()).orElse(null);
        List<SeriesAgg> aggs = SeriesAgg.parseList(ctx.queryParam("agg"));
        String step = ctx.queryParam("step");
        BucketPlan plan = step == null ? BucketPlan.whole(range.from(), range.to(), now, settings.series())
                : BucketPlan.of(range.from(), range.to(), QueryTimes.duration("step", step), now, settings.series());
        if (plan.bucketCount() > settings.maxJsonPoints()) {
            throw tooLarge("buckets", settings.maxJsonPoints(), false);
        }
        Gathered<SeriesQueries.Groups> gathered = queries.scatter(SeriesQueries.GROUP, new SeriesQueries.GroupRequest(
                metric, SeriesQueries.PlanSpec.of(plan), filter, groupBy, settings.series()), RestQueries.read(ctx));
        long rows = 0;
        for (SeriesQueries.Group group : gathered.value().groups().values()) {
            rows += group.buckets().size();
        }
        if (rows > settings.maxJsonPoints()) {
            throw tooLarge("buckets over all groups", settings.maxJsonPoints(), false);
        }
        json(ctx, json -> {
            json.writeStringField("metric", metric);
            json.writeStringField("from", Instant.ofEpochMilli(plan.from()).toString());
            json.writeStringField("to", Instant.ofEpochMilli(plan.to()).toString());
            json.writeStringField("step", QueryTimes.format(Duration.ofMillis(plan.step())));
            json.writeStringField("tier", plan.source());
            json.writeStringField("groupBy", groupBy);
            json.writeArrayFieldStart("groups");
            for (Map.Entry<String, SeriesQueries.Group> group : gathered.value().groups().entrySet()) {
                json.writeStartObject();
                json.writeStringField("group", groupBy == null ? null : group.getKey().isEmpty() ? null : group.getKey());
                json.writeNumberField("devices", group.getValue().devices());
                writeBuckets(json, aggs, SeriesQueries.aggregate(group.getValue().rollups(), aggs));
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeBooleanField("partial", gathered.partial());
            json.writeArrayFieldStart("failedInstances");
            for (String failed : gathered.failedInstances()) {
                json.writeString(failed);
            }
            json.writeEndArray();
            json.writeArrayFieldStart("partitions");
            for (int partition : gathered.partitions()) {
                json.writeNumber(partition);
            }
            json.writeEndArray();
        });
    }

    private static void header(JsonGenerator json, String deviceId, String metric, Range range) throws IOException {
        json.writeStringField("deviceId", deviceId);
        json.writeStringField("metric", metric);
        json.writeStringField("from", Instant.ofEpochMilli(range.from()).toString());
        json.writeStringField("to", Instant.ofEpochMilli(range.to()).toString());
    }

    private static void writeBuckets(JsonGenerator json, List<SeriesAgg> aggs, SeriesQueries.Buckets buckets)
            throws IOException {
        json.writeArrayFieldStart("buckets");
        for (int b = 0; b < buckets.starts().length; b++) {
            json.writeStartObject();
            json.writeNumberField("start", buckets.starts()[b]);
            for (int a = 0; a < aggs.size(); a++) {
                if (aggs.get(a) == SeriesAgg.COUNT) {
                    json.writeNumberField("count", (long) buckets.values()[a][b]);
                } else {
                    json.writeNumberField(aggs.get(a).label(), buckets.values()[a][b]);
                }
            }
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static NotFoundException unknownSeries(String deviceId, String metric) {
        return new NotFoundException("device " + deviceId + " has no series " + metric + "; GET /v1/devices/" + deviceId
                + "/series lists its metrics");
    }

    private static InvalidRequestException tooLarge(String what, int limit, boolean arrow) {
        return new InvalidRequestException("the answer holds more than " + limit + " " + what + (arrow ? "" : " for JSON")
                + "; narrow from/to, use a coarser step, or read it in bulk over Arrow Flight (dataset \"series\", see "
                + "the README)");
    }

    static boolean acceptsArrow(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.contains(ARROW_STREAM);
    }

    @FunctionalInterface
    private interface JsonBody {
        void write(JsonGenerator json) throws IOException;
    }

    private static void json(Context ctx, JsonBody body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator json = Json.mapper().getFactory().createGenerator(out)) {
            json.writeStartObject();
            body.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        ctx.contentType(ContentType.APPLICATION_JSON).result(out.toByteArray());
    }

    private void arrow(Context ctx, org.apache.arrow.vector.types.pojo.Schema schema,
                       java.util.function.Consumer<VectorSchemaRoot> fill) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
             ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
            writer.start();
            root.allocateNew();
            fill.accept(root);
            writer.writeBatch();
            writer.end();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        ctx.contentType(ARROW_STREAM).result(out.toByteArray());
    }
}
