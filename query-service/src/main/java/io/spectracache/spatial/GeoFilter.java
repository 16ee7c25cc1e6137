package io.spectracache.spatial;

import io.spectracache.errors.InvalidRequestException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which devices a geo query admits besides where they are: a tenant, {@code where=attr:value,...} conditions on the
 * tenant and attributes of the event that carried the device's position (the index keeps them), all of which must
 * hold, and positions no older than a time.
 *
 * @param where  attribute name to required value; {@code tenant} is the device's tenant
 * @param minTs  positions older than this (event time, epoch ms) are left out; {@link Long#MIN_VALUE}: none are
 */
public record GeoFilter(Map<String, String> where, long minTs) {
    public GeoFilter {
        where = where == null ? Map.of() : Map.copyOf(where);
    }

    /** No condition. */
    public static GeoFilter all() {
        return new GeoFilter(Map.of(), Long.MIN_VALUE);
    }

    /**
     * Reads the query parameters (each may be null).
     *
     * @param maxAgeMs positions older than this behind {@code now} are left out; 0: none are
     * @throws InvalidRequestException for a malformed {@code where}
     */
    public static GeoFilter parse(String tenant, String where, long maxAgeMs, long now) {
        Map<String, String> conditions = new LinkedHashMap<>();
        if (where != null && !where.isBlank()) {
            for (String condition : where.split(",")) {
                int colon = condition.indexOf(':');
                if (colon <= 0 || colon == condition.length() - 1) {
                    throw new InvalidRequestException("where: \"" + condition.trim() + "\" is not attribute:value; use "
                            + "for example where=region:eu-west,fw:1.2.3 (all must hold)");
                }
                conditions.put(condition.substring(0, colon).trim(), condition.substring(colon + 1).trim());
            }
        }
        if (tenant != null && !tenant.isBlank()) {
            String other = conditions.put("tenant", tenant);
            if (other != null && !other.equals(tenant)) {
                throw new InvalidRequestException("tenant: " + tenant + " contradicts where=tenant:" + other);
            }
        }
        return new GeoFilter(conditions, maxAgeMs == 0 ? Long.MIN_VALUE : now - maxAgeMs);
    }


    /** Whether a position of this time is recent enough. */
    public boolean admitsTime(long ts) {
        return ts >= minTs;
    }

    /** Whether a position's tenant (may be null) and attributes meet every condition. */
    public boolean admits(String tenant, Map<String, String> attributes) {
        for (Map.Entry<String, String> condition : where.entrySet()) {
            String value = condition.getKey().equals("tenant") ? tenant : attributes.get(condition.getKey());
            if (!condition.getValue().equals(value)) {
                return false;
            }
        }
        return true;
    }
}
