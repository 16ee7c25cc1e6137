package io.spectracache.devicestate;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.spectracache.devices.DeviceState;
import io.spectracache.devices.MetricReading;
import io.spectracache.flight.FlightBatches;
import io.spectracache.flight.FlightDataset;
import io.spectracache.query.ScatterQuery;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.impl.UnionMapWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Flight dataset {@code device-states}: every device's latest state in id order, read through
 * {@link DeviceQueries#SCAN} from every instance. Ticket: {@code {"dataset":"device-states","prefix":"truck-"}}.
 */
public final class DeviceStatesFlight implements FlightDataset {
    static final Schema SCHEMA = new Schema(List.of(
            new Field("deviceId", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
            new Field("tenant", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
            new Field("firstSeen", FieldType.notNullable(FlightBatches.UTC_MILLIS), null),
            new Field("lastSeen", FieldType.notNullable(FlightBatches.UTC_MILLIS), null),
            new Field("eventCount", FieldType.notNullable(new ArrowType.Int(64, true)), null),
            new Field("latitude", FieldType.nullable(FlightBatches.DOUBLE), null),
            new Field("longitude", FieldType.nullable(FlightBatches.DOUBLE), null),
            new Field("metrics", FieldType.notNullable(new ArrowType.Map(false)), List.of(
                    new Field(MapVector.DATA_VECTOR_NAME, FieldType.notNullable(ArrowType.Struct.INSTANCE), List.of(
                            new Field(MapVector.KEY_NAME, FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
                            new Field(MapVector.VALUE_NAME, FieldType.notNullable(FlightBatches.DOUBLE), null)))))));

    @Override
    public String name() {
        return "device-states";
    }

    @Override
    public String description() {
        return "The latest state of every device: id, tenant, first and last event time, event count, last position "
                + "and the newest reading of each metric";
    }

    @Override
    public Schema schema() {
        return SCHEMA;
    }

    @Override
    public Map<String, String> parameters() {
        return Map.of("prefix", "only devices whose id starts with it");
    }

    @Override
    public ScatterQuery<?, ?> scan() {
        return DeviceQueries.SCAN;
    }

    @Override
    public Reader open(Map<String, String> parameters, Pages pages) {
        String prefix = FlightBatches.prefix(parameters);
        return FlightBatches.paged((cursor, rows) -> {
            DeviceQueries.ScanPart page = pages.page(DeviceQueries.SCAN, new DeviceQueries.ScanRequest(prefix, cursor, rows));
            return new FlightBatches.Page<>(page.states(), page.nextCursor());
        }, DeviceStatesFlight::write);
    }

    static void write(List<DeviceState> states, VectorSchemaRoot root) {
        root.allocateNew();
        VarCharVector ids = (VarCharVector) root.getVector("deviceId");
        VarCharVector tenants = (VarCharVector) root.getVector("tenant");
        TimeStampMilliTZVector first = (TimeStampMilliTZVector) root.getVector("firstSeen");
        TimeStampMilliTZVector last = (TimeStampMilliTZVector) root.getVector("lastSeen");
        BigIntVector counts = (BigIntVector) root.getVector("eventCount");
        Float8Vector lats = (Float8Vector) root.getVector("latitude");
        Float8Vector lons = (Float8Vector) root.getVector("longitude");
        UnionMapWriter metrics = ((MapVector) root.getVector("metrics")).getWriter();
        for (int row = 0; row < states.size(); row++) {
            DeviceState state = states.get(row);
            ids.setSafe(row, state.deviceId().getBytes(UTF_8));
            String tenant = state.lastEvent() == null ? null : state.lastEvent().tenant();
            if (tenant == null) {
                tenants.setNull(row);
            } else {
                tenants.setSafe(row, tenant.getBytes(UTF_8));
            }
            first.setSafe(row, state.firstSeen().toEpochMilli());
            last.setSafe(row, state.lastSeen().toEpochMilli());
            counts.setSafe(row, state.eventCount());
            if (state.location() == null) {
                lats.setNull(row);
                lons.setNull(row);
            } else {
                lats.setSafe(row, state.location().lat());
                lons.setSafe(row, state.location().lon());
            }
            metrics.setPosition(row);
            metrics.startMap();
            for (Map.Entry<String, MetricReading> metric : state.metrics().entrySet()) {
                metrics.startEntry();
                metrics.key().varChar().writeVarChar(metric.getKey());
                metrics.value().float8().writeFloat8(metric.getValue().value());
                metrics.endEntry();
            }
            metrics.endMap();
        }
        root.setRowCount(states.size());
    }
}
