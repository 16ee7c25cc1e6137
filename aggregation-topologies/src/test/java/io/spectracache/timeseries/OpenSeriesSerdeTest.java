package io.spectracache.timeseries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spectracache.testing.GoldenFormatContract;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * The stored forms of {@link OpenSeries}: its base (what {@code timeseries-open} holds; the golden file here) and its
 * tail (inside {@link DeviceTailsSerde}, whose test has its golden file). Golden files were written from the serdes'
 * Javadoc, not by the encoder.
 */
class OpenSeriesSerdeTest implements GoldenFormatContract<OpenSeries> {
    private static final long T0 = 1_795_546_800_000L;
    private final OpenSeriesSerde bases = new OpenSeriesSerde("1m", "1h");
    private final DeviceTailsSerde tails = new DeviceTailsSerde("1m", "1h");

    @Override
    public Serde<OpenSeries> serde() {
        return bases;
    }

    @Override
    public Map<String, OpenSeries> goldenFiles() {
        OpenSeries series = bases.empty();
        series.insert(T0, 21.5);
        series.insert(T0 + 1000, 21.75);
        series.seen(T0 + 1000);
        series.sealedPoint(T0 - 1);
        series.openBucket(0, T0);
        series.addToBucket(0, T0, 21.5);
        series.sealedBucket(1, T0 - 3_600_000);
        series.rebase();
        return Map.of("open-series-v3-base.bin", series);
    }

    @Test
    void shouldReadVersionTwoBasesAsTheSameSeriesSoBasesStoredBeforePackedValuesStillRestore() {
        OpenSeries expected = goldenFiles().get("open-series-v3-base.bin");

        OpenSeries read = bases.deserialize("t", golden("open-series-v2-base.bin"));

        assertThat(read).isEqualTo(expected);
        assertThat(read.openBucket("1m")).isEqualTo(expected.openBucket("1m"));
        assertThat(bases.serialize("t", read)).isEqualTo(golden("open-series-v3-base.bin"));
    }

    @Test
    void shouldReadABasesChunkAndGenerationWithoutItsTiersForARawRead() {
        OpenSeries expected = goldenFiles().get("open-series-v3-base.bin");
        for (String name : List.of("open-series-v2-base.bin", "open-series-v3-base.bin")) {
            OpenSeries raw = OpenSeriesSerde.deserializeRaw(golden(name));
            assertThat(raw.chunk()).as(name).isEqualTo(expected.chunk());
            assertThat(raw.generation()).as(name).isEqualTo(expected.generation());
            assertThat(raw.latest()).as(name).isEqualTo(expected.latest());
        }
        assertThatThrownBy(() -> OpenSeriesSerde.deserializeRaw(new byte[] {9})).isInstanceOf(SerializationException.class);
    }

    @Property(tries = 200)
    void shouldWriteEveryBaseBackBitExactlyWithSketchesPastTheirFirstCompaction(
            @ForAll @IntRange(min = 0, max = 3_000) int readings, @ForAll @IntRange(min = 0, max = 3) int decimals,
            @ForAll long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        OpenSeries live = bases.empty();
        live.openBucket(0, T0);
        live.openBucket(1, T0);
        double scale = Math.pow(10, decimals);
        for (int i = 0; i < readings; i++) {
            long t = T0 + i * 1000L;
            double value = random.nextInt(10) == 0 ? Double.longBitsToDouble(random.nextLong())
                    : Math.round(random.nextDouble(-500, 500) * scale) / scale;
            if (!Double.isFinite(value)) {
                value = -0.0;
            }
            if (i % 120 == 0) {
                live.takeChunk();
            }
            live.insert(t, value);
            live.addToBucket(0, t, value);
            live.addToBucket(1, t, value);
            live.seen(t);
        }
        live.rebase();

        byte[] stored = bases.serialize("t", live);
        OpenSeries read = bases.deserialize("t", stored);

        assertThat(read).isEqualTo(live);
        assertThat(read.chunk()).isEqualTo(live.chunk());
        assertThat(bases.serialize("t", read)).as("a base read and written again unchanged").isEqualTo(stored);
        assertThat(read.bucket(1) == null ? null : read.bucket(1).sketchForm())
                .as("the hour's sketch, byte for byte").isEqualTo(live.bucket(1) == null ? null : live.bucket(1).sketchForm());
    }

