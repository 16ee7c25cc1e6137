package io.spectracache.flight;

import io.spectracache.errors.InvalidRequestException;
import io.spectracache.errors.RetryLaterException;
import io.spectracache.query.Gathered;
import java.util.Map;
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

    /** A bulk read is whole or fails: a page missing an instance's part would silently lose rows. */
    public static <R> Gathered<R> complete(Gathered<R> page) {
        if (page.partial()) {
            throw RetryLaterException.notReady("instances " + page.failedInstances() + " did not answer, so the read "
                    + "would miss their partitions; retry the ticket");
        }
        return page;
    }
}
