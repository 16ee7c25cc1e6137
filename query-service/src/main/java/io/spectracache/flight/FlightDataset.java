package io.spectracache.flight;

import io.spectracache.errors.InvalidRequestException;
import io.spectracache.query.ScatterQuery;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One kind of data the Flight endpoint serves, read page by page through the query service (so from every
 * instance, with the scan contract: no key skipped between pages). A capability declares its datasets
 * ({@link io.spectracache.capability.Capability#flightDatasets()}); a ticket names one by {@link #name()}.
 */
public interface FlightDataset {
    /** The name a ticket names it by ({@code {"dataset": "<name>"}}). */
    String name();

    String description();

    Schema schema();

    /** The ticket parameters this dataset accepts besides {@code dataset}, for the error message of a bad one. */
    Map<String, String> parameters();

    /** The scatter query whose pages this dataset reads: its store says which instances own which part. */
    ScatterQuery<?, ?> scan();

    /**
     * Starts reading. {@code parameters} are the ticket's, already checked to be known to {@link #parameters()}.
     *
     * @throws InvalidRequestException if a parameter's value is not acceptable
     */
    Reader open(Map<String, String> parameters, Pages pages);

    /**
     * Where a read's pages come from: gathered from every instance (whole, or a retry-later failure), or this
     * instance's part on the partitions a ticket names.
     */
    interface Pages {
        <P, R> R page(ScatterQuery<P, R> query, P params);
    }

    /** Pages of one read. */
    interface Reader {
        /**
         * Fills {@code root} with the next page (at most {@code maxRows} rows); false when there is no more.
         *
         * @throws io.spectracache.errors.RetryLaterException if an instance did not answer (the page would be partial)
         */
        boolean next(VectorSchemaRoot root, int maxRows);
    }
}
