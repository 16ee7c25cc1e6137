package io.spectracache.spatial;

import com.fasterxml.jackson.core.JsonGenerator;
import io.javalin.http.Context;
import io.spectracache.query.Gathered;
import io.spectracache.serialization.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * Writes geo answers as GeoJSON (RFC 7946): a FeatureCollection of Point features, one per device, with the device's
 * id, position time, distance where it applies, tenant and attributes as properties, and the scatter contract
 * ({@code partial}, {@code failedInstances}, {@code partitions}) as foreign members of the collection.
 */
final class GeoAnswers {
    /** RFC 7946's media type. */
    static final String GEO_JSON = "application/geo+json";

    private GeoAnswers() {
    }

    @FunctionalInterface
    interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    /** An object answer written with {@code body} between its braces. */
    static void write(Context ctx, String contentType, Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
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
        write(ctx, GEO_JSON, json -> {
            json.writeStringField("type", "FeatureCollection");
            json.writeArrayFieldStart("features");
            for (SpatialQueries.Found found : gathered.value().found()) {
                feature(json, found.deviceId(), found.lat(), found.lon(), properties -> {
                    properties.writeStringField("deviceId", found.deviceId());
                    properties.writeStringField("ts", Instant.ofEpochMilli(found.ts()).toString());
                    if (found.distanceM() != null) {
                        properties.writeNumberField("distanceM", Math.round(found.distanceM() * 1000) / 1000.0);
                    }
                    properties.writeStringField("tenant", found.tenant());
                    properties.writeObjectFieldStart("attributes");
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
        json.writeStringField("type", "Feature");
        json.writeStringField("id", id);
        json.writeObjectFieldStart("geometry");
        json.writeStringField("type", "Point");
        json.writeArrayFieldStart("coordinates");
        json.writeNumber(lon);
        json.writeNumber(lat);
        json.writeEndArray();
        json.writeEndObject();
        json.writeObjectFieldStart("properties");
        properties.write(json);
        json.writeEndObject();
        json.writeEndObject();
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
