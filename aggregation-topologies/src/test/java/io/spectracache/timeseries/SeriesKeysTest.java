package io.spectracache.timeseries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class SeriesKeysTest {

    @Property
    void shouldReadEveryKeyBack(@ForAll String device, @ForAll String metric, @ForAll long start) {
        assertThat(SeriesKeys.decode(SeriesKeys.of(device, metric, start)))
                .isEqualTo(new SeriesKeys.SeriesKey(utf8RoundTrip(device), utf8RoundTrip(metric), start));
    }

    @Property
    void shouldOrderOneSeriesByTimeInRocksDbsByteOrder(@ForAll String device, @ForAll String metric,
                                                      @ForAll long a, @ForAll long b) {
        int bytes = Integer.signum(Bytes.BYTES_LEXICO_COMPARATOR.compare(
                SeriesKeys.of(device, metric, a).get(), SeriesKeys.of(device, metric, b).get()));

        assertThat(bytes).isEqualTo(Integer.signum(Long.compare(a, b)));
    }

    @Property
    void shouldPutEveryKeyOfADeviceAndNoOtherDevicesKeyBetweenItsPrefixAndItsRangeEnd(@ForAll String device,
            @ForAll String other, @ForAll String metric) {
        byte[] key = SeriesKeys.seriesPrefix(other, metric).get();
        boolean inRange = Bytes.BYTES_LEXICO_COMPARATOR.compare(key, SeriesKeys.devicePrefix(device).get()) >= 0
                && Bytes.BYTES_LEXICO_COMPARATOR.compare(key, SeriesKeys.deviceRangeEnd(device).get()) <= 0;

        assertThat(inRange).isEqualTo(utf8RoundTrip(device).equals(utf8RoundTrip(other)));
    }

    @Test
    void shouldEndADevicesRangeAfterAMetricWhoseLengthPrefixStartsWith0xFF() {
        String metric = "m".repeat(127 + 128);

        assertThat(Bytes.BYTES_LEXICO_COMPARATOR.compare(SeriesKeys.seriesPrefix("d", metric).get(),
                SeriesKeys.deviceRangeEnd("d").get())).isNegative();
    }

    @Property
    void shouldKeepEveryKeyOfADeviceUnderItsPrefixAndNoOtherDevicesKey(@ForAll String device, @ForAll String other,
                                                                      @ForAll String metric, @ForAll long start) {
        byte[] key = SeriesKeys.of(other, metric, start).get();
        byte[] prefix = SeriesKeys.devicePrefix(device).get();
        boolean underPrefix = key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);

        assertThat(underPrefix).isEqualTo(utf8RoundTrip(device).equals(utf8RoundTrip(other)));
    }

    @Test
    void shouldKeepDeviceAndMetricApartWhateverTheirCharacters() {
        assertThat(SeriesKeys.of("a", "bc", 0)).isNotEqualTo(SeriesKeys.of("ab", "c", 0));
        assertThat(SeriesKeys.seriesPrefix("truck", "temp").get())
                .isEqualTo(Arrays.copyOf(SeriesKeys.of("truck", "temp", 42).get(), SeriesKeys.of("truck", "temp", 42).get().length - 8));
    }

    @Test
    void shouldRefuseBytesThatAreNotAKey() {
        assertThatThrownBy(() -> SeriesKeys.decode(Bytes.wrap(new byte[] {5, 'a'}))).isInstanceOf(SerializationException.class);
        byte[] longer = Arrays.copyOf(SeriesKeys.of("d", "m", 1).get(), SeriesKeys.of("d", "m", 1).get().length + 1);
        assertThatThrownBy(() -> SeriesKeys.decode(Bytes.wrap(longer))).isInstanceOf(SerializationException.class);
    }

    // Unpaired surrogates become U+FFFD in UTF-8: the key holds what UTF-8 can hold.
    private static String utf8RoundTrip(String text) {
        return new String(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.UTF_8);
    }
}
