package io.spectracache.timeseries.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The bit writer and reader: whatever is written at any width and alignment reads back; past the end is refused. */
class BitStreamTest {

    @Property(tries = 1000)
    void shouldReadBackEveryRunOfBitsAtAnyWidthAndAlignment(@ForAll("runs") List<Tuple2<Long, Integer>> runs) {
        BitOutput out = new BitOutput(1);
        long bits = 0;
        for (Tuple2<Long, Integer> run : runs) {
            out.write(run.get1(), run.get2());
            bits += run.get2();
        }
        byte[] bytes = out.toByteArray();
        assertThat(bytes).hasSize((int) ((bits + 7) / 8));
        assertThat(out.bitCount()).isEqualTo(bits);

        BitInput in = new BitInput(bytes, 0, bytes.length);
        for (Tuple2<Long, Integer> run : runs) {
            int width = run.get2();
            long expected = width == 64 ? run.get1() : run.get1() & ((1L << width) - 1);
            assertThat(in.read(width)).isEqualTo(expected);
        }
        assertThat(in.remaining()).isEqualTo(bytes.length * 8L - bits);
    }

    @Property(tries = 300)
    void shouldCountOnesUpToTheLimitAndConsumeTheZeroAfterThem(@ForAll("ones") int ones) {
        BitOutput out = new BitOutput(1);
        out.write(1, 3);
        out.writeOnes(ones);
        out.write(0, 1);
        out.write(0b1011, 4);
        byte[] bytes = out.toByteArray();
        BitInput in = new BitInput(bytes, 0, bytes.length);
        in.read(3);

        int counted = in.readOnes(24);
        if (ones >= 24) {
            assertThat(counted).isEqualTo(24);
            in.read(ones - 24 + 1);
        } else {
            assertThat(counted).isEqualTo(ones);
        }
        assertThat(in.read(4)).isEqualTo(0b1011);
    }

    @Test
    void shouldRefuseToReadPastTheEndOfTheRegionNotJustOfTheArray() {
        byte[] bytes = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        BitInput in = new BitInput(bytes, 1, 1);

        assertThat(in.read(5)).isEqualTo(0b11111);
        assertThatThrownBy(() -> in.read(4)).isInstanceOf(SerializationException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> in.readOnes(24)).isInstanceOf(SerializationException.class);
    }

    @Provide
    Arbitrary<List<Tuple2<Long, Integer>>> runs() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(0, 64)).as(Tuple::of)
                .list().ofMaxSize(200);
    }

    @Provide
    Arbitrary<Integer> ones() {
        return Arbitraries.integers().between(0, 64);
    }
}
