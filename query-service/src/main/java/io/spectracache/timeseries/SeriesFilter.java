package io.spectracache.timeseries;

import io.spectracache.devices.DeviceState;
import io.spectracache.errors.InvalidRequestException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which devices a fleet-wide series query covers: an explicit list ({@code devices=a,b,c}), an id prefix, and
 * {@code where=attr:value,...} conditions on the device's latest state ({@code tenant}, or any attribute of its
 * newest event), all of which must hold. Empty: every device with the metric.
 *
 * @param devices device ids, or null for any
 * @param prefix  an id prefix, or null for any
 * @param where   attribute name to required value; {@code tenant} is the device's tenant
 */
public record SeriesFilter(List<String> devices, String prefix, Map<String, String> where) {
    /** At most this many ids in {@code devices=}. */
    public static final int MAX_DEVICES = 10_000;

    public SeriesFilter {
        devices = devices == null ? null : List.copyOf(devices);
        where = where == null ? Map.of() : Map.copyOf(where);
    }

    /** No condition. */
    public static SeriesFilter all() {
        return new SeriesFilter(null, null, Map.of());
    }

    /**
     * Reads the query parameters (each may be null).
     *
     * @throws InvalidRequestException for a malformed {@code where} or too many devices
     */
    public static SeriesFilter parse(String devices, String prefix, String where) {
        List<String> ids = null;
        if (devices != null && !devices.isBlank()) {
            ids = List.of(devices.split(",")).stream().map(String::trim).filter(id -> !id.isEmpty()).distinct().toList();
            if (ids.size() > MAX_DEVICES) {
                throw new InvalidRequestException("devices: at most " + MAX_DEVICES + " ids; for more, select them with "
                        + "where= or prefix=");
            }
        }
        Map<String, String> conditions = new LinkedHashMap<>();
        if (where != null && !where.isBlank()) {
            for (String condition : where.split(",")) {
                int colon = condition.indexOf(':');
                if (colon <= 0 || colon == condition.length() - 1) {
                    throw new InvalidRequestException("where: \"" + condition.trim() + "\" is not attribute:value; use "
                            + "for example where=tenant:acme,region:eu-west (all must hold)");
                }
                conditions.put(condition.substring(0, colon).trim(), condition.substring(colon + 1).trim());
            }
        }
        return new SeriesFilter(ids, prefix == null || prefix.isEmpty() ? null : prefix, conditions);
    }

    /** Whether the id alone may pass (the list and the prefix). */
    public boolean admitsId(String deviceId) {
        return (devices == null || devices.contains(deviceId)) && (prefix == null || deviceId.startsWith(prefix));
    }

    /** Whether the conditions need the device's state. */
    public boolean needsState() {
        return !where.isEmpty();
    }

    /** Whether {@code state} (null: a device without state) meets every {@code where} condition. */
    public boolean admitsState(DeviceState state) {
        for (Map.Entry<String, String> condition : where.entrySet()) {
            if (!condition.getValue().equals(attribute(state, condition.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The value of one attribute of a device for grouping and conditions: {@code deviceId}, {@code tenant}, or an
     * attribute of its newest event; null when it has none.
     */
    public static String attribute(DeviceState state, String name) {
        if (state == null) {
            return null;
        }
        if (name.equals("deviceId")) {
            return state.deviceId();
        }
        if (state.lastEvent() == null) {
            return null;
        }
        if (name.equals("tenant")) {
            return state.lastEvent().tenant();
        }
        return state.lastEvent().attributes().get(name);
    }
}
