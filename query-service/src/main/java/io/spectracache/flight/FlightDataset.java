package io.spectracache.flight;

import io.spectracache.errors.InvalidRequestException;
import io.spectracache.query.ScatterQuery;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One kind of data the Flight endpoint serves, read page by page through the query service (so from every
 * instance, with the scan contract: no key skipped between pages). A capability declares its datasets
 * ({@link io.spectracache.capability.Capability#flightDatasets}); a ticket names one by {@link #name()}.
 */
public interface FlightDataset {
    /** The name a ticket names it by ({@code {"dataset": "<name>"}}). */
    String name();

    String description();

    Schema schema();

    /**
     * The schema of a read with these (checked) ticket parameters; {@link #schema()} unless the columns depend on
     * them (such as one column per requested aggregate).
     *
     * @throws InvalidRequestException if a parameter the schema depends on is not acceptable
     */
    default Schema schema(Map<String, String> parameters) {
        return schema();
    }

    /**
     * True when the answer is only right as a whole (aggregates merged across instances), so GetFlightInfo answers
     * one gathering endpoint instead of one per owner.
     */
    default boolean gatheredOnly() {
        return false;
    }

    /**
     * The most rows of one record batch (one page of {@link #scan()}): memory per stream is bounded by it. By default
     * {@value FlightApi#ROWS_PER_BATCH}; a dataset of narrow rows may take more per batch, so that what each page
     * costs whatever its size (a batch's allocation and send, the page's store handles) is spread over more rows.
     */
    default int rowsPerBatch() {
        return FlightApi.ROWS_PER_BATCH;
    }

    /**
     * The ticket parameters of each flight ListFlights lists for this dataset (each a ready descriptor); by default
     * one, without parameters.
     *
     * @param pages where to look up what exists (gathered from every instance)
     */
    default java.util.List<Map<String, String>> listed(Pages pages) {
        return java.util.List.of(Map.of());
    }

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

        /**
         * True when pages are read on this instance only (a ticket naming partitions): their requests never travel to
         * another instance, so they may carry what would be too large to send.
         */
        default boolean local() {
            return false;
        }
    }

    /** Pages of one read; closed when the stream ends, however it ends. */
    interface Reader extends AutoCloseable {
        /**
         * The dictionaries of the schema's dictionary-encoded columns, sent once before the first batch; null when it
         * has none. Called once, before {@link #next}; the reader owns them and releases them in {@link #close()}.
         *
         * @throws io.spectracache.errors.RetryLaterException if an instance did not answer
         */
        default DictionaryProvider dictionaries(BufferAllocator allocator) {
            return null;
        }

        /**
         * Fills {@code root} with the next page (at most {@code maxRows} rows); false when there is no more.
         *
         * @throws io.spectracache.errors.RetryLaterException if an instance did not answer (the page would be partial)
         */
        boolean next(VectorSchemaRoot root, int maxRows);

        /** Releases what the reader holds (its dictionaries); never throws. */
        @Override
        default void close() {
        }
    }
}
