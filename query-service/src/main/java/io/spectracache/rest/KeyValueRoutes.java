package io.spectracache.rest;

import static java.util.Objects.requireNonNull;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.spectracache.consistency.ConsistencyToken;
import io.spectracache.keyvalue.KeyValueTopology;
import io.spectracache.keyvalue.KvEntry;
import io.spectracache.errors.InvalidRequestException;
import io.spectracache.routing.KeyOrder;
import io.spectracache.routing.LocalStores;
import io.spectracache.errors.NotFoundException;
import io.spectracache.routing.PeerClient;
import io.spectracache.errors.RetryLaterException;
import io.spectracache.routing.Router;
import io.spectracache.routing.ScanBounds;
import io.spectracache.serialization.Json;
import io.spectracache.writes.CacheWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.IntSupplier;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The key-value cache over HTTP: {@code PUT/GET/DELETE /v1/kv/{key}} and the ordered, paged scan
 * {@code GET /v1/kv?prefix=&from=&to=&limit=&cursor=}. Writes go through Kafka and answer a consistency token;
 * reads accept it as {@code ?after=}. Point reads go to the key's owner; scans gather every instance's page.
 */
public final class KeyValueRoutes implements RouteGroup {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    static final int MAX_KEY_CHARS = 1024;
    static final long MAX_TTL_SECONDS = Duration.ofDays(3650).toSeconds();

    private final PointReads reads;
    private final CacheWriter writer;
    private final Router router;
    private final LocalStores stores;
    private final PeerClient peers;
    private final ExecutorService scatterPool;
    private final IntSupplier partitionCount;
    private final Clock clock;

    KeyValueRoutes(PointReads reads, CacheWriter writer, Router router, LocalStores stores, PeerClient peers,
                   ExecutorService scatterPool, IntSupplier partitionCount, Clock clock) {
        this.reads = requireNonNull(reads, "reads");
        this.writer = requireNonNull(writer, "writer");
        this.router = requireNonNull(router, "router");
        this.stores = requireNonNull(stores, "stores");
        this.peers = requireNonNull(peers, "peers");
        this.scatterPool = requireNonNull(scatterPool, "scatterPool");
        this.partitionCount = requireNonNull(partitionCount, "partitionCount");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.put("/v1/kv/<key>", this::put);
        routes.delete("/v1/kv/<key>", this::delete);
        routes.get("/v1/kv/<key>", this::get);
        routes.get("/v1/kv", this::scan);
    }

    /** The answer to a write. */
    record WriteAck(String key, String token) {
    }

    private void put(Context ctx) {
        String key = keyOf(ctx);
        Duration ttl = ttlOf(ctx);
        byte[] value = ctx.bodyAsBytes();
        ConsistencyToken token = writer.put(key, value, ctx.contentType(), ttl);
        ctx.json(new WriteAck(key, token.encode()));
    }

    private void delete(Context ctx) {
        String key = keyOf(ctx);
        ctx.json(new WriteAck(key, writer.delete(key).encode()));
    }

    private void get(Context ctx) {
        String key = keyOf(ctx);
        Optional<Optional<KvEntry>> local = reads.read(ctx, KeyValueTopology.STORE, key);
        if (local.isEmpty()) {
            return; // answered by the owner
        }
        KvEntry entry = local.get()
                .filter(found -> !found.isExpiredAt(clock.millis()))
                .orElseThrow(() -> new NotFoundException("no cache entry " + key));
        ctx.header("X-Spectra-Written-At", Instant.ofEpochMilli(entry.writtenAt()).toString());
        if (entry.expiresAt() > 0) {
            ctx.header("X-Spectra-Expires-At", Instant.ofEpochMilli(entry.expiresAt()).toString());
        }
        ctx.contentType(entry.contentType() == null ? "application/octet-stream" : entry.contentType());
        ctx.result(entry.value());
    }

    private void scan(Context ctx) {
        ScanBounds bounds = ScanBounds.of(ctx.queryParam("prefix"), ctx.queryParam("from"), ctx.queryParam("to"), ctx.queryParam("cursor"));
        int limit = ctx.queryParamAsClass("limit", Integer.class)
                .check(n -> n == null || (n >= 1 && n <= MAX_LIMIT), "must be between 1 and " + MAX_LIMIT)
                .getOrDefault(DEFAULT_LIMIT);
        Optional<ConsistencyToken> after = PointReads.afterToken(ctx);
        if (PointReads.isForwarded(ctx)) {
            ctx.json(localPage(bounds, limit, after));
            return;
        }
        ctx.json(gather(ctx, bounds, limit, after));
    }

