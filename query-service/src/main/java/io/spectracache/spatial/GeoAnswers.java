package io.spectracache.spatial;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.javalin.http.Context;
import io.spectracache.query.Gathered;
import io.spectracache.serialization.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Writes geo answers as GeoJSON (RFC 7946): a FeatureCollection of Point features, one per device, with the device's
 * id, position time, distance where it applies, tenant and attributes as properties, and the scatter contract
 * ({@code partial}, {@code failedInstances}, {@code partitions}) as foreign members of the collection.
 */
final class GeoAnswers {
    /** RFC 7946's media type. */
    static final String GEO_JSON = "application/geo+json";
    private static final SerializedString TYPE = new SerializedString("type");
    private static final SerializedString FEATURE = new SerializedString("Feature");
    private static final SerializedString ID = new SerializedString("id");
    private static final SerializedString GEOMETRY = new SerializedString("geometry");
    private static final SerializedString POINT = new SerializedString("Point");
    private static final SerializedString COORDINATES = new SerializedString("coordinates");
    private static final SerializedString PROPERTIES = new SerializedString("properties");
    private static final SerializedString DEVICE_ID = new SerializedString("deviceId");
    private static final SerializedString TS = new SerializedString("ts");
    private static final SerializedString DISTANCE_M = new SerializedString("distanceM");
    private static final SerializedString TENANT = new SerializedString("tenant");
    private static final SerializedString ATTRIBUTES = new SerializedString("attributes");

    private GeoAnswers() {
    }

    @FunctionalInterface
    interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    /** An object answer written with {@code body} between its braces. */
    static void write(Context ctx, String contentType, Body body) {
        write(ctx, contentType, 4096, body);
    }

    /** As {@link #write(Context, String, Body)}, into a buffer of {@code expectedBytes} to start with. */
    static void write(Context ctx, String contentType, int expectedBytes, Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(expectedBytes);
        try (JsonGenerator json = Json.mapper().getFactory().createGenerator(out)) {
            json.writeStartObject();
            body.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        ctx.contentType(contentType).result(out.toByteArray());
    }

    /** The FeatureCollection of an area query. */
    static void features(Context ctx, Gathered<SpatialQueries.Features> gathered) {
        List<SpatialQueries.Found> all = gathered.value().found();
        // About 250 bytes per feature: one buffer, not a doubling copy every few features.
        write(ctx, GEO_JSON, 512 + 320 * all.size(), json -> {
            json.writeStringField("type", "FeatureCollection");
            json.writeArrayFieldStart("features");
            char[] ts = new char[MAX_ISO_MILLIS];
            for (SpatialQueries.Found found : all) {
                feature(json, found.deviceId(), found.lat(), found.lon(), properties -> {
                    properties.writeFieldName(DEVICE_ID);
                    properties.writeString(found.deviceId());
                    properties.writeFieldName(TS);
                    properties.writeString(ts, 0, isoMillis(found.ts(), ts));
                    if (found.distanceM() != null) {
                        properties.writeFieldName(DISTANCE_M);
                        properties.writeNumber(Math.round(found.distanceM() * 1000) / 1000.0);
                    }
                    properties.writeFieldName(TENANT);
                    properties.writeString(found.tenant());
                    properties.writeFieldName(ATTRIBUTES);
                    properties.writeStartObject();
                    for (Map.Entry<String, String> attribute : found.attributes().entrySet()) {
                        properties.writeStringField(attribute.getKey(), attribute.getValue());
                    }
                    properties.writeEndObject();
                });
            }
            json.writeEndArray();
            json.writeBooleanField("truncated", gathered.value().truncated());
            scatter(json, gathered);
        });
    }

    /** One Point feature with the device id as its id. */
    static void feature(JsonGenerator json, String id, double lat, double lon, Body properties) throws IOException {
        json.writeStartObject();
        json.writeFieldName(TYPE);
        json.writeString(FEATURE);
        json.writeFieldName(ID);
        json.writeString(id);
        json.writeFieldName(GEOMETRY);
        json.writeStartObject();
        json.writeFieldName(TYPE);
        json.writeString(POINT);
        json.writeFieldName(COORDINATES);
        json.writeStartArray();
        json.writeNumber(lon);
        json.writeNumber(lat);
        json.writeEndArray();
        json.writeEndObject();
        json.writeFieldName(PROPERTIES);
        json.writeStartObject();
        properties.write(json);
        json.writeEndObject();
        json.writeEndObject();
    }

    /** The longest {@link #isoMillis} text: {@code 9999-12-31T23:59:59.999Z}. */
    static final int MAX_ISO_MILLIS = 24;

    /**
     * Writes an epoch-millisecond time into {@code out} exactly as {@code Instant.ofEpochMilli(ms).toString()} does
     * (fraction only when not zero), without its formatter, which cost about a microsecond per feature; returns the
     * length. Years outside 0000–9999 go through {@code Instant.toString}.
     *
     * @param out at least {@link #MAX_ISO_MILLIS} chars (or the length of {@code Instant.toString} beyond those years)
     */
    static int isoMillis(long ms, char[] out) {
        long days = Math.floorDiv(ms, 86_400_000L);
        int msOfDay = (int) Math.floorMod(ms, 86_400_000L);
        LocalDate date = LocalDate.ofEpochDay(days);
        int year = date.getYear();
        if (year < 0 || year > 9999) {
            String text = Instant.ofEpochMilli(ms).toString();
            text.getChars(0, text.length(), out, 0);
            return text.length();
        }
        two(out, 0, year / 100);
        two(out, 2, year % 100);
        out[4] = '-';
        two(out, 5, date.getMonthValue());
        out[7] = '-';
        two(out, 8, date.getDayOfMonth());
        out[10] = 'T';
        int seconds = msOfDay / 1000;
        two(out, 11, seconds / 3600);
        out[13] = ':';
        two(out, 14, seconds / 60 % 60);
        out[16] = ':';
        two(out, 17, seconds % 60);
        int millis = msOfDay % 1000;
        int at = 19;
        if (millis != 0) {
            out[at++] = '.';
            out[at++] = (char) ('0' + millis / 100);
            out[at++] = (char) ('0' + millis / 10 % 10);
            out[at++] = (char) ('0' + millis % 10);
        }
        out[at++] = 'Z';
        return at;
    }

    private static void two(char[] out, int at, int value) {
        out[at] = (char) ('0' + value / 10);
        out[at + 1] = (char) ('0' + value % 10);
    }

    /** {@code partial}, {@code failedInstances} and {@code partitions}. */
    static void scatter(JsonGenerator json, Gathered<?> gathered) throws IOException {
        json.writeBooleanField("partial", gathered.partial());
        json.writeArrayFieldStart("failedInstances");
        for (String failed : gathered.failedInstances()) {
            json.writeString(failed);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("partitions");
        for (int partition : new java.util.TreeSet<>(gathered.partitions())) {
            json.writeNumber(partition);
        }
        json.writeEndArray();
    }
}
