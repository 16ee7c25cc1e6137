package io.spectracache.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Reading the same raw points of many series in bulk, the two ways a client can: Arrow Flight ({@code GetFlightInfo}
 * on {@code {"dataset":"series",...}} per metric, then a {@code DoGet} of every endpoint it names, in parallel, as
 * the contract says a client should) and JSON REST ({@code GET /v1/devices/{id}/series/{metric}}, one request per
 * series, over one keep-alive connection). Both read every value they receive (the Flight client sums the
 * {@code value} column, the JSON client parses every number), since a client that does not look at the data is not
 * a client. Figures: rows per second, and the bytes received (Arrow buffers; JSON bodies).
 */
final class SeriesBulk {
    /** Where the Flight client's sums of the values go. */
    private static volatile double sink;

    private SeriesBulk() {
    }

    /** One series of the JSON way: a device and one of its metrics. */
    record Series(String deviceId, String metric) {
    }

    /** One way's pass over every series. */
    @FunctionalInterface
    interface Pass {
        /** @return {rows, bytes} */
        long[] run() throws Exception;
    }

    /** The Flight command of one metric's raw points in [from, to), of the devices whose id starts with {@code prefix} (null: all). */
    static String seriesCommand(String metric, long from, long to, String prefix) {
        return "{\"dataset\":\"series\",\"metric\":\"" + metric + "\",\"from\":\"" + from + "\",\"to\":\"" + to + "\""
                + (prefix == null ? "" : ",\"prefix\":\"" + prefix + "\"") + "}";
    }

    /** The REST path of one series' raw points in [from, to). */
    static String seriesPath(String deviceId, String metric, long from, long to) {
        return "/v1/devices/" + deviceId + "/series/" + metric + "?from=" + from + "&to=" + to;
    }

