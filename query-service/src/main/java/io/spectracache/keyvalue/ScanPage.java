package io.spectracache.keyvalue;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * One page of an ordered key-value scan, as {@code GET /v1/kv} answers it (and as instances exchange it).
 *
 * @param nextCursor      pass as {@code cursor} to get the next page; null when this is the last page
 * @param partial         true when some partitions could not be read: the page may miss keys
 * @param failedInstances the instances that did not answer
 * @param partitions      the store partitions this page covers
 */
public record ScanPage(List<Item> items, String nextCursor, boolean partial, List<String> failedInstances, Set<Integer> partitions) {

    /**
     * One cache entry. {@code value} is the stored bytes as UTF-8 text when they are valid UTF-8
     * ({@code encoding = "utf8"}), else Base64 ({@code encoding = "base64"}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(String key, String value, String encoding, String contentType, Instant writtenAt, Instant expiresAt) {
    }
}