    /** {@code series} through its tail's stored form, as {@code timeseries-open-tails} holds it. */
    private OpenSeries throughTail(OpenSeries series) {
        return throughTail(series, tails);
    }

    private static OpenSeries throughTail(OpenSeries series, DeviceTailsSerde serde) {
        DeviceTails device = new DeviceTails("truck-1");
        device.add("temp", series);
        return serde.deserialize("t", serde.serialize("t", device)).series("temp");
    }

    /** One change the processor makes to a series. */
    record Change(int kind, int tier, int offsetSeconds, int value) {
    }

    @Provide
    Arbitrary<List<Change>> changes() {
        return Combinators.combine(Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, 1),
                        Arbitraries.integers().between(-30, 300), Arbitraries.integers().between(-4, 8))
                .as(Change::new).list().ofMaxSize(120);
    }

    /** Applies a change the way the processor would: buckets are opened before points are added to them. */
    private static void apply(OpenSeries series, Change change) {
        long t = T0 + change.offsetSeconds() * 1000L;
        double value = change.value() * 0.25;
        int tier = change.tier();
        switch (change.kind()) {
            case 0, 1, 2, 3 -> series.insert(t, value);
            case 4, 5, 6 -> {
                if (!series.hasBucket(tier)) {
                    series.openBucket(tier, t - 1000);
                }
                series.addToBucket(tier, t, value);
            }
            case 7 -> series.takeChunk();
            case 8 -> series.takeBucket(tier);
            default -> {
                // The same reading twice, into the chunk (once: same time) and the minute (twice: two readings).
                series.insert(t, value);
                if (!series.hasBucket(0)) {
                    series.openBucket(0, t);
                }
                series.addToBucket(0, t, value);
                series.insert(t, value);
                series.addToBucket(0, t, value);
            }
        }
        series.seen(t);
    }

    @Property(tries = 300)
    void shouldReadEverySeriesBackFromItsBaseAndTail(@ForAll("changes") List<Change> changes,
                                                     @ForAll @IntRange(min = 0, max = 120) int rebaseAt) {
        OpenSeries live = bases.empty();
        byte[] base = null;
        for (int i = 0; i < changes.size(); i++) {
            if (i == rebaseAt) {
                live.rebase();
                base = bases.serialize("t", live);
            }
            apply(live, changes.get(i));
        }

        OpenSeries read = throughTail(live);

        if (!live.hasTail()) {
            // Nothing since the base (or ever): no tail is stored, the series is its base.
            assertThat(read).isNull();
            read = base == null ? bases.empty() : bases.deserialize("t", base);
        } else {
            assertThat(read.isComplete()).isFalse();
            assertThat(read.chunkOn(base == null ? null : bases.deserialize("t", base)))
                    .as("the chunk alone, as a raw read takes it").isEqualTo(live.chunk());
            assertThat(read.chunkOn(base == null ? null : OpenSeriesSerde.deserializeRaw(base)))
                    .as("the chunk alone on the base read without its tiers").isEqualTo(live.chunk());
            assertThat(read.isComplete()).as("chunkOn leaves the tail as it was").isFalse();
            assertThat(read.completeOn(base == null ? null : bases.deserialize("t", base))).isTrue();
        }
        assertThat(read).isEqualTo(live);
        assertThat(read.chunk()).isEqualTo(live.chunk());
        assertThat(read.openBucket("1m")).isEqualTo(live.openBucket("1m"));
        assertThat(read.openBucket("1h")).isEqualTo(live.openBucket("1h"));
    }

    @Test
    void shouldCountAReadingThatArrivesTwiceTwiceInItsBucketAndOnceInTheChunk() {
        OpenSeries live = bases.empty();
        live.openBucket(0, T0);
        for (int copy = 0; copy < 2; copy++) {
            live.insert(T0, 21.5);
            live.addToBucket(0, T0, 21.5);
        }

        OpenSeries read = throughTail(live);
        read.completeOn(null);

        assertThat(live.openBucket("1m").orElseThrow().rollup().count()).isEqualTo(2);
        assertThat(read.openBucket("1m").orElseThrow().rollup().count()).isEqualTo(2);
        assertThat(read.chunk().size()).isEqualTo(1);
    }

    @Test
    void shouldRefuseToPutATailOnABaseOfAnotherGeneration() {
        OpenSeries live = bases.empty();
        live.insert(T0, 1);
        live.rebase();
        byte[] first = bases.serialize("t", live);
        live.insert(T0 + 1, 2);
        OpenSeries read = throughTail(live);
        live.rebase();
        byte[] second = bases.serialize("t", live);

        assertThat(read.chunkOn(bases.deserialize("t", second))).isNull();
        assertThat(read.chunkOn(null)).isNull();
        assertThat(read.chunkOn(bases.deserialize("t", first)).timestamps()).containsExactly(T0, T0 + 1);
        assertThat(read.completeOn(bases.deserialize("t", second))).isFalse();
        assertThat(read.completeOn(null)).isFalse();
        assertThat(read.isComplete()).isFalse();
        assertThat(read.completeOn(bases.deserialize("t", first))).isTrue();
        assertThat(read.chunk().timestamps()).containsExactly(T0, T0 + 1);
    }

    @Test
    void shouldAnswerOnlyTheClocksOfASeriesReadFromItsTailAlone() {
        OpenSeries live = bases.empty();
        live.insert(T0, 1);
        live.seen(T0);

        OpenSeries read = throughTail(live);

        assertThat(read.latest()).isEqualTo(T0);
        assertThat(read.hasOpenParts()).isTrue();
        assertThatThrownBy(read::chunk).isInstanceOf(IllegalStateException.class).hasMessageContaining("base");
        assertThatThrownBy(() -> bases.serialize("t", read)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldDropATierNoLongerConfiguredAndStartANewOneEmpty() {
        OpenSeries live = bases.empty();
        live.insert(T0, 1);
        live.openBucket(0, T0);
        live.addToBucket(0, T0, 1);
        live.openBucket(1, T0);
        live.addToBucket(1, T0, 1);
        live.sealedBucket(1, T0 - 3_600_000);
        live.rebase();
        byte[] base = bases.serialize("t", live);
        live.insert(T0 + 1000, 2);
        live.addToBucket(0, T0 + 1000, 2);
        live.addToBucket(1, T0 + 1000, 2);

        OpenSeries read = throughTail(live, new DeviceTailsSerde("1h", "1d"));
        read.completeOn(new OpenSeriesSerde("1h", "1d").deserialize("t", base));

        assertThat(read.openBucket("1m")).isEmpty();
        assertThat(read.openBucket("1h").orElseThrow().rollup().count()).isEqualTo(2);
        assertThat(read.openBucket("1d")).isEmpty();
        assertThat(read.newestSealedBucket(0)).isEqualTo(T0 - 3_600_000);
        assertThat(read.newestSealedBucket(1)).isEqualTo(Long.MIN_VALUE);
        assertThat(read.chunk().size()).isEqualTo(2);
    }

    @Test
    void shouldKeepOnePointPerTimeInTimeOrder() {
        OpenSeries series = bases.empty();
        series.insert(T0 + 2, 2);
        series.insert(T0, 0);
        series.insert(T0 + 1, 1);
        series.insert(T0 + 1, 10);

        assertThat(series.chunk().timestamps()).containsExactly(T0, T0 + 1, T0 + 2);
        assertThat(series.chunk().values()).containsExactly(0, 10, 2);
    }
}
