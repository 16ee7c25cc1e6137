package io.spectracache.spatial;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GeofenceTest {
    private static final String SQUARE = "[[[0,0],[10,0],[10,10],[0,10],[0,0]]]";

    private static Geofence parse(String json) {
        return Geofence.parse("f", json.getBytes(UTF_8), 100);
    }

    private static void refused(String json, String message) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(GeoJsonException.class).hasMessageContaining(message);
    }

    @Test
    void shouldReadAFeatureWithItsPropertiesAndABareGeometry() {
        Geofence feature = parse("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" + SQUARE
                + "},\"properties\":{\"name\":\"square\",\"hysteresisM\":25.5,\"dwellMs\":30000}}");
        Geofence bare = parse("{\"type\":\"Polygon\",\"coordinates\":" + SQUARE + "}");

        assertThat(feature.hysteresisM()).isEqualTo(25.5);
        assertThat(feature.dwellMs()).isEqualTo(30_000);
        assertThat(feature.properties().get("name").asText()).isEqualTo("square");
        assertThat(bare.properties().isEmpty()).isTrue();
        assertThat(bare.geometry().equalsExact(feature.geometry())).isTrue();
        assertThat(bare.version()).isNotEqualTo(feature.version());
    }

    @Test
    void shouldReadItsOwnStoredFormBackToTheSameFenceAndVersion() {
        Geofence fence = parse("{\"type\":\"Feature\",\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[" + SQUARE
                + ",[[[20,20],[30,20],[30,30],[20,20]]]]},\"properties\":{\"hysteresisM\":3}}");
        byte[] stored = fence.toJson();
        Geofence again = Geofence.parse("f", stored, 100);

        assertThat(again.geometry().equalsExact(fence.geometry())).isTrue();
        assertThat(again.properties()).isEqualTo(fence.properties());
        assertThat(Geofence.parse("f", stored, 100).version()).isEqualTo(again.version());
        assertThat(new String(stored, UTF_8)).startsWith("{\"type\":\"Feature\",\"id\":\"f\",\"geometry\":{\"type\":\"MultiPolygon\"");
    }

    @Test
    void shouldRefuseWhatIsNotAValidPolygonNamingTheField() {
        refused("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[10,10],[10,0],[0,10],[0,0]]]}", "self-intersection at or near");
        refused("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[10,0],[10,10],[0,10]]]}", "body.coordinates[0]: the ring is not closed");
        refused("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[10,0],[0,0]]]}", "at least 4 positions");
        refused("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[200,0],[10,10],[0,0]]]}",
                "body.coordinates[0][1]: longitude 200.0 is outside [-180, 180]");
        refused("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,\"x\"],[10,10],[0,0]]]}", "latitude must be a finite number");
        refused("{\"type\":\"Polygon\",\"coordinates\":" + SQUARE.replace("]]]", "]],[[20,20],[21,20],[21,21],[20,20]]]") + "}",
                "hole lies outside shell");
        refused("{\"type\":\"Point\",\"coordinates\":[0,0]}", "\"Point\" is not a Polygon or MultiPolygon");
        refused("{\"coordinates\":[]}", "body.type: missing");
        refused("[1,2]", "expected a GeoJSON Polygon");
        refused("{\"type\":\"Feature\",\"geometry\":null}", "body.geometry: expected");
        refused("{oops", "body: not JSON");
    }

    @Test
    void shouldRefuseMoreVerticesThanAllowed() {
        StringBuilder ring = new StringBuilder("[[");
        for (int i = 0; i < 101; i++) {
            double a = 2 * Math.PI * i / 101;
            ring.append('[').append(Math.cos(a)).append(',').append(Math.sin(a)).append("],");
        }
        ring.append("[1.0,0.0]]]");
        refused("{\"type\":\"Polygon\",\"coordinates\":" + ring + "}", "more than 100 vertices");
    }

    @Test
    void shouldRefuseTransitionPropertiesOutOfRange() {
        String base = "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" + SQUARE + "},\"properties\":";
        refused(base + "{\"hysteresisM\":-1}}", "body.properties.hysteresisM: metres from 0 to 100000");
        refused(base + "{\"hysteresisM\":\"10\"}}", "body.properties.hysteresisM");
        refused(base + "{\"dwellMs\":1.5}}", "body.properties.dwellMs: whole milliseconds");
        refused(base + "{\"dwellMs\":999999999999}}", "body.properties.dwellMs");
        refused(base + "[1]}", "body.properties: must be an object");
    }
}
