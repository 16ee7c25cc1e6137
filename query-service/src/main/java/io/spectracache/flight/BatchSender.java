package io.spectracache.flight;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Sends a reader's batches on one DoGet stream at the pace its client reads them, and ends the stream.
 *
 * <p>Arrow Flight's server listener does not wait by itself: {@code putNext} hands the batch to gRPC and returns, so a
 * client reading slower than the server writes (a notebook, a link slower than the disk) would have the whole answer
 * queued in server memory, each batch's own buffers (zero-copy). So before each batch goes out this waits until the
 * stream's queue is under the server's backpressure threshold ({@link FlightEndpointServer#QUEUED_BYTES_PER_STREAM}):
 * a stream holds at most that much plus the batch being filled, whatever the size of the answer. A client that reads
 * nothing for {@code stalledAfter} gets {@code TIMED_OUT} and its stream ends, so it holds no memory and no thread.
 *
 * <pre>{@code
 * listener.start(root);
 * BatchSender.Outcome outcome = BatchSender.send(listener, reader, root, 10_000, Duration.ofMinutes(5), rows::increment);
 * }</pre>
 */
final class BatchSender {
    /** How a stream ended. */
    enum Outcome {
        /** Every batch sent, the stream completed. */
        COMPLETED,
        /** The client went away, or the server is stopping (the stream then ends with {@code UNAVAILABLE}). */
        CANCELLED,
        /** The client read nothing for too long; the stream ended with {@code TIMED_OUT}. */
        STALLED
    }

    /**
     * How often a waiting stream looks for room: first after 100 µs (a 4 MiB queue drains in milliseconds over a fast
     * link), then twice as long each time up to 10 ms, so a client that reads slowly costs a waiting stream a hundred
     * wake-ups a second, not thousands.
     */
    private static final long FIRST_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final long LONGEST_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private BatchSender() {
    }

    /**
     * Fills {@code root} from {@code reader} and sends it, batch after batch, each once the client has room for it;
     * then completes the stream, or ends it with {@code TIMED_OUT} if the client stalled. The listener must have been
     * {@linkplain ServerStreamListener#start started} with {@code root}.
     *
     * @param sentRows told the rows of each batch sent
     * @throws RuntimeException what the reader throws (the caller answers it on the stream)
     */
    static Outcome send(ServerStreamListener listener, FlightDataset.Reader reader, VectorSchemaRoot root,
                        int rowsPerBatch, Duration stalledAfter, IntConsumer sentRows) {
        requireNonNull(sentRows, "sentRows");
        while (!listener.isCancelled() && reader.next(root, rowsPerBatch)) {
            Outcome waited = waitForRoom(listener, stalledAfter);
            if (waited != null) {
                return waited;
            }
            listener.putNext();
            sentRows.accept(root.getRowCount());
        }
        if (listener.isCancelled()) {
            return Outcome.CANCELLED;
        }
        listener.completed();
        return Outcome.COMPLETED;
    }

    /**
     * Waits until the stream's queue is under the threshold: null then, else how the stream ended (it is ended).
     * Polls {@code isReady}, which follows the transport. Arrow's {@code CallbackBackpressureStrategy}, which waits for
     * gRPC's {@code onReady} callback instead, waited out its whole timeout on the handler's thread here (tried in
     * {@code BatchSenderTest}: the callback never reached it), most likely because gRPC runs a call's callbacks one at
     * a time and the handler is still inside one.
     */
    private static Outcome waitForRoom(ServerStreamListener listener, Duration stalledAfter) {
        long deadline = System.nanoTime() + stalledAfter.toNanos();
        long pause = FIRST_POLL_NANOS;
        while (!listener.isReady()) {
            if (listener.isCancelled()) {
                return Outcome.CANCELLED;
            }
            if (Thread.currentThread().isInterrupted()) {
                listener.error(CallStatus.UNAVAILABLE.withDescription("the Flight endpoint is stopping; read the "
                        + "ticket again (GetFlightInfo names the instances that own each part)").toRuntimeException());
                return Outcome.CANCELLED;
            }
            if (System.nanoTime() - deadline > 0) {
                listener.error(CallStatus.TIMED_OUT.withDescription("the client read nothing for "
                        + describe(stalledAfter) + ", so the stream was ended to free what it held on the server; "
                        + "read the ticket again (a client reading slowly is fine, one that stops is not)")
                        .toRuntimeException());
                return Outcome.STALLED;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(2 * pause, LONGEST_POLL_NANOS);
        }
        return null;
    }

    private static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
