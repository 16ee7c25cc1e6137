package io.spectracache.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spectracache.events.DeviceEvent;
import io.spectracache.events.GeoPoint;
import io.spectracache.testing.GoldenFormatContract;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/** The stored format of {@link DeviceState}: golden files were written from the format's Javadoc, not by the encoder. */
class DeviceStateSerdeTest implements GoldenFormatContract<DeviceState> {
    private static final Instant FIRST = Instant.parse("2026-11-24T19:00:00.123Z");
    private static final Instant LAST = Instant.parse("2026-11-24T19:00:05.500Z");
    private static final GeoPoint BERLIN = new GeoPoint(52.52, 13.405);
    private static final Instant BEFORE_EPOCH = Instant.parse("1969-12-31T23:59:59Z");

    static final DeviceState FULL = new DeviceState("truck-0042",
            new DeviceEvent("truck-0042", LAST, "9f0c", "acme", Map.of("speed", 63.0), BERLIN,
                    Map.of("fw", "1.2.3", "region", "eu")),
            FIRST, LAST, 3,
            Map.of("speed", new MetricReading(63.0, LAST), "temp", new MetricReading(21.5, FIRST)),
            BERLIN);
    static final DeviceState MINIMAL = new DeviceState("truck-0042",
            new DeviceEvent("gw-7/truck-0042", BEFORE_EPOCH, null, null, null, null, null),
            BEFORE_EPOCH, BEFORE_EPOCH, 1, null, null);

    private final DeviceStateSerde serde = new DeviceStateSerde();

    @Override
    public Serde<DeviceState> serde() {
        return serde;
    }

    @Override
    public Map<String, DeviceState> goldenFiles() {
        return Map.of("device-state-v1-full.bin", FULL, "device-state-v1-minimal.bin", MINIMAL);
    }




    @Test
    void shouldRoundTripArbitraryStates() {
        Random random = new Random(20261124);
        for (int i = 0; i < 2_000; i++) {
            DeviceState state = randomState(random);
            assertThat(serde.deserialize("t", serde.serialize("t", state))).as("state %d", i).isEqualTo(state);
        }
    }

    @Test
    void shouldWriteEqualStatesAsEqualBytesWhateverTheMapOrder() {
        Map<String, Double> metrics = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            metrics.put("m" + (i * 7 % 20), (double) i);
        }
        DeviceState state = DeviceState.first(DeviceEvent.of("d", FIRST, metrics));
        DeviceState rebuilt = serde.deserialize("t", serde.serialize("t", state));

        assertThat(serde.serialize("t", rebuilt)).isEqualTo(serde.serialize("t", state));
    }

    @Test
    void shouldKeepNullAsNullBothWays() {
        assertThat(serde.serialize("t", null)).isNull();
        assertThat(serde.deserialize("t", null)).isNull();
    }

    @Test
    void shouldRejectUnknownVersionsAndFlagsInsteadOfMisreadingThem() throws IOException {
        byte[] newerVersion = golden("device-state-v1-minimal.bin");
        newerVersion[0] = 2;
        byte[] unknownStateFlag = golden("device-state-v1-minimal.bin");
        unknownStateFlag[17] = 2;
        byte[] unknownEventFlag = golden("device-state-v1-minimal.bin");
        unknownEventFlag[19] = 16 | 8;

        assertThatThrownBy(() -> serde.deserialize("t", newerVersion))
                .isInstanceOf(SerializationException.class).hasMessageContaining("version 2");
        assertThatThrownBy(() -> serde.deserialize("t", unknownStateFlag))
                .isInstanceOf(SerializationException.class).hasMessageContaining("flags");
        assertThatThrownBy(() -> serde.deserialize("t", unknownEventFlag))
                .isInstanceOf(SerializationException.class).hasMessageContaining("flags");
    }

    @Test
    void shouldRejectEveryTruncationAndTrailingBytes() throws IOException {
        byte[] golden = golden("device-state-v1-full.bin");
        for (int length = 0; length < golden.length; length++) {
            byte[] truncated = Arrays.copyOf(golden, length);
            assertThatThrownBy(() -> serde.deserialize("t", truncated))
                    .as("first %d bytes", length).isInstanceOf(SerializationException.class);
        }
        byte[] longer = Arrays.copyOf(golden, golden.length + 1);
        assertThatThrownBy(() -> serde.deserialize("t", longer)).isInstanceOf(SerializationException.class);
    }

    @Test
    void shouldComputeTheEncodedSizeExactlyWithoutEncoding() {
        Random random = new Random(20261129);
        for (int i = 0; i < 2_000; i++) {
            DeviceState state = randomState(random);
            assertThat(serde.encodedSize(state)).as("state %d", i).isEqualTo(serde.serialize("t", state).length);
        }
        assertThat(serde.encodedSize(FULL)).isEqualTo(serde.serialize("t", FULL).length);
        assertThat(serde.encodedSize(MINIMAL)).isEqualTo(serde.serialize("t", MINIMAL).length);
        // Lone surrogates are encoded as '?' by the JDK: one byte, not three.
        DeviceState odd = DeviceState.first(DeviceEvent.of("d\uD800x\uDC00", FIRST, Map.of("\uDBFF", 1.0, "\uD83D\uDE9A", 2.0)));
        assertThat(serde.encodedSize(odd)).isEqualTo(serde.serialize("t", odd).length);
        assertThat(DeviceStateSerde.utf8Length("a\u00e4\u20ac\uD83D\uDE9A\uD800")).isEqualTo(1 + 2 + 3 + 4 + 1);
    }

    private static DeviceState randomState(Random random) {
        String deviceId = "d" + randomText(random, random.nextInt(40));
        Instant first = Instant.ofEpochSecond(random.nextLong() % 10_000_000_000L, random.nextInt(1_000_000_000));
        DeviceState state = DeviceState.first(randomEvent(random, deviceId, first));
        int more = random.nextInt(5);
        for (int i = 0; i < more; i++) {
            Instant ts = first.plusNanos(random.nextLong() % 1_000_000_000_000L);
            state = state.plus(randomEvent(random, random.nextInt(10) == 0 ? deviceId + "'" : deviceId, ts));
        }
        return state;
    }

    private static DeviceEvent randomEvent(Random random, String deviceId, Instant ts) {
        Map<String, Double> metrics = new HashMap<>();
        double[] specials = {Double.NaN, -0.0, Double.POSITIVE_INFINITY, Double.MIN_VALUE, -1e308};
        for (int i = random.nextInt(6); i > 0; i--) {
            metrics.put(randomText(random, 1 + random.nextInt(12)),
                    random.nextInt(8) == 0 ? specials[random.nextInt(specials.length)] : random.nextGaussian() * 100);
        }
        Map<String, String> attributes = new HashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            attributes.put(randomText(random, 1 + random.nextInt(8)), randomText(random, random.nextInt(30)));
        }
        GeoPoint location = random.nextBoolean()
                ? new GeoPoint(random.nextDouble() * 180 - 90, random.nextDouble() * 360 - 180) : null;
        return new DeviceEvent(deviceId, ts, random.nextBoolean() ? randomText(random, 36) : null,
                random.nextBoolean() ? randomText(random, 6) : "", metrics, location, attributes);
    }

    /** Mostly ASCII, with some multi-byte and supplementary characters. */
    private static String randomText(Random random, int length) {
        StringBuilder text = new StringBuilder(length);
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_.:/ äöüß€漢字";
        for (int i = 0; i < length; i++) {
            if (random.nextInt(50) == 0) {
                text.appendCodePoint(0x1F69A);
            } else {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
        }
        return text.toString();
    }
}
