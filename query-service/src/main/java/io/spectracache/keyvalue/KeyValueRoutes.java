package io.spectracache.keyvalue;

import static java.util.Objects.requireNonNull;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.spectracache.consistency.ConsistencyToken;
import io.spectracache.errors.InvalidRequestException;
import io.spectracache.errors.NotFoundException;
import io.spectracache.query.Gathered;
import io.spectracache.query.Outcome;
import io.spectracache.query.QueryService;
import io.spectracache.rest.ApiOperation;
import io.spectracache.rest.RestQueries;
import io.spectracache.rest.RouteGroup;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * The key-value cache over HTTP: {@code PUT/GET/DELETE /v1/kv/{key}} and the ordered, paged scan
 * {@code GET /v1/kv?prefix=&from=&to=&limit=&cursor=}. Writes go through Kafka and answer a consistency token;
 * reads accept it as {@code ?after=}. Reads are {@link KeyValueQueries}, answered wherever they arrive.
 */
final class KeyValueRoutes implements RouteGroup {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    // One key model and one set of limits with writes that arrive on Kafka: see KvWriteRules.
    static final int MAX_KEY_CHARS = KvWriteRules.MAX_KEY_CHARS;
    static final long MAX_TTL_SECONDS = KvWriteRules.MAX_TTL_SECONDS;

    private final QueryService queries;
    private final CacheWriter writer;
    private final int maxValueBytes;
    private final long maxPageBytes;

    KeyValueRoutes(QueryService queries, CacheWriter writer, int maxValueBytes, long maxPageBytes) {
        this.queries = requireNonNull(queries, "queries");
        this.writer = requireNonNull(writer, "writer");
        this.maxValueBytes = maxValueBytes;
        this.maxPageBytes = maxPageBytes;
    }

    @Override
    public void addTo(RoutesConfig routes) {
        ApiOperation.put("/v1/kv/<key>").tag("kv")
                .summary("Writes a cache entry through Kafka; answers once Kafka acknowledged it (acks=all)")
                .pathParam("key", "the cache key, 1 to " + MAX_KEY_CHARS + " characters; may contain '/'")
                .query("ttl", "integer", "seconds until the entry expires, 1 to " + MAX_TTL_SECONDS)
                .body("application/octet-stream")
                .json(200, "the key and a consistency token for read-your-writes", WriteAck.class)
                .answers(413, "the value is larger than spectracache.kv.max.value.bytes", "application/json")
                .addTo(routes, this::put);
        ApiOperation.delete("/v1/kv/<key>").tag("kv")
                .summary("Deletes a cache entry through Kafka")
                .pathParam("key", "the cache key")
                .json(200, "the key and a consistency token", WriteAck.class)
                .addTo(routes, this::delete);
        ApiOperation.get("/v1/kv/<key>").tag("kv")
                .summary("The value of a cache entry, with its content type")
                .pathParam("key", "the cache key")
                .query("consistency", "string", "latest (default: the newest state) or committed (only committed state)")
                .query("after", "string", "a consistency token a write returned: answer only from state that includes it")
                .answers(200, "the value as written", "application/octet-stream")
                .addTo(routes, this::get);
        ApiOperation.get("/v1/kv").tag("kv")
                .summary("Cache entries in key order, a page at a time, gathered from every instance")
                .query("prefix", "string", "only keys starting with this")
                .query("from", "string", "first key, inclusive")
                .query("to", "string", "last key, exclusive")
                .query("limit", "integer", "entries per page, 1 to " + MAX_LIMIT + " (default " + DEFAULT_LIMIT + ")")
                .query("cursor", "string", "the nextCursor of the previous page")
                .query("consistency", "string", "latest (default: the newest state) or committed (only committed state)")
                .query("after", "string", "a consistency token a write returned: answer only from state that includes it")
                .json(200, "a page of entries", ScanPage.class)
                .addTo(routes, this::scan);
    }

    /** The answer to a write. */
    record WriteAck(String key, String token) {
    }

    private void put(Context ctx) {
        RestQueries.onlyParameters(ctx, "ttl");
        String key = keyOf(ctx);
        Duration ttl = ttlOf(ctx);
        byte[] value = ctx.bodyAsBytes();
        if (value.length > maxValueBytes) {
            throw InvalidRequestException.tooLarge("the value has " + value.length + " bytes; a cache value has at most "
                    + maxValueBytes + " (" + KeyValueSettings.MAX_VALUE_BYTES_CONFIG + ")");
        }
        ConsistencyToken token = writer.put(key, value, ctx.contentType(), ttl);
        ctx.json(new WriteAck(key, token.encode()));
    }

    private void delete(Context ctx) {
        RestQueries.onlyParameters(ctx);
        String key = keyOf(ctx);
        ctx.json(new WriteAck(key, writer.delete(key).encode()));
    }

    private void get(Context ctx) {
        RestQueries.onlyParameters(ctx, "after", "consistency");
        String key = keyOf(ctx);
        Outcome<KvEntry> outcome = queries.point(KeyValueQueries.GET, key, RestQueries.read(ctx), RestQueries.mayForward(ctx));
        RestQueries.servedBy(ctx, outcome);
        KvEntry entry = outcome.orElseThrow(() -> new NotFoundException("no cache entry " + key));
        ctx.header("X-Spectra-Written-At", Instant.ofEpochMilli(entry.writtenAt()).toString());
        if (entry.expiresAt() > 0) {
            ctx.header("X-Spectra-Expires-At", Instant.ofEpochMilli(entry.expiresAt()).toString());
        }
        // Never rendered as active content on our origin: see ServedContentType (and the README's key-value section).
        ServedContentType served = ServedContentType.of(entry.contentType());
        ctx.header("Content-Security-Policy", "sandbox");
        if (served.attachment()) {
            ctx.header("Content-Disposition", "attachment");
        }
        ctx.contentType(served.contentType());
        ctx.result(entry.value());
    }

    private void scan(Context ctx) {
        RestQueries.onlyParameters(ctx, "prefix", "from", "to", "limit", "cursor", "after", "consistency");
        int limit = (int) RestQueries.wholeNumber(ctx, "limit", 1, MAX_LIMIT, "items").orElse(DEFAULT_LIMIT);
        KeyValueQueries.ScanRequest request = new KeyValueQueries.ScanRequest(ctx.queryParam("prefix"),
                ctx.queryParam("from"), ctx.queryParam("to"), ctx.queryParam("cursor"), limit, maxPageBytes);
        Gathered<KeyValueQueries.ScanPart> page = queries.scatter(KeyValueQueries.SCAN, request, RestQueries.read(ctx));
        ctx.json(new ScanPage(page.value().items(), page.value().nextCursor(), page.partial(), page.failedInstances(),
                page.partitions()));
    }

    private static String keyOf(Context ctx) {
        String key = ctx.pathParam("key");
        if (key.isEmpty() || key.length() > MAX_KEY_CHARS) {
            throw new InvalidRequestException("key: a cache key is 1 to " + MAX_KEY_CHARS + " characters, this one has "
                    + key.length());
        }
        return key;
    }

    private static Duration ttlOf(Context ctx) {
        OptionalLong seconds = RestQueries.wholeNumber(ctx, "ttl", 1, MAX_TTL_SECONDS, "seconds");
        return seconds.isPresent() ? Duration.ofSeconds(seconds.getAsLong()) : null;
    }
}
