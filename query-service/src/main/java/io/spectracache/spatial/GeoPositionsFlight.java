package io.spectracache.spatial;

import io.spectracache.flight.FlightBatches;
import io.spectracache.flight.FlightDataset;
import io.spectracache.query.ScatterQuery;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Flight dataset {@code geo-positions}: every device's position, in index order (by S2 cell: neighbours come
 * together), read through {@link SpatialQueries#SCAN} a page at a time, one endpoint per owning instance. Ticket:
 * {@code {"dataset":"geo-positions"}}.
 */
final class GeoPositionsFlight implements FlightDataset {
    @Override
    public String name() {
        return "geo-positions";
    }

    @Override
    public String description() {
        return "Every device's newest position: deviceId, latitude, longitude, ts, cell (S2 leaf cell id, the order)";
    }

    @Override
    public Schema schema() {
        return GeoArrow.POSITIONS;
    }

    @Override
    public Map<String, String> parameters() {
        return Map.of();
    }

    @Override
    public ScatterQuery<?, ?> scan() {
        return SpatialQueries.SCAN;
    }

    @Override
    public Reader open(Map<String, String> parameters, Pages pages) {
        return FlightBatches.paged((cursor, rows) -> {
            SpatialQueries.ScanPage page = pages.page(SpatialQueries.SCAN, new SpatialQueries.ScanRequest(cursor, rows));
            return new FlightBatches.Page<>(page.rows(), page.nextCursor());
        }, GeoArrow::writePositions);
    }
}
