package io.spectracache.devices;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.events.DeviceEvent;
import io.spectracache.events.GeoPoint;
import io.spectracache.serialization.JsonSerde;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Why {@link DeviceStateSerde} exists: the aggregation reads and writes the state once per event, and JSON makes
 * that the biggest cost of the fold. Not part of the default run:
 * {@code mvn -o -q install -pl aggregation-topologies -Dtest.excludedGroups=integration -Dgroups=benchmark}; the
 * figures go to the test's output file. It only asserts that the binary form is smaller and faster.
 */
@Tag("benchmark")
class DeviceStateSerdeBenchmarkTest {
    private static final int ROUNDS = 5;
    private static final int ITERATIONS = 200_000;

    static DeviceState typicalState() {
        Instant t0 = Instant.parse("2026-11-24T19:00:00.123Z");
        DeviceState state = DeviceState.first(new DeviceEvent("truck-0042", t0, "9f0c1d2e-0001", "acme",
                Map.of("temp", 21.5, "speed", 63.0, "fuel", 0.71), new GeoPoint(52.52, 13.405),
                Map.of("fw", "1.2.3", "region", "eu")));
        for (int i = 1; i < 50; i++) {
            state = state.plus(new DeviceEvent("truck-0042", t0.plusMillis(1_000L * i), "9f0c1d2e-" + i, "acme",
                    Map.of("temp", 21.5 + i / 10.0, "speed", 60.0 + i, "fuel", 0.71 - i / 1000.0),
                    new GeoPoint(52.52 + i / 1e4, 13.405), Map.of("fw", "1.2.3", "region", "eu")));
        }
        return state;
    }

    @Test
    void binaryStateCodecIsSmallerAndFasterThanJson() {
        DeviceState state = typicalState();
        Serde<DeviceState> json = JsonSerde.of(DeviceState.class);
        Serde<DeviceState> binary = new DeviceStateSerde();
        byte[] jsonBytes = json.serializer().serialize("t", state);
        byte[] binaryBytes = binary.serializer().serialize("t", state);

        double jsonNanos = Double.MAX_VALUE;
        double binaryNanos = Double.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            jsonNanos = Math.min(jsonNanos, nanosPerUpdate(json, state));
            binaryNanos = Math.min(binaryNanos, nanosPerUpdate(binary, state));
        }
        System.out.printf("DeviceState read+write per event: JSON %.0f ns (%d bytes), binary %.0f ns (%d bytes)%n",
                jsonNanos, jsonBytes.length, binaryNanos, binaryBytes.length);

        assertThat(binaryBytes.length).isLessThan(jsonBytes.length);
        assertThat(binaryNanos).isLessThan(jsonNanos);
    }

    /** One aggregation step's serde work: read the stored state, write the new one. */
    private static double nanosPerUpdate(Serde<DeviceState> serde, DeviceState state) {
        byte[] bytes = serde.serializer().serialize("t", state);
        long checksum = 0;
        long start = System.nanoTime();
        for (int i = 0; i < ITERATIONS; i++) {
            DeviceState read = serde.deserializer().deserialize("t", bytes);
            bytes = serde.serializer().serialize("t", read);
            checksum += bytes.length;
        }
        long elapsed = System.nanoTime() - start;
        assertThat(checksum).isPositive();
        return (double) elapsed / ITERATIONS;
    }
}
