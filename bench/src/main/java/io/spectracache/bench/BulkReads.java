package io.spectracache.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import io.spectracache.serialization.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Reading every device state in bulk, the two ways a client can: Arrow Flight (one {@code DoGet} of the whole) and
 * REST ({@code GET /v1/devices?limit=1000} page after page). Each is repeated for a measured time after a warm-up;
 * the figure is rows per second, and the bytes a client receives (Arrow buffers, JSON bodies).
 */
final class BulkReads {
    /**
     * One way's figures: {@code rows} and {@code bytes} over {@code seconds} are the measured passes' totals;
     * {@code medianPassRowsPerSecond} the rows/s of the median pass (NaN where passes are not timed one by one).
     */
    record Result(String name, long rows, long bytes, double seconds, int passes, double medianPassRowsPerSecond) {
        Result(String name, long rows, long bytes, double seconds, int passes) {
            this(name, rows, bytes, seconds, passes, Double.NaN);
        }

        double rowsPerSecond() {
            return rows / seconds;
        }

        double megabytesPerSecond() {
            return bytes / seconds / 1e6;
        }
    }

    private BulkReads() {
    }

    static Result flight(int port, Duration warmup, Duration measure) throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
             FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port)).build()) {
            Ticket ticket = new Ticket("{\"dataset\":\"device-states\"}".getBytes(UTF_8));
            return repeat("Arrow Flight DoGet {\"dataset\":\"device-states\"} (whole, 10,000 rows per batch)", warmup, measure, () -> {
                long rows = 0;
                long bytes = 0;
                try (FlightStream stream = client.getStream(ticket)) {
                    while (stream.next()) {
                        VectorSchemaRoot root = stream.getRoot();
                        rows += root.getRowCount();
                        for (FieldVector vector : root.getFieldVectors()) {
                            bytes += vector.getBufferSize();
                        }
                    }
                }
                return new long[] {rows, bytes};
            });
        }
    }

    static Result rest(int port, Duration warmup, Duration measure) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return repeat("REST GET /v1/devices?limit=1000, page after page (JSON)", warmup, measure, () -> {
            long rows = 0;
            long bytes = 0;
            String cursor = null;
            do {
                String uri = "http://127.0.0.1:" + port + "/v1/devices?limit=1000"
                        + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, UTF_8));
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(uri)).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    throw new IOException("GET " + uri + " answered " + response.statusCode());
                }
                bytes += response.body().length;
                JsonNode page = Json.mapper().readTree(response.body());
                rows += page.get("items").size();
                cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            } while (cursor != null);
            return new long[] {rows, bytes};
        });
    }

    @FunctionalInterface
    private interface Pass {
        long[] run() throws Exception;
    }

    private static Result repeat(String name, Duration warmup, Duration measure, Pass pass) throws Exception {
        long warmEnd = System.nanoTime() + warmup.toNanos();
        while (System.nanoTime() < warmEnd) {
            pass.run();
        }
        long rows = 0;
        long bytes = 0;
        int passes = 0;
        long start = System.nanoTime();
        long end = start + measure.toNanos();
        do {
            long[] one = pass.run();
            rows += one[0];
            bytes += one[1];
            passes++;
        } while (System.nanoTime() < end);
        return new Result(name, rows, bytes, (System.nanoTime() - start) / 1e9, passes);
    }
}
