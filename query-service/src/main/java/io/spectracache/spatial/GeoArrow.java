package io.spectracache.spatial;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.spectracache.flight.FlightBatches;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** The Arrow schemas of the spatial Flight datasets, and how rows are written into them. */
final class GeoArrow {
    /** Every position: device, where, when, and the S2 leaf cell it is filed under (the order of the rows). */
    static final Schema POSITIONS = new Schema(List.of(
            new Field("deviceId", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
            new Field("latitude", FieldType.notNullable(FlightBatches.DOUBLE), null),
            new Field("longitude", FieldType.notNullable(FlightBatches.DOUBLE), null),
            new Field("ts", FieldType.notNullable(FlightBatches.UTC_MILLIS), null),
            new Field("cell", FieldType.notNullable(new ArrowType.Int(64, true)), null)));

    /** The devices of an area query: as the GeoJSON answer's features. */
    static final Schema FOUND = new Schema(List.of(
            new Field("deviceId", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
            new Field("latitude", FieldType.notNullable(FlightBatches.DOUBLE), null),
            new Field("longitude", FieldType.notNullable(FlightBatches.DOUBLE), null),
            new Field("ts", FieldType.notNullable(FlightBatches.UTC_MILLIS), null),
            new Field("distanceM", FieldType.nullable(FlightBatches.DOUBLE), null),
            new Field("tenant", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));

    private GeoArrow() {
    }

    static void writePositions(List<SpatialQueries.Positioned> rows, VectorSchemaRoot root) {
        root.allocateNew();
        VarCharVector ids = (VarCharVector) root.getVector("deviceId");
        Float8Vector lats = (Float8Vector) root.getVector("latitude");
        Float8Vector lons = (Float8Vector) root.getVector("longitude");
        TimeStampMilliTZVector ts = (TimeStampMilliTZVector) root.getVector("ts");
        BigIntVector cells = (BigIntVector) root.getVector("cell");
        for (int row = 0; row < rows.size(); row++) {
            SpatialQueries.Positioned p = rows.get(row);
            ids.setSafe(row, p.deviceId().getBytes(UTF_8));
            lats.setSafe(row, p.lat());
            lons.setSafe(row, p.lon());
            ts.setSafe(row, p.ts());
            cells.setSafe(row, p.cell());
        }
        root.setRowCount(rows.size());
    }

    static void writeFound(List<SpatialQueries.Found> rows, int from, int count, VectorSchemaRoot root) {
        root.allocateNew();
        VarCharVector ids = (VarCharVector) root.getVector("deviceId");
        Float8Vector lats = (Float8Vector) root.getVector("latitude");
        Float8Vector lons = (Float8Vector) root.getVector("longitude");
        TimeStampMilliTZVector ts = (TimeStampMilliTZVector) root.getVector("ts");
        Float8Vector distances = (Float8Vector) root.getVector("distanceM");
        VarCharVector tenants = (VarCharVector) root.getVector("tenant");
        for (int row = 0; row < count; row++) {
            SpatialQueries.Found found = rows.get(from + row);
            ids.setSafe(row, found.deviceId().getBytes(UTF_8));
            lats.setSafe(row, found.lat());
            lons.setSafe(row, found.lon());
            ts.setSafe(row, found.ts());
            if (found.distanceM() == null) {
                distances.setNull(row);
            } else {
                distances.setSafe(row, found.distanceM());
            }
            if (found.tenant() == null) {
                tenants.setNull(row);
            } else {
                tenants.setSafe(row, found.tenant().getBytes(UTF_8));
            }
        }
        root.setRowCount(count);
    }
}
