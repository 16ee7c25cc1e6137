package io.spectracache.timeseries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The operation log of an open series: what it replays, and what its readings cost in bytes. */
class OpenLogTest {
    private static final long T0 = 1_795_546_800_000L;

    /** A reading as replayed: mask, time, value bits. */
    private record Logged(long mask, long time, long bits) {
    }

    private static List<Logged> replayed(OpenLog log) {
        List<Logged> out = new ArrayList<>();
        log.replay(new OpenLog.Replay() {
            @Override
            public void reading(long mask, long time, double value) {
                out.add(new Logged(mask, time, Double.doubleToRawLongBits(value)));
            }

            @Override
            public void takeChunk() {
                out.add(new Logged(-1, 0, 0));
            }

            @Override
            public void openBucket(int tier, long start) {
                out.add(new Logged(-2 - tier, start, 0));
            }

            @Override
            public void takeBucket(int tier) {
                out.add(new Logged(-100 - tier, 0, 0));
            }
        });
        return out;
    }

    @Property(tries = 300)
    void shouldReplayEveryValueBitForBitWhetherItIsWrittenAsADecimalOrAsBits(
            @ForAll("values") List<Double> values) {
        OpenLog log = new OpenLog();
        List<Logged> expected = new ArrayList<>();
        long t = T0;
        for (int i = 0; i < values.size(); i++) {
            t += (i * 7919L) % 3001 - 1000;
            long mask = 1 + (i % 7);
            log.reading(mask, t, values.get(i));
            expected.add(new Logged(mask, t, Double.doubleToRawLongBits(values.get(i))));
            if (i % 5 == 4) {
                log.takeChunk();
                expected.add(new Logged(-1, 0, 0));
            }
        }

        OpenLog stored = OpenLog.of(log.encoded(), log.operations(), 2);

        assertThat(replayed(log)).containsExactlyElementsOf(expected);
        assertThat(replayed(stored)).containsExactlyElementsOf(expected);
    }

    @Property(tries = 200)
    void shouldReplayAndAppendALogCheckedOnReplayAsOneCheckedFirst(@ForAll("values") List<Double> values) {
        OpenLog log = new OpenLog();
        long t = T0;
        for (int i = 0; i < values.size(); i++) {
            t += (i * 7919L) % 3001 - 1000;
            log.reading(1 + (i % 7), t, values.get(i));
            if (i % 5 == 4) {
                log.takeChunk();
            }
            if (i % 11 == 10) {
                log.openBucket(i % 2, t);
                log.takeBucket(1 - i % 2);
            }
        }
        OpenLog checked = OpenLog.of(log.encoded(), log.operations(), 2);
        OpenLog onReplay = OpenLog.checkedOnReplay(log.encoded(), log.operations(), 2);
        OpenLog unreplayed = OpenLog.checkedOnReplay(log.encoded(), log.operations(), 2);

        assertThat(replayed(onReplay)).containsExactlyElementsOf(replayed(checked));
        assertThat(replayed(onReplay)).containsExactlyElementsOf(replayed(checked)); // and again, checked now
        assertThat(unreplayed.readings()).isEqualTo(checked.readings()); // checked by another use than a replay
        for (OpenLog appended : List.of(checked, onReplay, unreplayed)) {
            appended.reading(OpenLog.RAW, t + 1000, 21.75);
        }
        assertThat(onReplay.encoded()).isEqualTo(checked.encoded());
        assertThat(unreplayed.encoded()).isEqualTo(checked.encoded());
        assertThat(onReplay.operations()).isEqualTo(checked.operations());
        assertThat(onReplay.readings()).isEqualTo(checked.readings());
    }

