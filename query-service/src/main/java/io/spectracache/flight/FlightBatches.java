package io.spectracache.flight;

import io.spectracache.errors.InvalidRequestException;
import io.spectracache.errors.RetryLaterException;
import io.spectracache.query.Gathered;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
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

    /** Writes one item of an answer at one row of a batch (with the vectors' {@code setSafe}). */
    @FunctionalInterface
    public interface RowWriter<T> {
        void write(VectorSchemaRoot root, int row, T item);
    }

    /**
     * A reader over an answer computed whole (such as one merged across instances): {@code answer} is asked once, at
     * the first batch, and its rows are then written at most {@code maxRows} a batch, in order.
     */
    public static <T> FlightDataset.Reader whole(Supplier<List<T>> answer, RowWriter<T> write) {
        return new FlightDataset.Reader() {
            private List<T> rows;
            private int next;

            @Override
            public boolean next(VectorSchemaRoot root, int maxRows) {
                if (rows == null) {
                    rows = answer.get();
                }
                if (next >= rows.size()) {
                    return false;
                }
                root.allocateNew();
                int n = Math.min(maxRows, rows.size() - next);
                for (int row = 0; row < n; row++) {
                    write.write(root, row, rows.get(next + row));
                }
                next += n;
                root.setRowCount(n);
                return true;
            }
        };
    }

    /**
     * Ends a batch written straight into its buffers: marks rows {@code [0, rows)} of every column valid and sets the
     * row count. For batches of flat, non-nullable columns only.
     */
    public static void finish(VectorSchemaRoot root, int rows) {
        int bytes = BitVectorHelper.getValidityBufferSize(rows);
        for (FieldVector vector : root.getFieldVectors()) {
            vector.getValidityBuffer().setOne(0, bytes);
        }
        root.setRowCount(rows);
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
