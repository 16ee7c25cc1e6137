package io.spectracache.flight;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.query.QueryService;
import io.spectracache.routing.Instance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The running Arrow Flight endpoint of one instance ({@code grpc+tcp}), over {@link FlightApi}.
 *
 * <pre>{@code
 * try (FlightEndpointServer flight = FlightEndpointServer.start("0.0.0.0", "127.0.0.1", 7071, queries, datasets, registry,
 *         peers::flightPort)) {
 *     flight.port();
 * }
 * }</pre>
 */
public final class FlightEndpointServer implements AutoCloseable {
    /**
     * The most a stream may have queued for its client before the next batch waits ({@link BatchSender}): a few
     * batches of the widest dataset (a {@code series} batch is about 1.4 MB), enough to keep a fast link busy.
     */
    static final int QUEUED_BYTES_PER_STREAM = 4 * 1024 * 1024;
    private final BufferAllocator allocator;
    private final FlightServer server;

    private FlightEndpointServer(BufferAllocator allocator, FlightServer server) {
        this.allocator = allocator;
        this.server = server;
    }

    /**
     * Listens on {@code bindHost:port} (0: any free port); endpoints name {@code advertisedHost} and the port bound,
     * and other instances at the port {@code flightPortOf} says they use.
     *
     * @throws UncheckedIOException if the port cannot be bound
     */
    public static FlightEndpointServer start(String bindHost, String advertisedHost, int port, QueryService queries,
                                             List<FlightDataset> datasets, MeterRegistry meters,
                                             ToIntFunction<Instance> flightPortOf) {
        requireNonNull(bindHost, "bindHost");
        requireNonNull(advertisedHost, "advertisedHost");
        BufferAllocator allocator = new RootAllocator();
        FlightApi api = new FlightApi(allocator, queries, datasets, meters, flightPortOf);
        FlightServer server = FlightServer.builder(allocator, Location.forGrpcInsecure(bindHost, port), api)
                .backpressureThreshold(QUEUED_BYTES_PER_STREAM).build();
        try {
            server.start();
        } catch (IOException e) {
            allocator.close();
            throw new UncheckedIOException("cannot listen for Arrow Flight on " + bindHost + ":" + port
                    + " (spectracache.flight.port; -1 turns Flight off)", e);
        }
        api.location(Location.forGrpcInsecure(advertisedHost, server.getPort()));
        return new FlightEndpointServer(allocator, server);
    }

    /** The port bound. */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
            server.close();
        }
        allocator.close();
    }
}
