package io.spectracache.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.devices.DeviceState;
import io.spectracache.events.DeviceEvent;
import io.spectracache.events.GeoPoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeviceEventSerdeTest {
    private static final JsonSerde<DeviceEvent> DATABIND = JsonSerde.of(DeviceEvent.class);

    @Test
    void shouldWriteExactlyWhatDatabindWritesForEveryShapeOfEvent() {
        Random random = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            DeviceEvent event = randomEvent(random, i);
            assertThat(new String(DeviceEventSerde.INSTANCE.serialize("t", event), StandardCharsets.UTF_8))
                    .isEqualTo(new String(DATABIND.serialize("t", event), StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldWriteDeviceStatesExactlyAsDatabindDoes() throws Exception {
        Random random = new Random(3);
        for (int i = 0; i < 1_000; i++) {
            DeviceState state = DeviceState.first(randomEvent(random, i));
            for (int more = random.nextInt(4); more > 0; more--) {
                state = state.plus(randomEvent(random, i));
            }
            assertThat(new String(WireWriters.deviceState(state), StandardCharsets.UTF_8))
                    .isEqualTo(Json.mapper().writeValueAsString(state));
        }
    }

    @Test
    void shouldReadBackWhatItWrites() {
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            DeviceEvent event = randomEvent(random, i);
            assertThat(DeviceEventSerde.INSTANCE.deserialize("t", DeviceEventSerde.INSTANCE.serialize("t", event))).isEqualTo(event);
        }
    }

    @Test
    void shouldKeepTheGoldenWireFormatOfSpectraEvents() throws IOException {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("temp", 21.5);
        DeviceEvent event = new DeviceEvent("truck-0042", Instant.parse("2026-11-24T19:00:00.123Z"), "9f0c", "acme",
                metrics, new GeoPoint(52.52, 13.405), Map.of("fw", "1.2.3"));
        try (InputStream golden = getClass().getResourceAsStream("/golden/device-event-v1.json")) {
            assertThat(new String(DeviceEventSerde.INSTANCE.serialize("t", event), StandardCharsets.UTF_8))
                    .isEqualTo(new String(golden.readAllBytes(), StandardCharsets.UTF_8).strip());
        }
    }

    @Test
    void shouldKeepNullANull() {
        assertThat(DeviceEventSerde.INSTANCE.serialize("t", null)).isNull();
        assertThat(DeviceEventSerde.INSTANCE.deserialize("t", null)).isNull();
    }

    private static DeviceEvent randomEvent(Random random, int i) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int m = 0; m < random.nextInt(5); m++) {
            double value = switch (random.nextInt(4)) {
                case 0 -> random.nextGaussian() * 1e6;
                case 1 -> random.nextInt(1000);
                case 2 -> Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL);
                default -> random.nextDouble();
            };
            metrics.put("m\"" + m + (m == 2 ? "é/\\" : ""), value);
        }
        Map<String, String> attributes = random.nextBoolean() ? Map.of() : Map.of("fw", "1.2." + i, "note", "line\nbreak \u0001");
        Instant ts = Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000_000), random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000));
        GeoPoint location = random.nextBoolean() ? new GeoPoint(random.nextDouble() * 180 - 90, random.nextDouble() * 360 - 180) : null;
        return new DeviceEvent("dev-" + i, ts, random.nextBoolean() ? "e-" + i : null, random.nextBoolean() ? "acme" : null,
                metrics, location, attributes);
    }
}
