package io.spectracache.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.spectracache.serialization.Json;
import java.io.IOException;

/**
 * Reads the answers of the series routes the way a client that uses them would: every number parsed, with Jackson's
 * streaming parser (no tree), counting what was read. {@code GET /v1/devices/{id}/series/{metric}} answers
 * {@code {"points":[[ts,value],...]}}, with {@code step} {@code {"buckets":[{...},...]}}, and
 * {@code GET /v1/series/{metric}} {@code {"groups":[{"devices":n,"buckets":[...]},...]}}.
 */
final class SeriesJson {
    private SeriesJson() {
    }

    /**
     * The elements of the top-level array field {@code field} ({@code points}, {@code buckets}), each read to its
     * end with its numbers parsed; -1 if there is no such array.
     */
    static long count(byte[] body, int length, String field) throws IOException {
        try (JsonParser parser = Json.mapper().getFactory().createParser(body, 0, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            long found = -1;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals(field) && value == JsonToken.START_ARRAY) {
                    found = 0;
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        readValue(parser);
                        found++;
                    }
                } else {
                    parser.skipChildren();
                }
            }
            return found;
        }
    }

    /**
     * The devices a group-by answered, summed over its {@code groups}, and the groups: {@code {devices, groups}}.
     */
    static long[] groups(byte[] body, int length) throws IOException {
        try (JsonParser parser = Json.mapper().getFactory().createParser(body, 0, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            long devices = 0;
            long groups = 0;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("groups") && value == JsonToken.START_ARRAY) {
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        groups++;
                        while (parser.nextToken() == JsonToken.FIELD_NAME) {
                            String groupField = parser.currentName();
                            JsonToken groupValue = parser.nextToken();
                            if (groupField.equals("devices") && groupValue == JsonToken.VALUE_NUMBER_INT) {
                                devices += parser.getLongValue();
                            } else {
                                readValue(parser);
                            }
                        }
                    }
                } else {
                    parser.skipChildren();
                }
            }
            return new long[] {devices, groups};
        }
    }

    /** Reads the value the parser is on to its end, parsing every number as a client would. */
    private static void readValue(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_ARRAY || token == JsonToken.START_OBJECT) {
            int depth = 1;
            while (depth > 0) {
                JsonToken next = parser.nextToken();
                if (next == JsonToken.START_ARRAY || next == JsonToken.START_OBJECT) {
                    depth++;
                } else if (next == JsonToken.END_ARRAY || next == JsonToken.END_OBJECT) {
                    depth--;
                } else if (next != null && next.isNumeric()) {
                    parse(parser, next);
                } else if (next == null) {
                    throw new IOException("JSON ended inside a value");
                }
            }
        } else if (token != null && token.isNumeric()) {
            parse(parser, token);
        }
    }

    private static void parse(JsonParser parser, JsonToken number) throws IOException {
        if (number == JsonToken.VALUE_NUMBER_INT) {
            parser.getLongValue();
        } else {
            parser.getDoubleValue();
        }
    }
}
