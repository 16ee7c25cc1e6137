package io.spectracache.timeseries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** {@link PackedValues}: every double back bit for bit, decimals in a few bytes. */
class PackedValuesTest {

    @Provide
    Arbitrary<List<Double>> values() {
        Arbitrary<Double> decimals = Arbitraries.integers().between(-1_000_000, 1_000_000)
                .flatMap(units -> Arbitraries.of(1.0, 10.0, 100.0, 1000.0).map(power -> units / power));
        Arbitrary<Double> bits = Arbitraries.longs().map(Double::longBitsToDouble);
        Arbitrary<Double> special = Arbitraries.of(-0.0, 0.0, Double.NaN, Double.longBitsToDouble(0x7ff8_0000_dead_beefL),
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE,
                Double.MAX_VALUE, -Double.MAX_VALUE, 9.007199254740993e15, 1e300, -1e300, 0.1, 0.7, 1e-300);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, decimals), net.jqwik.api.Tuple.of(2, bits),
                net.jqwik.api.Tuple.of(2, special)).list().ofMaxSize(300);
    }

    @Property(tries = 500)
    void shouldReadEveryValueBackBitForBit(@ForAll("values") List<Double> values) {
        ByteWriter out = new ByteWriter();
        PackedValues.Writer writer = new PackedValues.Writer(out);
        values.forEach(writer::write);

        ByteBuffer in = ByteBuffer.wrap(out.toByteArray());
        PackedValues.Reader reader = new PackedValues.Reader(in);
        for (double value : values) {
            assertThat(reader.readBits()).isEqualTo(Double.doubleToRawLongBits(value));
        }
        assertThat(in.hasRemaining()).isFalse();
    }

    @Property(tries = 1000)
    void shouldFindExactlyTheDecimalsTheDivisionFinds(@ForAll("values") List<Double> values) {
        for (double value : values) {
            long bits = Double.doubleToRawLongBits(value);
            for (int k = 1; k <= 3; k++) {
                assertThat(PackedValues.units(bits, k)).as("%s at scale %d", value, k)
                        .isEqualTo(PackedValues.dividedUnits(bits, k));
            }
        }
    }

    @Test
    void shouldFindExactlyTheDecimalsTheDivisionFindsAroundPowersOfTwoAndEveryScale() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        for (int i = 0; i < 2_000_000; i++) {
            double value;
            switch (i % 4) {
                case 0 -> value = random.nextLong(-9_007_199_254_740_992L, 9_007_199_254_740_992L)
                        / Math.pow(10, random.nextInt(0, 8));
                case 1 -> value = Math.scalb(1.0, random.nextInt(-80, 60)) * (random.nextBoolean() ? 1 : -1);
                case 2 -> value = Math.nextAfter(Math.scalb(1.0, random.nextInt(-80, 60)), random.nextBoolean() ? 0 : 1e300);
                default -> value = Double.longBitsToDouble(random.nextLong());
            }
            long bits = Double.doubleToRawLongBits(value);
            for (int k = 1; k <= 3; k++) {
                if (PackedValues.units(bits, k) != PackedValues.dividedUnits(bits, k)) {
                    assertThat(PackedValues.units(bits, k)).as("%s at scale %d", value, k)
                            .isEqualTo(PackedValues.dividedUnits(bits, k));
                }
            }
        }
    }

    @Test
    void shouldWriteTwoDecimalReadingsInAFewBytesInsteadOfEight() {
        ByteWriter out = new ByteWriter();
        PackedValues.Writer writer = new PackedValues.Writer(out);
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        for (int i = 0; i < 1000; i++) {
            writer.write(Math.round((15 + random.nextDouble() * 20) * 100) / 100.0);
        }

        assertThat(out.length()).isLessThan(3 * 1000);
    }

    @Test
    void shouldRefuseADecimalBeyondWhatADoubleHoldsExactlyInsteadOfReadingAnotherValue() {
        ByteWriter out = new ByteWriter();
        long units = (1L << 53) + 1;
        out.unsigned((units << 1) << 2 | 1);

        assertThatThrownBy(() -> new PackedValues.Reader(ByteBuffer.wrap(out.toByteArray())).readBits())
                .isInstanceOf(SerializationException.class).hasMessageContaining("units");
    }
}
