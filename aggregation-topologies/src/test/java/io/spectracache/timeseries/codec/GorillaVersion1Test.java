package io.spectracache.timeseries.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * Format version 1 (Gorilla as in the paper), which stores written before version 2 hold: it must still decode. The
 * golden files were written bit by bit from the format's description in {@link GorillaCodec}:
 * 1.0 at 1000, 1.0 at 2000, 2.0 at 3000, 2.0 at 3001: v0 in 64 bits; D=1000 → '1110'+12 bits; same value '0';
 * D=0 '0'; 2.0 XOR 1.0 = 0x7FF0… → '11' + leading 1 + width 11 + 11 ones; D=-999 → '1110'+12 bits; '0'.
 */
class GorillaVersion1Test {
    private static final Map<String, Chunk> GOLDEN = Map.of(
            "series-chunk-v1-four-points.bin", GorillaCodecTest.FOUR_POINTS,
            "series-chunk-v1-empty.bin", GorillaCodecTest.EMPTY);

    @Test
    void shouldStillDecodeChunksWrittenInVersionOne() {
        GOLDEN.forEach((name, chunk) -> assertThat(GorillaCodec.decode(golden(name))).as(name).isEqualTo(chunk));
    }

    @Test
    void shouldWriteVersionOneExactlyAsDescribed() {
        GOLDEN.forEach((name, chunk) -> assertThat(GorillaCodec.encodeVersion1(chunk)).as(name).isEqualTo(golden(name)));
    }

    @Test
    void shouldRefuseEveryTruncationOfAVersionOneChunk() {
        for (String name : GOLDEN.keySet()) {
            byte[] whole = golden(name);
            for (int length = 0; length < whole.length; length++) {
                byte[] cut = Arrays.copyOf(whole, length);
                assertThatThrownBy(() -> GorillaCodec.decode(cut)).as("%s cut to %d bytes", name, length)
                        .isInstanceOf(SerializationException.class);
            }
        }
    }

    @Property(tries = 300)
    void shouldRoundTripAnySeriesThroughVersionOne(@ForAll("series") Chunk chunk) {
        assertThat(GorillaCodec.decode(GorillaCodec.encodeVersion1(chunk))).isEqualTo(chunk);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Chunk> series() {
        return new GorillaCodecTest().series();
    }

    private static byte[] golden(String name) {
        try (InputStream in = GorillaVersion1Test.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("golden file %s", name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
