package io.spectracache.timeseries.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Integer sequences: every sequence of longs round-trips, and each order and coder is chosen where it pays. */
class IntegerSequencesTest {

    @Property(tries = 1000)
    void shouldRoundTripAnySequenceOfLongs(@ForAll("sequences") long[] values) {
        assertThat(roundTrip(values)).containsExactly(values);
    }

    @Test
    void shouldChooseEachOrderAndCoderWhereItPays() {
        Random random = new Random(1);
        long[] regular = new long[100];
        long[] walk = new long[100];
        long[] uniform = new long[100];
        long[] exponential = new long[100];
        long[] ramp = new long[100];
        long[] accelerating = new long[100];
        long x = 0;
        for (int i = 0; i < 100; i++) {
            regular[i] = 10_000;
            x += Math.round(random.nextGaussian() * 20);
            walk[i] = x;
            uniform[i] = random.nextInt(300_001);
            exponential[i] = 50 + (long) (-Math.log(1 - random.nextDouble()) * 10_000);
            ramp[i] = (i == 0 ? 0 : ramp[i - 1]) + 1_000 + random.nextInt(2);
            accelerating[i] = (long) i * i;
        }
        assertPlan(regular, IntegerSequences.AS_THEY_ARE, IntegerSequences.PACKED);
        assertPlan(walk, IntegerSequences.DELTAS, IntegerSequences.RICE_ZIGZAG);
        assertPlan(uniform, IntegerSequences.AS_THEY_ARE, IntegerSequences.TRUNCATED_BINARY);
        assertPlan(exponential, IntegerSequences.AS_THEY_ARE, IntegerSequences.RICE_FROM_MIN);
        assertPlan(ramp, IntegerSequences.DELTAS, IntegerSequences.PACKED);
        assertPlan(accelerating, IntegerSequences.DELTAS_OF_DELTAS, IntegerSequences.PACKED);
        for (long[] values : List.of(regular, walk, uniform, exponential, ramp, accelerating)) {
            assertThat(roundTrip(values)).containsExactly(values);
        }
    }

    @Test
    void shouldCodeAQuotientBeyondTheEscapeAndAnyKExactly() {
        long[] outlier = new long[50];
        outlier[49] = Long.MAX_VALUE;
        outlier[10] = Long.MIN_VALUE;
        long[] large = {Long.MAX_VALUE, Long.MAX_VALUE - 1, Long.MAX_VALUE - 3, Long.MAX_VALUE - 2};
        long[] mixed = {0, 1, -1, 1L << 40, -(1L << 40), 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

        for (long[] values : List.of(outlier, large, mixed)) {
            assertThat(roundTrip(values)).containsExactly(values);
        }
    }

    private static void assertPlan(long[] values, int order, int coder) {
        IntegerSequences.Plan plan = IntegerSequences.plan(values, values.length);
        assertThat(plan.order).as("order").isEqualTo(order);
        assertThat(plan.coder).as("coder").isEqualTo(coder);
    }

    private static long[] roundTrip(long[] values) {
        BitOutput out = new BitOutput(16);
        out.write(0b101, 3); // off byte alignment, as inside a chunk
        IntegerSequences.write(out, values, values.length, new long[values.length],
                IntegerSequences.plan(values, values.length));
        byte[] bytes = out.toByteArray();
        BitInput in = new BitInput(bytes, 0, bytes.length);
        assertThat(in.read(3)).isEqualTo(0b101);
        long[] read = new long[values.length + 2];
        IntegerSequences.read(in, read, 2, values.length);
        assertThat(in.remaining()).isLessThan(8);
        return java.util.Arrays.copyOfRange(read, 2, read.length);
    }

    @Provide
    Arbitrary<long[]> sequences() {
        Arbitrary<Long> element = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-100, 100),
                Arbitraries.longs().between(0, 1L << 20), Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 1L));
        return Arbitraries.oneOf(
                element.list().ofMinSize(1).ofMaxSize(300),
                element.list().ofMinSize(1).ofMaxSize(300).map(list -> {
                    long sum = 0;
                    for (int i = 0; i < list.size(); i++) {
                        sum += list.get(i);
                        list.set(i, sum);
                    }
                    return list;
                })).map(list -> list.stream().mapToLong(Long::longValue).toArray());
    }
}
