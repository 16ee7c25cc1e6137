package io.spectracache.sketches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class SketchKeysTest {
    private static final long T0 = 1_795_546_800_000L;

    private static String hex(Bytes bytes) {
        return HexFormat.of().formatHex(bytes.get());
    }

    @Test
    void shouldLayAWindowKeyOutAsDocumented() {
        assertThat(hex(SketchKeys.window("devices", "acme", 3_600_000L, T0))).isEqualTo(
                "07" + HexFormat.of().formatHex("devices".getBytes()) + "01" + "04" + HexFormat.of().formatHex(
                        "acme".getBytes()) + "000000000036ee80" + "800001a20eeddf80");
        assertThat(hex(SketchKeys.window("devices", null, 60_000L, -1))).isEqualTo(
                "07" + HexFormat.of().formatHex("devices".getBytes()) + "00" + "000000000000ea60" + "7fffffffffffffff");
        assertThat(hex(SketchKeys.block("seen-devices", 2, 5))).isEqualTo(
                "0c" + HexFormat.of().formatHex("seen-devices".getBytes()) + "00000002" + "00000005");
        assertThat(hex(SketchKeys.CLOCK)).isEqualTo("00");
    }

    @Test
    void shouldOrderTheWindowsOfALaneAndSizeByStartNegativeTimesIncluded() {
        List<Bytes> keys = new ArrayList<>();
        long[] starts = {Long.MIN_VALUE, -120_000, -60_000, 0, 60_000, T0, Long.MAX_VALUE};
        for (long start : starts) {
            keys.add(SketchKeys.window("devices", "acme", 60_000, start));
        }

        assertThat(keys).isSorted();
        assertThat(SketchKeys.window("devices", null, Long.MAX_VALUE, Long.MAX_VALUE))
                .as("the all-groups lane sorts before every group").isLessThan(SketchKeys.window("devices", "", 1, 0));
        assertThat(SketchKeys.window("devices", "acme", 60_000, Long.MAX_VALUE))
                .as("finer sizes before coarser").isLessThan(SketchKeys.window("devices", "acme", 3_600_000, Long.MIN_VALUE));
    }

    @Property(tries = 300)
    void shouldKeepEveryKeyOfANameBetweenItsPrefixAndItsRangeEndAndNoOtherNames(
            @ForAll @AlphaChars @StringLength(min = 1, max = 6) String name,
            @ForAll @AlphaChars @StringLength(min = 1, max = 6) String other, @ForAll String group,
            @ForAll long size, @ForAll long start) {
        Bytes low = SketchKeys.namePrefix(name);
        Bytes high = SketchKeys.nameRangeEnd(name);
        for (Bytes key : List.of(SketchKeys.window(name, group, size, start), SketchKeys.window(name, null, size, start),
                SketchKeys.lane(name, group), SketchKeys.block(name, (int) Math.abs(start % 1000), Integer.MAX_VALUE))) {
            assertThat(key).isBetween(low, high);
        }
        if (!other.equals(name)) {
            Bytes foreign = SketchKeys.window(other, group, size, start);
            assertThat(foreign.compareTo(low) < 0 || foreign.compareTo(high) > 0).as("%s inside %s's range", other, name)
                    .isTrue();
        }
    }

    @Property(tries = 300)
    void shouldDecodeWhatItEncodes(@ForAll @StringLength(max = 20) String group, @ForAll long size, @ForAll long start) {
        assertThat(SketchKeys.decodeWindow(SketchKeys.window("noisiest-devices", group, size, start)))
                .isEqualTo(new SketchKeys.WindowKey("noisiest-devices", group, size, start));
        assertThat(SketchKeys.decodeWindow(SketchKeys.window("devices", null, size, start)).group()).isNull();
        assertThat(SketchKeys.decodeLane(SketchKeys.lane("devices", group)))
                .isEqualTo(new SketchKeys.Lane("devices", group));
    }

    @Test
    void shouldRefuseBytesThatAreNotItsKeys() {
        assertThatThrownBy(() -> SketchKeys.decodeLane(SketchKeys.CLOCK)).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> SketchKeys.decodeWindow(SketchKeys.lane("devices", "acme")))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> SketchKeys.decodeWindow(Bytes.wrap(new byte[] {7, 1})))
                .isInstanceOf(SerializationException.class);
        assertThat(SketchKeys.decodeBlock(SketchKeys.block("seen-devices", 3, 9)))
                .isEqualTo(new SketchKeys.BlockKey("seen-devices", 3, 9));
    }
}
