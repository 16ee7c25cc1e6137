package io.spectracache.timeseries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spectracache.testing.GoldenFormatContract;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * The stored form of {@link DeviceTails}, with the tail form of {@link OpenSeries} inside it: the golden file was
 * written from {@link DeviceTailsSerde}'s and {@link OpenSeriesSerde}'s Javadoc, not by the encoder.
 */
class DeviceTailsSerdeTest implements GoldenFormatContract<DeviceTails> {
    private static final long T0 = 1_795_546_800_000L;
    private final DeviceTailsSerde serde = new DeviceTailsSerde("1m", "1h");
    private final OpenSeriesSerde series = new OpenSeriesSerde("1m", "1h");

    @Override
    public Serde<DeviceTails> serde() {
        return serde;
    }

    @Override
    public Map<String, DeviceTails> goldenFiles() {
        // temp: two readings as the processor logs them after base 1, then its chunk and its minute sealed.
        OpenSeries temp = series.empty();
        temp.rebase();
        temp.insert(T0, 21.5);
        temp.openBucket(0, T0);
        temp.addToBucket(0, T0, 21.5);
        temp.openBucket(1, T0);
        temp.addToBucket(1, T0, 21.5);
        temp.seen(T0);
        temp.insert(T0 + 1000, 21.5);
        temp.addToBucket(0, T0 + 1000, 21.5);
        temp.addToBucket(1, T0 + 1000, 21.5);
        temp.seen(T0 + 1000);
        temp.takeChunk();
        temp.takeBucket(0);
        // speed: base 3, then one reading that changed only its clocks (late, beyond every retention).
        OpenSeries speed = series.empty();
        speed.rebase();
        speed.rebase();
        speed.rebase();
        speed.seen(T0 + 12_000);
        speed.sealedPoint(T0 + 12_000);
        speed.sealedBucket(0, T0);
        DeviceTails device = new DeviceTails("truck-1");
        device.add("temp", temp);
        device.add("speed", speed);
        return Map.of("device-tails-v2.bin", device);
    }

    @Test
    void shouldReadVersionOneTailsAsTheSameSeriesSoStateStoredBeforeDecimalReadingsStillRestores() {
        DeviceTails expected = goldenFiles().get("device-tails-v2.bin");

        DeviceTails read = serde.deserialize("t", golden("device-tails-v1.bin"));

        assertThat(read).isEqualTo(expected);
        assertThat(serde.serialize("t", read)).isEqualTo(golden("device-tails-v2.bin"));
    }

    @Test
    void shouldReadTheSeriesBackIncompleteUntilPutOnTheirBases() {
        DeviceTails read = serde.deserialize("t", golden("device-tails-v1.bin"));

        assertThat(read.deviceId()).isEqualTo("truck-1");
        assertThat(read.devicePrefix()).isEqualTo(SeriesKeys.devicePrefix("truck-1"));
        assertThat(read.metrics()).containsExactly("temp", "speed");
        assertThat(read.series("temp").isComplete()).isFalse();
        assertThat(read.series("temp").generation()).isEqualTo(1);
        assertThat(read.series("speed").latest()).isEqualTo(T0 + 12_000);
        assertThat(read.series("fuel")).isNull();
    }

    @Test
    void shouldLeaveOutASeriesWithNothingSinceItsBaseForItIsItsBase() {
        OpenSeries quiet = series.empty();
        quiet.seen(T0);
        quiet.rebase();
        OpenSeries busy = series.empty();
        busy.seen(T0);
        DeviceTails device = new DeviceTails("truck-1");
        device.add("quiet", quiet);
        device.add("busy", busy);

        DeviceTails read = serde.deserialize("t", serde.serialize("t", device));

        assertThat(read.metrics()).containsExactly("busy");
    }

    @Test
    void shouldRefuseAMetricListedTwiceInsteadOfKeepingEitherSilently() {
        DeviceTails device = new DeviceTails("truck-1");
        OpenSeries temp = series.empty();
        temp.seen(T0);
        OpenSeries tamp = series.empty();
        tamp.seen(T0);
        device.add("temp", temp);
        device.add("tamp", tamp);
        String stored = new String(serde.serialize("t", device), StandardCharsets.ISO_8859_1);
        byte[] twice = stored.replace("tamp", "temp").getBytes(StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> serde.deserialize("t", twice)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("temp twice");
    }
}