    @Test
    void shouldFailALogCheckedOnReplayWhereOfFailsItWithTheSameMessage() {
        OpenLog log = new OpenLog();
        log.reading(OpenLog.RAW | 2, T0, 21.5);
        log.openBucket(1, T0);
        log.reading(OpenLog.RAW, T0 + 1000, 21.75);
        byte[] good = log.encoded();
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
        ByteWriter badMask = new ByteWriter();
        badMask.unsigned(8L << 4); // a reading of tier 2, of a log with 2 tiers
        badMask.signed(T0);
        badMask.unsigned(0);
        List<Object[]> corrupt = List.of(
                new Object[] {good, 2, 2}, // claims fewer operations than it holds
                new Object[] {good, 3, 1}, // names tier 1 of 1
                new Object[] {truncated, 3, 2},
                new Object[] {badMask.toByteArray(), 1, 2});
        for (Object[] c : corrupt) {
            byte[] bytes = (byte[]) c[0];
            int operations = (int) c[1];
            int tiers = (int) c[2];
            String message = catchMessage(() -> OpenLog.of(bytes, operations, tiers));

            assertThatThrownBy(() -> replayed(OpenLog.checkedOnReplay(bytes.clone(), operations, tiers)))
                    .isInstanceOf(SerializationException.class).hasMessage(message);
            assertThatThrownBy(() -> OpenLog.checkedOnReplay(bytes.clone(), operations, tiers).readings())
                    .isInstanceOf(SerializationException.class).hasMessage(message);
        }
        assertThat(replayed(OpenLog.checkedOnReplay(good, 3, 2))).hasSize(3);
    }

    /** The message of the {@link SerializationException} {@code read} throws. */
    static String catchMessage(Runnable read) {
        try {
            read.run();
        } catch (SerializationException e) {
            return e.getMessage();
        }
        throw new AssertionError("no error");
    }

    @Provide
    Arbitrary<List<Double>> values() {
        Arbitrary<Double> decimals = Arbitraries.integers().between(-2_000_000, 2_000_000)
                .flatMap(units -> Arbitraries.of(1.0, 10.0, 100.0, 1000.0, 10_000.0).map(power -> units / power));
        Arbitrary<Double> special = Arbitraries.of(0.0, -0.0, Double.NaN, Double.longBitsToDouble(0x7ff8_0000_0000_0abcL),
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE,
                -Double.MAX_VALUE, 9.007199254740993E15, 1e300, 0.1 + 0.2, (double) (1L << 53) / 1000);
        Arbitrary<Double> any = Arbitraries.longs().map(Double::longBitsToDouble);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, decimals), net.jqwik.api.Tuple.of(2, special),
                net.jqwik.api.Tuple.of(2, any)).list().ofMaxSize(40);
    }

    @Test
    void shouldLogATwoDecimalReadingInAboutHalfTheBytesOfItsBitsSoTailsDoNotDominateTheChangelog() {
        OpenLog log = new OpenLog();
        java.util.Random random = new java.util.Random(3);
        int readings = 1_000;
        for (int i = 0; i < readings; i++) {
            // What the bench and most sensors send: a value with two decimals, one reading per second, every part.
            log.reading(7, T0 + i * 1000L, Math.round(random.nextDouble() * 10_000) / 100.0);
        }

        double perReading = (double) log.encoded().length / readings;

        // Head 1 byte, time delta 2, value 2-3: the XOR of two such doubles' bits took 8 more.
        assertThat(perReading).isLessThan(6.5);
    }

    @Test
    void shouldReadAFormatOneLogAndAppendToItInFormatTwo() {
        // Format 1, from OpenLog's Javadoc: a reading of 21.5 into the open chunk at T0 (head 1 << 2, XOR bits).
        ByteWriter out = new ByteWriter();
        out.unsigned(1 << 2);
        out.signed(T0);
        out.unsigned(Double.doubleToRawLongBits(21.5));
        byte[] stored = out.toByteArray();

        OpenLog log = OpenLog.of(stored, 1, 2, OpenLog.FORMAT_1);
        log.reading(OpenLog.RAW, T0 + 1000, 21.75);

        assertThat(replayed(OpenLog.of(log.encoded(), log.operations(), 2))).containsExactly(
                new Logged(1, T0, Double.doubleToRawLongBits(21.5)),
                new Logged(1, T0 + 1000, Double.doubleToRawLongBits(21.75)));
    }
}
