package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import io.spectracache.events.DeviceEvent;

/**
 * Which value of an event a sketch counts, groups by or remembers, as written in the settings:
 * <ul>
 *   <li>{@code deviceId}, {@code tenant}, {@code eventId}: the event's own fields (absent when null);
 *   <li>{@code attributes.<name>}: the attribute's text (absent when the event has no such attribute);
 *   <li>{@code metrics.<name>}: the reading, as its canonical text: an integral value within ±2^53 as an integer
 *       ({@code 42.0} counts as {@code "42"}, {@code -0.0} as {@code "0"}), any other finite value as Java's
 *       {@link Double#toString(double)} ({@code "21.5"}); NaN and ±Infinity count as absent. So a metric is counted,
 *       grouped and looked up by the same text a client writes in a query ({@code /v1/membership/f/42}).
 * </ul>
 * An event without the value is not counted by that sketch (and counted in
 * {@link SketchMeters#UPDATES_SKIPPED} with reason {@code no-value}).
 *
 * <pre>{@code SketchField region = SketchField.parse("attributes.region"); String value = region.valueOf(event);}</pre>
 *
 * @param kind what part of the event
 * @param name the attribute or metric name; empty for the event's own fields
 */
public record SketchField(Kind kind, String name) {
    /** The parts of an event a field can name. */
    public enum Kind { DEVICE_ID, TENANT, EVENT_ID, ATTRIBUTE, METRIC }

    private static final String ATTRIBUTES = "attributes.";
    private static final String METRICS = "metrics.";
    private static final double EXACT_INTEGERS = 9_007_199_254_740_992.0; // 2^53

    /** The event's device id. */
    public static final SketchField DEVICE_ID = new SketchField(Kind.DEVICE_ID, "");
    /** The event's tenant. */
    public static final SketchField TENANT = new SketchField(Kind.TENANT, "");
    /** The event's id. */
    public static final SketchField EVENT_ID = new SketchField(Kind.EVENT_ID, "");

    public SketchField {
        requireNonNull(kind, "kind");
        requireNonNull(name, "name");
        boolean named = kind == Kind.ATTRIBUTE || kind == Kind.METRIC;
        if (named == name.isEmpty()) {
            throw new IllegalArgumentException(named ? "an " + kind + " field needs a name" : kind + " takes no name");
        }
    }

    /**
     * Reads {@code deviceId}, {@code tenant}, {@code eventId}, {@code attributes.<name>} or {@code metrics.<name>}.
     *
     * @throws IllegalArgumentException naming the accepted forms, for anything else
     */
    public static SketchField parse(String text) {
        requireNonNull(text, "text");
        String field = text.trim();
        switch (field) {
            case "deviceId":
                return DEVICE_ID;
            case "tenant":
                return TENANT;
            case "eventId":
                return EVENT_ID;
            default:
                break;
        }
        if (field.startsWith(ATTRIBUTES) && field.length() > ATTRIBUTES.length()) {
            return new SketchField(Kind.ATTRIBUTE, field.substring(ATTRIBUTES.length()));
        }
        if (field.startsWith(METRICS) && field.length() > METRICS.length()) {
            return new SketchField(Kind.METRIC, field.substring(METRICS.length()));
        }
        throw new IllegalArgumentException("unknown field '" + text + "': a field is deviceId, tenant, eventId, "
                + "attributes.<name> or metrics.<name>");
    }

    /** The field as {@link #parse} reads it. */
    @Override
    public String toString() {
        return switch (kind) {
            case DEVICE_ID -> "deviceId";
            case TENANT -> "tenant";
            case EVENT_ID -> "eventId";
            case ATTRIBUTE -> ATTRIBUTES + name;
            case METRIC -> METRICS + name;
        };
    }

    /** The field's value in {@code event} as text, or null when the event has none. */
    public String valueOf(DeviceEvent event) {
        return switch (kind) {
            case DEVICE_ID -> event.deviceId();
            case TENANT -> event.tenant();
            case EVENT_ID -> event.eventId();
            case ATTRIBUTE -> event.attributes().get(name);
            case METRIC -> {
                Double value = event.metrics().get(name);
                yield value == null ? null : canonical(value);
            }
        };
    }

    /** A reading as the text it counts as (see the type's documentation), or null for NaN and ±Infinity. */
    public static String canonical(double value) {
        if (!Double.isFinite(value)) {
            return null;
        }
        if (value == Math.rint(value) && Math.abs(value) <= EXACT_INTEGERS) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
