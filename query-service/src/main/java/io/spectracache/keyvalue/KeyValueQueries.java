package io.spectracache.keyvalue;

import static java.util.Objects.requireNonNull;

import io.spectracache.query.Codec;
import io.spectracache.query.PointQuery;
import io.spectracache.query.ScatterQuery;
import io.spectracache.routing.LocalStores;
import io.spectracache.routing.ScanBounds;
import io.spectracache.routing.ScanMerge;
import io.spectracache.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;

/** The queries of the key-value cache, for every transport. */
public final class KeyValueQueries {
    /** One cache entry by key, answered by the key's owner; an expired entry is absent. */
    public static final PointQuery<String, String, KvEntry> GET = PointQuery.of("kv.get",
            Codec.json(String.class), KeyValueTopology.STORE, key -> key,
            Codec.serde(KeyValueTopology.STORE.valueSerde()),
            (key, partition, stores, read) -> stores.get(KeyValueTopology.STORE, key, partition, read)
                    .filter(entry -> !entry.isExpiredAt(System.currentTimeMillis())));

    /** One page of the ordered scan, gathered from every instance. */
    public static final ScatterQuery<ScanRequest, ScanPart> SCAN = ScatterQuery.of("kv.scan",
            Codec.json(ScanRequest.class), KeyValueTopology.STORE.name(), Topics.KV_WRITES,
            Codec.json(ScanPart.class), KeyValueQueries::localPage,
            (request, parts) -> merge(parts, request.limit(), request.maxBytes()));

    /**
     * A scan page request: the bounds of {@link ScanBounds}, the most items a page holds, and the most bytes of keys
     * and values it holds past its first item.
     */
    public record ScanRequest(String prefix, String from, String to, String cursor, int limit, long maxBytes) {
        public ScanRequest {
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be positive, was " + limit);
            }
            if (maxBytes < 1) {
                throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
            }
        }

        ScanBounds bounds() {
            return ScanBounds.of(prefix, from, to, cursor);
        }
    }

    /**
     * Items in key order; {@code nextCursor} is set when the instance (or the merge) has more after the last item,
     * and then vouches only for keys up to it.
     */
    public record ScanPart(List<ScanPage.Item> items, String nextCursor) {
        public ScanPart {
            items = List.copyOf(requireNonNull(items, "items"));
        }
    }

    private KeyValueQueries() {
    }

    private static ScatterQuery.Part<ScanPart> localPage(ScanRequest request, LocalStores stores,
                                                        io.spectracache.routing.ReadOptions read) {
        long now = System.currentTimeMillis();
        LocalStores.LocalPage<String, KvEntry> page = stores.scan(KeyValueTopology.STORE, request.bounds(),
                entry -> !entry.isExpiredAt(now),
                new LocalStores.PageBound<>(request.limit(), request.maxBytes(), entry -> entry.value().length), read);
        List<ScanPage.Item> items = new ArrayList<>(page.items().size());
        for (KeyValue<String, KvEntry> entry : page.items()) {
            items.add(itemOf(entry.key, entry.value));
        }
        String next = page.hasMore() && !items.isEmpty() ? items.get(items.size() - 1).key() : null;
        return new ScatterQuery.Part<>(new ScanPart(items, next), page.partitions());
    }

    /** Merges instance pages into one ({@link ScanMerge}: no key skipped between pages). */
    static ScanPart merge(List<ScanPart> parts, int limit, long maxBytes) {
        ScanMerge.Part<ScanPage.Item> merged = ScanMerge.merge(
                parts.stream().map(part -> new ScanMerge.Part<>(part.items(), part.nextCursor())).toList(),
                ScanPage.Item::key, limit, KeyValueQueries::sizeOf, maxBytes);
        return new ScanPart(merged.items(), merged.nextCursor());
    }

    // What an item weighs in a page: its key and its value as sent (text or Base64).
    private static long sizeOf(ScanPage.Item item) {
        return item.key().length() + (item.value() == null ? 0 : item.value().length());
    }

    private static ScanPage.Item itemOf(String key, KvEntry entry) {
        Instant written = Instant.ofEpochMilli(entry.writtenAt());
        Instant expires = entry.expiresAt() > 0 ? Instant.ofEpochMilli(entry.expiresAt()) : null;
        return utf8(entry.value())
                .map(value -> new ScanPage.Item(key, value, "utf8", entry.contentType(), written, expires))
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
}
