package io.spectracache.timeseries.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spectracache.testing.GoldenFormatContract;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.From;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * The chunk format, version 2 (version 1 is {@code GorillaVersion1Test}'s). The golden files were written bit by bit
 * from {@link GorillaCodec}'s format description and the encoder's documented choice (the cheapest order and coder by
 * {@code IntegerSequences.plan}'s estimate, Rice's k refined exactly), not by the encoder:
 * <ul>
 *   <li>{@code empty}: {@code 02 00}.
 *   <li>{@code one-point}: 21.57 at 2026-11-24T19:00:00.123Z: {@code 02 01} + varlong t0; no timestamps; values
 *       '0' (decimals) '0010' (k = 2) '01' (order 1: only the head) + SIGNED 2157 (7 bits: 13, then 13 bits).
 *   <li>{@code four-points} ({@link #FOUR_POINTS}): {@code 02 04 D0 0F}; timestamps '0' (no divisor: the deltas 1000,
 *       1000, 1 share none) '00' (order 0) '10' (Rice zig-zag) '001010' (k = 10) + zig-zag 2000 = '10' '1111010000'
 *       twice + zig-zag 1 = '0' '0000000010', 2 bits of padding; values '0' '0000' (k = 0) '00' '10' '000001'
 *       (k = 1) + zig-zag 1, 1, 2, 2 = '100' '100' '1100' '1100', 3 bits of padding.
 *   <li>{@code xor-doubles} ({@link #XOR_DOUBLES}): timestamps -5, 7, 7, 100: deltas 12, 0, 93, divisor 3 ('1' +
 *       SIGNED 3), then 4, 0, 31 in order 0, Rice zig-zag k = 4; values not decimals (a NaN payload, -0.0, 1/3):
 *       '1' + XOR: 64 bits, '11' 00000 000000 + 64 bits, '10' + 64 bits, '0', 7 bits of padding.
 *   <li>{@code uniform} ({@link #UNIFORM}): 40 readings a minute apart, values (17 i mod 41) / 10: timestamps
 *       divisor 60000 then forty 1s packed from base 1 at width 0; values k = 1, order 0, truncated binary from base 0
 *       over R = 40 (w = 6, s = 23: 0..22 in 5 bits, 23..40 as 46..63 in 6).
 * </ul>
 * Properties hold the codec to exact round trips for any input, and {@code python3} derivations of the golden files
 * agreed with the encoder byte for byte.
 */
class GorillaCodecTest implements GoldenFormatContract<Chunk> {
    static final Chunk EMPTY = Chunk.of(new long[0], new double[0]);
    static final Chunk ONE_POINT = Chunk.of(new long[] {1_795_546_800_123L}, new double[] {21.57});
    static final Chunk FOUR_POINTS = Chunk.of(new long[] {1000, 2000, 3000, 3001}, new double[] {1.0, 1.0, 2.0, 2.0});
    static final Chunk XOR_DOUBLES = Chunk.of(new long[] {-5, 7, 7, 100},
            new double[] {Double.longBitsToDouble(0x7ff8_0000_0000_0001L), -0.0, 1.0 / 3, 1.0 / 3});
    static final Chunk UNIFORM = uniform();

    private final GorillaCodec codec = new GorillaCodec();

    private static Chunk uniform() {
        return uniform(40);
    }

    private static Chunk uniform(int n) {
        long[] timestamps = new long[n];
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            timestamps[i] = 60_000L * i;
            values[i] = (17 * i % 41) / 10.0;
        }
        return Chunk.of(timestamps, values);
    }

    @Override
    public Serde<Chunk> serde() {
        return codec;
    }

    @Override
    public Map<String, Chunk> goldenFiles() {
        return Map.of("series-chunk-v2-empty.bin", EMPTY, "series-chunk-v2-one-point.bin", ONE_POINT,
                "series-chunk-v2-four-points.bin", FOUR_POINTS, "series-chunk-v2-xor-doubles.bin", XOR_DOUBLES,
                "series-chunk-v2-uniform.bin", UNIFORM);
    }

    @Property(tries = 1000)
    void shouldRoundTripAnySeriesBitForBit(@ForAll("series") Chunk chunk) {
        assertThat(GorillaCodec.decode(GorillaCodec.encode(chunk))).isEqualTo(chunk);
    }

    @Property(tries = 300)
    void shouldRoundTripEveryDoubleBitForBitWhateverElseIsInTheChunk(
            @ForAll("mixedDoubles") List<Double> values, @ForAll @IntRange(min = 0, max = 10_000) int step) {
        long[] timestamps = new long[values.size()];
        for (int i = 0; i < timestamps.length; i++) {
            timestamps[i] = 1_795_546_800_000L + (long) i * step;
        }
        Chunk chunk = Chunk.of(timestamps, values.stream().mapToDouble(Double::doubleValue).toArray());

        assertThat(GorillaCodec.decode(GorillaCodec.encode(chunk))).isEqualTo(chunk);
    }

    @Property(tries = 300)
    void shouldRoundTripEveryTimestampIncludingLongExtremes(@ForAll("timestamps") long[] timestamps) {
        double[] values = new double[timestamps.length];
        Arrays.fill(values, 21.5);
        Chunk chunk = Chunk.of(timestamps, values);

        assertThat(GorillaCodec.decode(GorillaCodec.encode(chunk))).isEqualTo(chunk);
    }

    /** What a decoder reused over chunks of any sizes gives, as a chunk of its own. */
    private static Chunk decodedBy(ChunkDecoder decoder, byte[] bytes) {
        int n = decoder.decode(bytes);
        return Chunk.of(Arrays.copyOf(decoder.timestamps(), n), Arrays.copyOf(decoder.values(), n));
    }

    @Property(tries = 300)
    void shouldDecodeIntoReusedArraysBitForBitAsDecodeDoes(@ForAll @Size(max = 6) List<@From("series") Chunk> chunks,
                                                          @ForAll @IntRange(min = 0, max = 300) int longer) {
        ChunkDecoder decoder = new ChunkDecoder();
        // A longer chunk first now and then, so that later, shorter ones are decoded over what it left.
        decodedBy(decoder, GorillaCodec.encode(uniform(longer)));
        for (Chunk chunk : chunks) {
            assertThat(decodedBy(decoder, GorillaCodec.encode(chunk))).isEqualTo(chunk);
            assertThat(decodedBy(decoder, GorillaCodec.encodeVersion1(chunk))).isEqualTo(chunk);
        }
    }

    @Test
    void shouldDecodeEveryGoldenFileIntoReusedArraysAsDecodeDoes() {
        ChunkDecoder decoder = new ChunkDecoder();
        goldenFiles().forEach((name, chunk) -> assertThat(decodedBy(decoder, golden(name))).as(name).isEqualTo(chunk));
        for (String name : List.of("series-chunk-v1-four-points.bin", "series-chunk-v1-empty.bin")) {
            assertThat(decodedBy(decoder, golden(name))).as(name).isEqualTo(GorillaCodec.decode(golden(name)));
        }
    }

    /** What a decoder gives for two chunks decoded together, as a chunk each. */
    private static List<Chunk> decodedPairBy(ChunkDecoder decoder, byte[] first, byte[] second) {
        int n = decoder.decode(first, second);
        int split = decoder.split();
        return List.of(Chunk.of(Arrays.copyOf(decoder.timestamps(), split), Arrays.copyOf(decoder.values(), split)),
                Chunk.of(Arrays.copyOfRange(decoder.timestamps(), split, n), Arrays.copyOfRange(decoder.values(), split, n)));
    }

    /** {@code chunk}'s bytes with one to four bits flipped after the version byte, and now and then cut short. */
    private static byte[] corrupted(Chunk chunk, Random random) {
        byte[] bytes = GorillaCodec.encode(chunk);
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips && bytes.length > 1; i++) {
            int at = 1 + random.nextInt(bytes.length - 1);
            bytes[at] = (byte) (bytes[at] ^ (1 << random.nextInt(8)));
        }
        if (random.nextInt(4) == 0) {
            bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
        }
        return bytes;
    }

    /** Two chunks decoded together ({@code RawPointReader} decodes a series' sealed chunks in pairs). */
    @Property(tries = 500)
    void shouldDecodeTwoChunksTogetherBitForBitAsEachAlone(@ForAll("series") Chunk first, @ForAll("series") Chunk second,
                                                         @ForAll boolean firstVersion1, @ForAll boolean secondVersion1) {
        byte[] a = firstVersion1 ? GorillaCodec.encodeVersion1(first) : GorillaCodec.encode(first);
        byte[] b = secondVersion1 ? GorillaCodec.encodeVersion1(second) : GorillaCodec.encode(second);
        ChunkDecoder decoder = new ChunkDecoder();
        decodedBy(decoder, GorillaCodec.encode(uniform(300))); // arrays left longer than either, as a page leaves them
        assertThat(decodedPairBy(decoder, a, b)).containsExactly(first, second);
        assertThat(decoder.split()).isEqualTo(first.size());
    }

    /** Corrupt bytes in either of two chunks decoded together: what each alone gives, or a failure as each alone. */
    @Property(tries = 1000)
    void shouldDecodeCorruptBytesTogetherAsEachAlone(@ForAll("series") Chunk chunk, @ForAll("series") Chunk other,
                                                     @ForAll boolean corruptFirst, @ForAll Random random) {
        byte[] bytes = corrupted(chunk, random);
        byte[] a = corruptFirst ? bytes : GorillaCodec.encode(other);
        byte[] b = corruptFirst ? GorillaCodec.encode(other) : bytes;
        ChunkDecoder decoder = new ChunkDecoder();
        Chunk expectedA;
        Chunk expectedB;
        try {
            expectedA = GorillaCodec.decode(a);
            expectedB = GorillaCodec.decode(b);
        } catch (SerializationException e) {
            assertThatThrownBy(() -> decoder.decode(a, b)).isInstanceOf(SerializationException.class);
            return;
        }
        assertThat(decodedPairBy(decoder, a, b)).containsExactly(expectedA, expectedB);
    }

    /** Corrupt bytes: the reused decoder gives what decode gives, or fails as it does. */
    @Property(tries = 1000)
    void shouldDecodeCorruptBytesIntoReusedArraysAsDecodeDoes(@ForAll("series") Chunk chunk, @ForAll Random random) {
        byte[] corrupt = corrupted(chunk, random);
        ChunkDecoder decoder = new ChunkDecoder();
        decodedBy(decoder, GorillaCodec.encode(uniform(200)));
        Chunk expected;
        try {
            expected = GorillaCodec.decode(corrupt);
        } catch (SerializationException e) {
            assertThatThrownBy(() -> decoder.decode(corrupt)).isInstanceOf(SerializationException.class)
                    .hasMessage(e.getMessage());
            return;
        }
        assertThat(decodedBy(decoder, corrupt)).isEqualTo(expected);
    }

    @Property(tries = 300)
    void shouldRefuseEveryStrictPrefixOfAChunk(@ForAll("series") Chunk chunk, @ForAll Random random) {
        byte[] bytes = GorillaCodec.encode(chunk);
        byte[] cut = Arrays.copyOf(bytes, random.nextInt(bytes.length));

        assertThatThrownBy(() -> GorillaCodec.decode(cut)).isInstanceOf(SerializationException.class);
    }

    /** Corrupt bytes decode to some chunk or fail with Kafka's exception: never an index or arithmetic exception. */
    @Property(tries = 2000)
    void shouldFailOnlyWithASerializationExceptionOnCorruptBytes(@ForAll("series") Chunk chunk, @ForAll Random random) {
        byte[] bytes = GorillaCodec.encode(chunk);
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips && bytes.length > 1; i++) {
            int at = 1 + random.nextInt(bytes.length - 1);
            bytes[at] = (byte) (bytes[at] ^ (1 << random.nextInt(8)));
        }
        if (random.nextInt(4) == 0) {
            bytes = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(8));
        }
        byte[] corrupt = bytes;

        try {
            assertThat(GorillaCodec.decode(corrupt)).isNotNull();
        } catch (SerializationException expected) {
            assertThat(expected).hasMessageContaining("time-series chunk");
        }
    }

    @Test
    void shouldRoundTripChunksOfZeroOneAndTwoPoints() {
        for (Chunk chunk : List.of(EMPTY, ONE_POINT, Chunk.of(new long[] {Long.MIN_VALUE}, new double[] {Double.NaN}),
                Chunk.of(new long[] {5, 5}, new double[] {-0.0, 0.0}), Chunk.of(new long[] {Long.MIN_VALUE, Long.MAX_VALUE},
                        new double[] {Double.MAX_VALUE, -Double.MIN_VALUE}))) {
            assertThat(GorillaCodec.decode(GorillaCodec.encode(chunk))).isEqualTo(chunk);
        }
    }

    @Test
    void shouldKeepEverySpecialDoubleExactly() {
        double[] values = {Double.NaN, Double.longBitsToDouble(0x7ff8_0000_0000_0001L), Double.longBitsToDouble(0xfff0_0000_dead_beefL),
            -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE,
            -Double.MIN_NORMAL, Double.longBitsToDouble(0x000f_ffff_ffff_ffffL), 21.5};
        long[] timestamps = new long[values.length];
        for (int i = 0; i < timestamps.length; i++) {
            timestamps[i] = Long.MIN_VALUE / 2 + (long) i * Long.MAX_VALUE / 4;
        }
        Chunk chunk = Chunk.of(timestamps, values);

        assertThat(GorillaCodec.decode(GorillaCodec.encode(chunk))).isEqualTo(chunk);
    }

    /** Regression: decimal 0 decodes as +0.0, so a -0.0 among decimals must send the chunk to XOR doubles. */
    @Test
    void shouldNotTurnNegativeZeroIntoZeroAmongDecimals() {
        Chunk chunk = Chunk.of(new long[] {1, 2, 3, 4}, new double[] {21.5, -0.0, 0.0, 21.7});

        assertThat(Double.doubleToRawLongBits(GorillaCodec.decode(GorillaCodec.encode(chunk)).value(1)))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    /** Regression: a value that needs 17 significant digits (0.1 + 0.2) must not be rounded to a 15-digit decimal. */
    @Test
    void shouldNotRoundAValueThatIsNotAShortDecimal() {
        Chunk chunk = Chunk.of(new long[] {1, 2, 3}, new double[] {0.1, 0.2, 0.1 + 0.2});

        assertThat(GorillaCodec.decode(GorillaCodec.encode(chunk))).isEqualTo(chunk);
    }

    /**
     * Regression: a decimal chunk whose later value needs a larger scale rescales the integers before it; one beyond
     * 2^53 after rescaling must not be coded as a decimal (it would not survive the double conversion).
     */
    @Test
    void shouldKeepLargeIntegersExactWhenALaterValueNeedsMoreDecimals() {
        Chunk chunk = Chunk.of(new long[] {1, 2, 3}, new double[] {9_007_199_254_740_000.0, 1.5, 0.125});

        assertThat(GorillaCodec.decode(GorillaCodec.encode(chunk))).isEqualTo(chunk);
    }

    /** Regression: Rice's refinement of k must not touch a truncated binary code's width (found while measuring). */
    @Test
    void shouldRoundTripUniformReadingsCodedInTruncatedBinary() {
        Random random = new Random(7);
        long[] timestamps = new long[120];
        double[] values = new double[120];
        for (int i = 0; i < 120; i++) {
            timestamps[i] = 200L * i;
            values[i] = Math.round((800 + random.nextDouble() * 3000) * 100) / 100.0;
        }
        Chunk chunk = Chunk.of(timestamps, values);

        assertThat(GorillaCodec.decode(GorillaCodec.encode(chunk))).isEqualTo(chunk);
    }

    @Test
    void shouldStoreARegularTimerAndAConstantReadingInAFewBytesWhateverTheLength() {
        for (int n : new int[] {100, 10_000}) {
            long[] timestamps = new long[n];
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                timestamps[i] = 1_795_546_800_000L + 10_000L * i;
                values[i] = 42.0;
            }
            // Header 9-10 bytes (version, count, first timestamp), divisor and packing parameters: no bits per point.
            assertThat(GorillaCodec.encode(Chunk.of(timestamps, values)).length).as("%d points", n).isLessThanOrEqualTo(20);
        }
    }

    @Test
    void shouldStoreWholeSecondTimestampsWithSecondsOfJitterInAboutAByteAPoint() {
        Random random = new Random(3);
        int n = 120;
        long[] timestamps = new long[n];
        double[] values = new double[n];
        long t = 1_795_546_800_000L;
        for (int i = 0; i < n; i++) {
            t += 1000L * (60 + random.nextInt(5) - 2);
            timestamps[i] = t;
        }
        // Without the divisor the deltas would take over 10 bits each; in whole seconds, about 3.
        assertThat(GorillaCodec.encode(Chunk.of(timestamps, values)).length).isLessThan(n * 4 / 8 + 24);
    }

    @Test
    void shouldCompressADriftingSensorSeriesToUnderAByteAPoint() {
        // One reading every 10 s with a few ms of jitter, a temperature drifting by tenths of a degree.
        Random random = new Random(42);
        int n = 8_640;
        long[] timestamps = new long[n];
        double[] values = new double[n];
        long t = 1_795_546_800_000L;
        double temperature = 21.5;
        for (int i = 0; i < n; i++) {
            t += 10_000 + (random.nextInt(10) == 0 ? random.nextInt(7) - 3 : 0);
            temperature = Math.round((temperature + (random.nextInt(3) - 1) * 0.1) * 10) / 10.0;
            timestamps[i] = t;
            values[i] = temperature;
        }
        byte[] bytes = GorillaCodec.encode(Chunk.of(timestamps, values));

        double perPoint = bytes.length / (double) n;
        assertThat(perPoint).as("bytes per point (raw: 16; version 1: 4.7; version 2 measured 0.58)").isLessThan(1.0);
        assertThat(GorillaCodec.decode(bytes)).isEqualTo(Chunk.of(timestamps, values));
    }

    @Test
    void shouldRefuseAChunkThatClaimsMorePointsThanAnyChunkMayHold() {
        // 2^21 points in six bytes: decoding must not allocate for them.
        assertThatThrownBy(() -> GorillaCodec.decode(new byte[] {2, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("claims");
    }

    @Test
    void shouldRefuseToEncodeMorePointsThanAnyChunkMayHold() {
        int n = GorillaCodec.MAX_POINTS + 1;
        Chunk huge = Chunk.of(new long[n], new double[n]);

        assertThatThrownBy(() -> GorillaCodec.encode(huge)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("at most");
    }

    @Test
    void shouldRefuseAnEmptyArrayAndUnknownVersionsWithAClearMessage() {
        assertThatThrownBy(() -> GorillaCodec.decode(new byte[0])).isInstanceOf(SerializationException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> GorillaCodec.decode(new byte[] {3, 0})).isInstanceOf(SerializationException.class)
                .hasMessageContaining("version 3");
    }

    @Test
    void shouldRefuseNonZeroPaddingAndTrailingBytes() {
        byte[] padded = golden("series-chunk-v2-four-points.bin");
        padded[padded.length - 1] |= 1;
        byte[] longer = Arrays.copyOf(golden("series-chunk-v2-four-points.bin"), 15);

        assertThatThrownBy(() -> GorillaCodec.decode(padded)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("padding");
        assertThatThrownBy(() -> GorillaCodec.decode(longer)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("after its last point");
    }

    @Test
    void shouldKeepNullAsNullBothWays() {
        assertThat(codec.serialize("t", null)).isNull();
        assertThat(codec.deserialize("t", null)).isNull();
    }

    @Provide
    Arbitrary<Chunk> series() {
        Arbitrary<Long> start = Arbitraries.oneOf(Arbitraries.longs(),
                Arbitraries.longs().between(1_500_000_000_000L, 2_000_000_000_000L),
                Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L));
        Arbitrary<List<Long>> steps = Arbitraries.oneOf(
                Arbitraries.longs().between(-5_000, 5_000).list(),
                Arbitraries.longs().list(),
                Arbitraries.of(1_000L, 1_001L, 999L, 0L, 60_000L).list(),
                Arbitraries.longs().between(9_950, 10_050).list(),
                Arbitraries.longs().between(-3, 3).map(s -> 1_000 * (60 + s)).list(),
                Arbitraries.longs().between(0, 200).map(s -> s * 50 + 10_000).list()).map(l -> l.size() > 300 ? l.subList(0, 300) : l);
        Arbitrary<List<Double>> values = Arbitraries.oneOf(
                Arbitraries.doubles().list(),
                Arbitraries.doubles().between(20, 22).ofScale(1).list(),
                decimals().list(),
                walk(),
                Arbitraries.longs().map(Double::longBitsToDouble).list(),
                Arbitraries.of(0.0, -0.0, Double.NaN, 1.0, Double.MIN_VALUE, Double.MAX_VALUE,
                        Double.NEGATIVE_INFINITY).list(),
                mixedDoubles()).map(l -> l.size() > 301 ? l.subList(0, 301) : l);
        return Combinators.combine(start, steps, values).as((first, deltas, vs) -> {
            int n = Math.min(deltas.size() + 1, vs.size());
            long[] timestamps = new long[n];
            double[] doubles = new double[n];
            long t = first;
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    t += deltas.get(i - 1);
                }
                timestamps[i] = t;
                doubles[i] = vs.get(i);
            }
            return Chunk.of(timestamps, doubles);
        });
    }

    /** Decimals m / 10^k as a parser makes them: any k up to 17, any m up to 2^55 (some beyond what is exact). */
    private static Arbitrary<Double> decimals() {
        return Combinators.combine(Arbitraries.longs().between(-(1L << 55), 1L << 55), Arbitraries.integers().between(0, 17))
                .as((m, k) -> Double.parseDouble(java.math.BigDecimal.valueOf(m, k).toString()));
    }

    /** A random walk of readings rounded to a few decimals, as a device reports them. */
    private static Arbitrary<List<Double>> walk() {
        return Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.doubles().between(-1e6, 1e6),
                Arbitraries.doubles().between(0, 100), Arbitraries.longs()).as((decimals, start, sigma, seed) -> {
                    Random random = new Random(seed);
                    double scale = Math.pow(10, decimals);
                    double x = start;
                    List<Double> out = new java.util.ArrayList<>();
                    for (int i = random.nextInt(301); i > 0; i--) {
                        x += random.nextGaussian() * sigma;
                        out.add(Math.round(x * scale) / scale);
                    }
                    return out;
                });
    }

    /** Decimals and anything else in one list: NaN payloads, -0.0, subnormals, extremes, random bit patterns. */
    @Provide
    Arbitrary<List<Double>> mixedDoubles() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, decimals()),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().map(Double::longBitsToDouble)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, 0x000f_ffff_ffff_ffffL).map(Double::longBitsToDouble)),
                net.jqwik.api.Tuple.of(1, Combinators.combine(Arbitraries.longs().between(0x7ff0_0000_0000_0001L,
                        0x7fff_ffff_ffff_ffffL), Arbitraries.of(0L, Long.MIN_VALUE)).as((bits, sign) -> Double.longBitsToDouble(bits | sign))),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(-0.0, 0.0, Double.MIN_VALUE, -Double.MAX_VALUE, Double.MAX_VALUE,
                        Double.POSITIVE_INFINITY, Double.MIN_NORMAL))).list().ofMaxSize(300);
    }

    /** Sorted or not, equal, negative, huge gaps, Long extremes. */
    @Provide
    Arbitrary<long[]> timestamps() {
        Arbitrary<Long> any = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-10, 10),
                Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1, 0L));
        return Arbitraries.oneOf(
                any.list().ofMaxSize(300).map(l -> l.stream().mapToLong(Long::longValue).toArray()),
                any.list().ofMaxSize(300).map(l -> l.stream().mapToLong(Long::longValue).sorted().toArray()),
                Combinators.combine(any, any, Arbitraries.integers().between(0, 300)).as((first, step, n) -> {
                    long[] out = new long[n];
                    for (int i = 0; i < n; i++) {
                        out[i] = first + step * i;
                    }
                    return out;
                }));
    }
}
