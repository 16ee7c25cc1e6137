package io.spectracache.timeseries.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Encode and decode speed of the chunk codec in nanoseconds per point, on 120-point chunks of each of
 * {@link FleetShapes}' fleets (a sealed chunk's size at the default settings), single-threaded, after a warm-up
 * long enough for the JIT compiler. Encoding runs once per open series per commit on the ingest hot path; decoding
 * once per chunk a range read touches. Run with
 * {@code mvn -o -q verify -pl aggregation-topologies -am -Dtest.excludedGroups=integration -Dgroups=benchmark
 * -Dtest=CodecSpeedBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class CodecSpeedBenchmarkTest {
    private static final int CHUNK_POINTS = 120;
    private static final int ROUNDS = 15;

    @Test
    void shouldReportNanosecondsPerPointToEncodeAndDecode() {
        for (FleetShapes fleet : List.of(FleetShapes.simulatedFleet(42), FleetShapes.jitteredFleet(42),
                FleetShapes.benchEvents(42, 200))) {
            List<Chunk> chunks = fleet.chunks(60_000, CHUNK_POINTS);
            long points = chunks.stream().mapToLong(Chunk::size).sum();
            List<byte[]> encoded = chunks.stream().map(GorillaCodec::encode).toList();
            long bytes = encoded.stream().mapToLong(b -> b.length).sum();
            double encode = nanosPerPoint(chunks, GorillaCodec::encode, points);
            double decode = nanosPerPoint(encoded, GorillaCodec::decode, points);
            System.out.printf(Locale.ROOT, "codec speed, %s: %,d points in %,d chunks, %.2f B/point; "
                    + "encode %.1f ns/point, decode %.1f ns/point%n", fleet.name(), points, chunks.size(),
                    (double) bytes / points, encode, decode);
            assertThat(chunks).allSatisfy(chunk -> assertThat(GorillaCodec.decode(GorillaCodec.encode(chunk))).isEqualTo(chunk));
        }
    }

    /** The median over rounds of the time to apply {@code work} to every input, per point. */
    private static <T> double nanosPerPoint(List<T> inputs, Function<T, ?> work, long points) {
        long[] rounds = new long[ROUNDS];
        Object sink = null;
        for (int warm = 0; warm < 20; warm++) {
            for (T input : inputs) {
                sink = work.apply(input);
            }
        }
        for (int round = 0; round < ROUNDS; round++) {
            long started = System.nanoTime();
            for (T input : inputs) {
                sink = work.apply(input);
            }
            rounds[round] = System.nanoTime() - started;
        }
        assertThat(sink).isNotNull();
        java.util.Arrays.sort(rounds);
        return rounds[ROUNDS / 2] / (double) points;
    }
}
