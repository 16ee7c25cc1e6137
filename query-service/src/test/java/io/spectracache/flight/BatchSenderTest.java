package io.spectracache.flight;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link BatchSender} on a real Flight server, read with the Arrow Flight Java client: an answer of 200 batches (26 MB)
 * to a client that stops reading after the first. The server's backpressure threshold is 1 MiB here.
 */
@Timeout(value = 60)
class BatchSenderTest {
    private static final int BATCHES = 200;
    private static final int ROWS = 16_384; // 128 KiB of values a batch
    private static final Schema SCHEMA = new Schema(List.of(Field.notNullable("n", new ArrowType.Int(64, true))));

    private final BufferAllocator serverMemory = new RootAllocator();
    private final BufferAllocator clientMemory = new RootAllocator();
    private final AtomicInteger filled = new AtomicInteger();
    private final AtomicReference<BatchSender.Outcome> outcome = new AtomicReference<>();
    private Duration stalledAfter = Duration.ofMinutes(1);
    private FlightServer server;
    private FlightClient client;

    @BeforeEach
    void start() throws Exception {
        server = FlightServer.builder(serverMemory, Location.forGrpcInsecure("127.0.0.1", 0), new NoOpFlightProducer() {
            @Override
            public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
                try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, serverMemory)) {
                    root.getFieldVectors().forEach(vector -> vector.setInitialCapacity(ROWS));
                    listener.setUseZeroCopy(true);
                    listener.start(root);
                    outcome.set(BatchSender.send(listener, counting(), root, ROWS, stalledAfter, rows -> { }));
                }
            }
        }).backpressureThreshold(1024 * 1024).build().start();
        client = FlightClient.builder(clientMemory, Location.forGrpcInsecure("127.0.0.1", server.getPort())).build();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close();
        clientMemory.close();
        serverMemory.close();
    }

    /** A reader of {@link #BATCHES} batches, each written as a dataset's pages are: new buffers, then the rows. */
    private FlightDataset.Reader counting() {
        return (root, maxRows) -> {
            if (filled.get() == BATCHES) {
                return false;
            }
            int batch = filled.getAndIncrement();
            root.allocateNew();
            BigIntVector n = (BigIntVector) root.getVector(0);
            for (int row = 0; row < ROWS; row++) {
                n.set(row, (long) batch * ROWS + row);
            }
            root.setRowCount(ROWS);
            return true;
        };
    }

    @Test
    void shouldFillOnlyAFewBatchesAheadOfAClientThatStopsReadingThenSendThemAll() throws Exception {
        try (FlightStream stream = client.getStream(new Ticket("all".getBytes(UTF_8)))) {
            assertThat(stream.next()).isTrue();
            Thread.sleep(1_000); // the client reads nothing: the server may only fill what fits in the queues

            int ahead = filled.get();
            long held = serverMemory.getAllocatedMemory();
            long rows = stream.getRoot().getRowCount();
            long sum = sum(stream.getRoot());
            while (stream.next()) {
                rows += stream.getRoot().getRowCount();
                sum += sum(stream.getRoot());
            }

            // The client's window and read-ahead (~1 MB and a few messages), the server's 1 MiB queue and the batch
            // being filled: a few dozen batches at most, not the 200 an unbounded queue would take at once.
            assertThat(ahead).as("batches filled while the client read nothing").isBetween(2, 40);
            assertThat(held).as("server memory while the client read nothing").isLessThan(6L * 1024 * 1024);
            long total = (long) BATCHES * ROWS;
            assertThat(rows).isEqualTo(total);
            assertThat(sum).as("every value once").isEqualTo(total * (total - 1) / 2);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(outcome.get()).isEqualTo(BatchSender.Outcome.COMPLETED);
            assertThat(serverMemory.getAllocatedMemory()).isZero();
        });
    }

    @Test
    void shouldEndTheStreamOfAClientThatReadsNothingForTooLongWithTimedOutAndFreeWhatItHeld() throws Exception {
        stalledAfter = Duration.ofMillis(300);
        try (FlightStream stream = client.getStream(new Ticket("all".getBytes(UTF_8)))) {
            assertThat(stream.next()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> outcome.get() != null);

            assertThat(outcome.get()).isEqualTo(BatchSender.Outcome.STALLED);
            assertThat(filled.get()).isLessThan(BATCHES);
            assertThatThrownBy(() -> {
                while (stream.next()) {
                    stream.getRoot().getRowCount();
                }
            }).isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
                assertThat(e.status().code()).isEqualTo(CallStatus.TIMED_OUT.code());
                assertThat(e.getMessage()).contains("read nothing for 300 ms").contains("read the ticket again");
            });
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(serverMemory.getAllocatedMemory()).isZero());
    }

    private static long sum(VectorSchemaRoot root) {
        BigIntVector n = (BigIntVector) root.getVector(0);
        long sum = 0;
        for (int row = 0; row < root.getRowCount(); row++) {
            sum += n.get(row);
        }
        return sum;
    }
}