    private ScanPage localPage(ScanBounds bounds, int limit, Optional<ConsistencyToken> after) {
        long now = clock.millis();
        LocalStores.LocalPage<String, KvEntry> page = stores.scan(KeyValueTopology.STORE, bounds, entry -> !entry.isExpiredAt(now), limit, after);
        List<ScanPage.Item> items = new ArrayList<>(page.items().size());
        for (KeyValue<String, KvEntry> entry : page.items()) {
            items.add(itemOf(entry.key, entry.value));
        }
        String next = page.hasMore() && !items.isEmpty() ? items.get(items.size() - 1).key() : null;
        return new ScanPage(items, next, false, List.of(), page.partitions());
    }

    private ScanPage gather(Context ctx, ScanBounds bounds, int limit, Optional<ConsistencyToken> after) {
        List<HostInfo> instances = router.instancesOf(KeyValueTopology.STORE.name());
        Map<HostInfo, CompletableFuture<ScanPage>> calls = new LinkedHashMap<>();
        for (HostInfo instance : instances) {
            if (!instance.equals(router.self())) {
                calls.put(instance, CompletableFuture.supplyAsync(() -> remotePage(instance, ctx), scatterPool));
            }
        }
        List<ScanPage> pages = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        if (instances.contains(router.self())) {
            pages.add(localPage(bounds, limit, after));
        }
        calls.forEach((instance, call) -> {
            try {
                pages.add(call.join());
            } catch (RuntimeException e) {
                failed.add(instance.host() + ':' + instance.port());
            }
        });
        return merge(pages, failed, limit, partitionCount.getAsInt());
    }

    private ScanPage remotePage(HostInfo instance, Context ctx) {
        PeerClient.PeerResponse answer = peers.get(instance, PointReads.pathAndQuery(ctx));
        if (answer.status() != 200) {
            throw RetryLaterException.ownerUnavailable("instance answered " + answer.status());
        }
        try {
            return Json.mapper().readValue(answer.body(), ScanPage.class);
        } catch (IOException e) {
            throw RetryLaterException.ownerUnavailable("instance answered an unreadable page");
        }
    }

    /**
     * Merges instance pages into one. An instance that had more than it sent only vouches for keys up to its
     * last one, so the merged page ends at the smallest such key: no key is ever skipped between pages.
     */
    static ScanPage merge(List<ScanPage> pages, List<String> failed, int limit, int partitions) {
        String bound = null;
        List<ScanPage.Item> all = new ArrayList<>();
        Set<Integer> covered = new TreeSet<>();
        for (ScanPage page : pages) {
            all.addAll(page.items());
            covered.addAll(page.partitions());
            if (page.nextCursor() != null && (bound == null || KeyOrder.UTF8.compare(page.nextCursor(), bound) < 0)) {
                bound = page.nextCursor();
            }
        }
        all.sort(Comparator.comparing(ScanPage.Item::key, KeyOrder.UTF8));
        List<ScanPage.Item> items = new ArrayList<>(Math.min(limit, all.size()));
        boolean more = bound != null;
        for (ScanPage.Item item : all) {
            if (bound != null && KeyOrder.UTF8.compare(item.key(), bound) > 0) {
                break;
            }
            if (items.size() == limit) {
                more = true;
                break;
            }
            items.add(item);
        }
        String next = more && !items.isEmpty() ? items.get(items.size() - 1).key() : null;
        boolean partial = !failed.isEmpty() || covered.size() < partitions;
        return new ScanPage(items, next, partial, List.copyOf(failed), covered);
    }

    private static ScanPage.Item itemOf(String key, KvEntry entry) {
        Instant written = Instant.ofEpochMilli(entry.writtenAt());
        Instant expires = entry.expiresAt() > 0 ? Instant.ofEpochMilli(entry.expiresAt()) : null;
        Optional<String> text = utf8(entry.value());
        return text.map(value -> new ScanPage.Item(key, value, "utf8", entry.contentType(), written, expires))
                .orElseGet(() -> new ScanPage.Item(key, Base64.getEncoder().encodeToString(entry.value()), "base64",
                        entry.contentType(), written, expires));
    }

    private static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static String keyOf(Context ctx) {
        String key = ctx.pathParam("key");
        if (key.isEmpty() || key.length() > MAX_KEY_CHARS) {
            throw new InvalidRequestException("key: a cache key is 1 to " + MAX_KEY_CHARS + " characters");
        }
        return key;
    }

    private static Duration ttlOf(Context ctx) {
        Long seconds = ctx.queryParamAsClass("ttl", Long.class)
                .check(ttl -> ttl == null || (ttl >= 1 && ttl <= MAX_TTL_SECONDS), "must be a whole number of seconds between 1 and " + MAX_TTL_SECONDS)
                .getOrNull();
        return seconds == null ? null : Duration.ofSeconds(seconds);
    }
}