    /** The Arrow Flight way, over the instance whose Flight port is {@code port}. */
    static final class Flight implements AutoCloseable {
        private final BufferAllocator allocator = new RootAllocator();
        private final FlightClient client;
        private final URI self;
        private final Map<URI, FlightClient> peers = new HashMap<>();
        private final ExecutorService pool = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "bench-flight-reader");
            thread.setDaemon(true);
            return thread;
        });
        private int endpoints;

        Flight(String host, int port) {
            Location location = Location.forGrpcInsecure(host, port);
            this.self = location.getUri();
            this.client = FlightClient.builder(allocator, location).build();
        }

        /**
         * Every metric's points in [from, to) (of the devices whose id starts with {@code prefix}; null: all):
         * GetFlightInfo, then every endpoint's DoGet in parallel.
         */
        long[] read(List<String> metrics, long from, long to, String prefix) throws Exception {
            long rows = 0;
            long bytes = 0;
            for (String metric : metrics) {
                FlightInfo info = client.getInfo(FlightDescriptor.command(seriesCommand(metric, from, to, prefix).getBytes(UTF_8)));
                endpoints = info.getEndpoints().size();
                List<Future<long[]>> parts = new ArrayList<>();
                for (FlightEndpoint endpoint : info.getEndpoints()) {
                    FlightClient owner = clientFor(endpoint);
                    Ticket ticket = endpoint.getTicket();
                    parts.add(pool.submit(() -> pull(owner, ticket)));
                }
                for (Future<long[]> part : parts) {
                    long[] got = part.get();
                    rows += got[0];
                    bytes += got[1];
                }
            }
            return new long[] {rows, bytes};
        }

        /** Endpoints of the last GetFlightInfo: one per instance that owns part of the answer. */
        int endpoints() {
            return endpoints;
        }

        private FlightClient clientFor(FlightEndpoint endpoint) {
            if (endpoint.getLocations().isEmpty()) {
                return client; // "any location": the one asked
            }
            URI uri = endpoint.getLocations().get(0).getUri();
            if (uri.equals(self)) {
                return client;
            }
            synchronized (peers) {
                return peers.computeIfAbsent(uri, u -> FlightClient.builder(allocator, new Location(u)).build());
            }
        }

        private static long[] pull(FlightClient owner, Ticket ticket) throws Exception {
            long rows = 0;
            long bytes = 0;
            double sum = 0;
            try (FlightStream stream = owner.getStream(ticket)) {
                while (stream.next()) {
                    VectorSchemaRoot root = stream.getRoot();
                    int count = root.getRowCount();
                    rows += count;
                    for (FieldVector vector : root.getFieldVectors()) {
                        bytes += vector.getBufferSize();
                    }
                    if (root.getVector("value") instanceof Float8Vector values) {
                        for (int i = 0; i < count; i++) {
                            sum += values.get(i);
                        }
                    }
                }
            }
            sink = sum; // read, so that the JIT cannot drop the loop
            return new long[] {rows, bytes};
        }

        @Override
        public void close() throws Exception {
            pool.shutdownNow();
            for (FlightClient peer : peers.values()) {
                peer.close();
            }
            client.close();
            allocator.close();
        }
    }

    /**
     * The JSON way: {@code GET} of each series' raw points, one request after the other over one keep-alive
     * connection, every number of every answer parsed.
     *
     * @throws IOException if a request does not answer 200 with points
     */
    static long[] json(HttpConnection http, String host, int port, List<Series> series, long from, long to) throws IOException {
        long rows = 0;
        long bytes = 0;
        for (Series one : series) {
            int status = http.exchange(HttpConnection.get(host, port, seriesPath(one.deviceId(), one.metric(), from, to)));
            if (status != 200) {
                throw new IOException("GET " + seriesPath(one.deviceId(), one.metric(), from, to) + " answered " + status
                        + ": " + http.bodyText());
            }
            bytes += http.bodyLength();
            long points = SeriesJson.count(http.bodyBytes(), http.bodyLength(), "points");
            if (points < 0) {
                throw new IOException("no points in the answer of " + one + ": " + http.bodyText());
            }
            rows += points;
        }
        return new long[] {rows, bytes};
    }

    /**
     * How long a way is warmed up before it is measured: at least {@code least}, then on until the JIT compiler has
     * settled (it compiled for less than {@link #SETTLED_SHARE} of the wall time of the last {@link #SETTLE_WINDOW} of
     * passes), but no longer than {@code most}. On our 2-core machines a compilation is CPU a measured pass does not
     * get: after 60 s of Flight's passes the compiler still ran for 2.4–3.3 s of the 15 measured seconds (runs 85–94),
     * C2 compiling the methods called once a request or a stream (gRPC's header handling, Arrow's schema writing) that
     * reach its thresholds last. A server that has run for a while has compiled them.
     */
    record Warmup(Duration least, Duration most, Duration window) {
        /** The share of a window's wall time the compiler may still take once it is taken as settled. */
        static final double SETTLED_SHARE = 0.02;
        /** The passes over which the compiler's share is judged. */
        static final Duration SETTLE_WINDOW = Duration.ofSeconds(10);

        Warmup {
            if (most.compareTo(least) < 0 || window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("warm-up of at least " + least + ", at most " + most
                        + ", judged over " + window);
            }
        }

        /** At least {@code least}, then until settled over {@link #SETTLE_WINDOW}, at most {@code most}. */
        Warmup(Duration least, Duration most) {
            this(least, most, SETTLE_WINDOW);
        }

        /** Exactly {@code duration}, settled or not. */
        static Warmup exactly(Duration duration) {
            return new Warmup(duration, duration);
        }
    }

    /**
     * What a warm-up took, and the compiler's share of its last window (NaN when no window was judged, the warm-up
     * being exact).
     */
    record Warmed(Duration took, double lastWindowJitShare) {
        /** Whether the compiler had settled at the warm-up's end (false when no window was judged). */
        boolean settled() {
            return lastWindowJitShare < Warmup.SETTLED_SHARE;
        }
    }

    /**
     * Runs {@code warmPass} during {@code warmup} (at least once), then {@code pass} again and again until
     * {@code measure} has passed and it ran at least {@code minPasses} times, and gives the measured passes' figures:
     * their totals, and the rows/s of the median pass (one slow pass, a collection or a compilation, moves a total
     * over few passes; the median not).
     */
    static BulkReads.Result repeat(String name, Duration warmup, Duration measure, int minPasses, Pass warmPass, Pass pass)
            throws Exception {
        return repeat(name, Warmup.exactly(warmup), measure, minPasses, warmPass, pass, usage -> { }, warmed -> { },
                SeriesBulk::jitMillis);
    }

    /**
     * As {@link #repeat(String, Duration, Duration, int, Pass, Pass)}, warmed up as {@code warmup} says (the JIT
     * compiler's time from {@code jitMillis}), giving {@code warmed} what the warm-up took and {@code cpu} the CPU used
     * by the measured passes.
     */
    static BulkReads.Result repeat(String name, Warmup warmup, Duration measure, int minPasses, Pass warmPass, Pass pass,
                                   Consumer<CpuAccounting.Usage> cpu,
                                   Consumer<Warmed> warmed,
                                   LongSupplier jitMillis) throws Exception {
        warmed.accept(warmUp(warmup, warmPass, jitMillis));
        long rows = 0;
        long bytes = 0;
        List<Double> passRates = new ArrayList<>();
        CpuAccounting.Snapshot before = CpuAccounting.snapshot();
        long start = System.nanoTime();
        long end = start + measure.toNanos();
        do {
            long passStart = System.nanoTime();
            long[] one = pass.run();
            passRates.add(one[0] / ((System.nanoTime() - passStart) / 1e9));
            rows += one[0];
            bytes += one[1];
        } while (System.nanoTime() < end || passRates.size() < minPasses);
        double seconds = (System.nanoTime() - start) / 1e9;
        cpu.accept(CpuAccounting.between(before, CpuAccounting.snapshot()));
        return new BulkReads.Result(name, rows, bytes, seconds, passRates.size(), median(passRates));
    }

    private static Warmed warmUp(Warmup warmup, Pass warmPass, LongSupplier jitMillis) throws Exception {
        long start = System.nanoTime();
        long leastEnd = start + warmup.least().toNanos();
        long mostEnd = start + warmup.most().toNanos();
        do {
            warmPass.run();
        } while (System.nanoTime() < leastEnd);
        double share = Double.NaN;
        while (System.nanoTime() < mostEnd) {
            long windowStart = System.nanoTime();
            long jitBefore = jitMillis.getAsLong();
            long windowEnd = Math.min(mostEnd, windowStart + warmup.window().toNanos());
            do {
                warmPass.run();
            } while (System.nanoTime() < windowEnd);
            share = (jitMillis.getAsLong() - jitBefore) * 1e6 / (System.nanoTime() - windowStart);
            if (share < Warmup.SETTLED_SHARE) {
                break;
            }
        }
        return new Warmed(Duration.ofNanos(System.nanoTime() - start), share);
    }

    /** The JIT compiler's total time in this JVM so far, in ms (0 where the JVM does not say). */
    static long jitMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    /** The median of {@code values} (not empty): the middle one, or the mean of the two middle ones. */
    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
