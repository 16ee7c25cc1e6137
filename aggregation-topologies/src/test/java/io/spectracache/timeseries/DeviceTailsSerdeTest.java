package io.spectracache.timeseries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spectracache.testing.GoldenFormatContract;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * The stored forms of {@link DeviceTails}: the golden files were written from {@link DeviceTailsSerde}'s,
 * {@link OpenSeriesSerde}'s and {@link OpenLog}'s Javadoc, not by the encoder (version 3's by
 * {@code device-tails-v3.py} beside them, from the series of version 2's file).
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
        return Map.of("device-tails-v3-whole.bin", device());
    }

    /** The device of every golden file: two series as the processor leaves them, one a few readings after base 1. */
    private DeviceTails device() {
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
        return device;
    }

    @Test
    void shouldWriteASegmentOfOnlyWhatChangedSinceTheRecordBeforeSoACommitAppendsItsReadings() {
        DeviceTails device = device();
        byte[] whole;
        byte[] segment;
        synchronized (device) {
            whole = serde.nextRecord(device, true);
            assertThat(serde.nextRecord(device, false)).as("nothing changed").isNull();
            OpenSeries temp = device.series("temp");
            temp.insert(T0 + 2000, 22.25);
            temp.addToBucket(1, T0 + 2000, 22.25);
            temp.seen(T0 + 2000);
            device.remove(device.indexOf("speed"));
            segment = serde.nextRecord(device, false);
        }

        assertThat(whole).isEqualTo(golden("device-tails-v3-whole.bin"));
        assertThat(segment).isEqualTo(golden("device-tails-v3-segment.bin"));
        DeviceTails read = serde.read(List.of(golden("device-tails-v3-whole.bin"), golden("device-tails-v3-segment.bin")));
        assertThat(read).isEqualTo(device);
        assertThat(read.metrics()).containsExactly("temp");
        assertThat(read.series("temp").latest()).isEqualTo(T0 + 2000);
    }

    @Test
    void shouldLeaveOutSegmentsOfAnOlderRunThatANewWholeRecordHasNotOverwrittenYet() {
        byte[] whole = golden("device-tails-v3-whole.bin");
        byte[] segment = golden("device-tails-v3-segment.bin");
        byte[] nextRun = whole.clone();
        nextRun[2] = 1; // run 1

        assertThat(serde.read(List.of(nextRun, segment))).isEqualTo(device());
        assertThat(serde.read(List.of(nextRun, segment)).lastSlot).isZero();
        assertThat(serde.read(List.of(whole, segment)).lastSlot).isEqualTo(1);
        assertThat(serde.read(List.of(golden("device-tails-v2.bin"), whole, segment))).isEqualTo(
                serde.read(List.of(whole, segment)));
    }

    @Test
    void shouldReadOneSeriesAloneAsTheWholeDeviceHoldsItButRefuseTheRecordsOfAnotherDevice() {
        List<byte[]> records = List.of(golden("device-tails-v3-whole.bin"), golden("device-tails-v3-segment.bin"));
        DeviceTails whole = serde.read(records);

        assertThat(serde.readSeries(records, SeriesKeys.devicePrefix("truck-1"), "temp")).isEqualTo(whole.series("temp"));
        assertThat(serde.readSeries(records, SeriesKeys.devicePrefix("truck-1"), "speed")).isNull();
        // A bulk read reads the records below the store, by key: records of another device under it are refused, as
        // TailSegmentsStore's reads refuse them.
        assertThatThrownBy(() -> serde.readSeries(records, SeriesKeys.devicePrefix("truck-2"), "temp"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("timeseries-open-tails holds the tails of truck-1 under another device's key");
    }

    @Test
    void shouldLeaveTheLogOfOneSeriesReadAloneUncheckedUntilItsReplaySoABulkReadDecodesItOnce() {
        byte[] whole = golden("device-tails-v3-whole.bin");
        byte[] log;
        DeviceTails device = device();
        synchronized (device) {
            log = device.series("temp").log().encoded();
        }
        int at = indexOf(whole, log);
        assertThat(at).as("temp's log in the record").isPositive();
        byte[] corrupt = whole.clone();
        corrupt[at] = 2 << 2 | OpenLog.OPEN_BUCKET; // its first operation now opens a bucket of tier 2, of 2 tiers
        List<byte[]> records = List.of(corrupt);
        String message = OpenLogTest.catchMessage(() -> serde.read(records));
        OpenSeries base = series.empty();
        base.rebase();

        OpenSeries alone = serde.readSeries(records, SeriesKeys.devicePrefix("truck-1"), "temp");

        assertThat(message).contains("tier");
        assertThatThrownBy(() -> alone.chunkOn(base)).isInstanceOf(SerializationException.class).hasMessage(message);
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        for (int i = 0; i + part.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void shouldRefuseASegmentThatDoesNotContinueWhatTheRecordsBeforeItHold() {
        byte[] segment = golden("device-tails-v3-segment.bin");

        assertThat(serde.read(List.of(segment)).metrics()).as("a segment before any whole record is left out")
                .isEmpty();
        assertThatThrownBy(() -> serde.read(List.of(golden("device-tails-v3-whole.bin"), segment, segment)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("hold 9 of base 1");
        assertThatThrownBy(() -> serde.deserialize("t", segment)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("read them together");
    }

    @Test
    void shouldReadVersionsOneAndTwoAsTheSameSeriesSoStateStoredBeforeSegmentsStillRestores() {
        for (String older : List.of("device-tails-v1.bin", "device-tails-v2.bin")) {
            DeviceTails read = serde.deserialize("t", golden(older));

            assertThat(read).as(older).isEqualTo(device());
            assertThat(serde.serialize("t", read)).as(older).isEqualTo(golden("device-tails-v3-whole.bin"));
        }
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
        // A read of one series refuses its own name twice; another series' names are passed, not kept.
        assertThatThrownBy(() -> serde.readSeries(List.of(twice), SeriesKeys.devicePrefix("truck-1"), "temp"))
                .isInstanceOf(SerializationException.class).hasMessageContaining("temp twice");
        assertThat(serde.readSeries(List.of(twice), SeriesKeys.devicePrefix("truck-1"), "speed")).isNull();
    }
}
