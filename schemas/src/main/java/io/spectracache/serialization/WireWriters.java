package io.spectracache.serialization;

import com.fasterxml.jackson.core.JsonGenerator;
import io.spectracache.devices.DeviceState;
import io.spectracache.devices.MetricReading;
import io.spectracache.events.DeviceEvent;
import io.spectracache.events.GeoPoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Hand-written JSON writers for the wire types written on hot paths (every ingested event, every device read).
 * They produce exactly what {@link Json#mapper()} writes for the same record — fields, order, null handling and
 * number format — and tests hold them to it; anything else goes through databind.
 */
public final class WireWriters {
    private WireWriters() {
    }

    /** {@code state} as JSON bytes, as {@code GET /v1/devices/{id}} answers it. */
    public static byte[] deviceState(DeviceState state) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(768);
        try (JsonGenerator json = Json.mapper().getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("deviceId", state.deviceId());
            json.writeFieldName("lastEvent");
            writeEvent(json, state.lastEvent());
            json.writeStringField("firstSeen", state.firstSeen().toString());
            json.writeStringField("lastSeen", state.lastSeen().toString());
            json.writeNumberField("eventCount", state.eventCount());
            json.writeObjectFieldStart("metrics");
            for (Map.Entry<String, MetricReading> metric : state.metrics().entrySet()) {
                json.writeObjectFieldStart(metric.getKey());
                json.writeNumberField("value", metric.getValue().value());
                json.writeStringField("at", metric.getValue().at().toString());
                json.writeEndObject();
            }
            json.writeEndObject();
            if (state.location() != null) {
                json.writeFieldName("location");
                writePoint(json, state.location());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    static void writeEvent(JsonGenerator json, DeviceEvent event) throws IOException {
        json.writeStartObject();
        json.writeStringField("deviceId", event.deviceId());
        json.writeStringField("ts", event.ts().toString());
        if (event.eventId() != null) {
            json.writeStringField("eventId", event.eventId());
        }
        if (event.tenant() != null) {
            json.writeStringField("tenant", event.tenant());
        }
        json.writeObjectFieldStart("metrics");
        for (Map.Entry<String, Double> metric : event.metrics().entrySet()) {
            json.writeNumberField(metric.getKey(), metric.getValue());
        }
        json.writeEndObject();
        if (event.location() != null) {
            json.writeFieldName("location");
            writePoint(json, event.location());
        }
        json.writeObjectFieldStart("attributes");
        for (Map.Entry<String, String> attribute : event.attributes().entrySet()) {
            json.writeStringField(attribute.getKey(), attribute.getValue());
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void writePoint(JsonGenerator json, GeoPoint point) throws IOException {
        json.writeStartObject();
        json.writeNumberField("lat", point.lat());
        json.writeNumberField("lon", point.lon());
        json.writeEndObject();
    }
}
