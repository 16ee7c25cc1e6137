package io.spectracache.flight;

import io.spectracache.errors.InvalidRequestException;
import io.spectracache.errors.RetryLaterException;
import io.spectracache.query.Gathered;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** What every {@link FlightDataset} shares: column types, the prefix parameter, and whole-or-fail pages. */
public final class FlightBatches {
    /** Longest prefix a ticket may give, as for keys and device ids. */
    public static final int MAX_PREFIX_CHARS = 1024;
    /** Times: UTC milliseconds. */
    public static final ArrowType UTC_MILLIS = new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC");
    public static final ArrowType DOUBLE = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);

    private FlightBatches() {
    }

    /** The ticket's {@code prefix}, or null for everything. */
    public static String prefix(Map<String, String> parameters) {
        String prefix = parameters.get("prefix");
        if (prefix != null && prefix.length() > MAX_PREFIX_CHARS) {
            throw new InvalidRequestException("prefix: at most " + MAX_PREFIX_CHARS + " characters");
        }
        return prefix == null || prefix.isEmpty() ? null : prefix;
    }

    /** One page of a cursor-paged scan: its rows, and the cursor after them (null: nothing more). */
    public record Page<T>(List<T> rows, String nextCursor) {
    }

    /**
     * A reader over a cursor-paged scan: {@code fetch} gets the page after a cursor (null: the first) of at most
     * the given rows, {@code write} fills a batch with a page's rows.
     */
    public static <T> FlightDataset.Reader paged(BiFunction<String, Integer, Page<T>> fetch,
                                                 BiConsumer<List<T>, VectorSchemaRoot> write) {
        return new FlightDataset.Reader() {
            private String cursor;
            private boolean done;

            @Override
            public boolean next(VectorSchemaRoot root, int maxRows) {
                if (done) {
                    return false;
                }
                Page<T> page = fetch.apply(cursor, maxRows);
                write.accept(page.rows(), root);
                cursor = page.nextCursor();
                done = cursor == null;
                return !page.rows().isEmpty() || !done;
            }
        };
    }

    /** A bulk read is whole or fails: a page missing an instance's part would silently lose rows. */
    public static <R> Gathered<R> complete(Gathered<R> page) {
        if (page.partial()) {
            throw RetryLaterException.notReady("instances " + page.failedInstances() + " did not answer, so the read "
                    + "would miss their partitions; retry the ticket");
        }
        return page;
    }
}
