package io.spectracache.timeseries;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.spectracache.flight.FlightBatches;
import java.util.ArrayList;
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

/**
 * The Arrow shapes of series answers, the same over Flight and over REST's Arrow IPC stream: raw points as
 * (deviceId, metric, timestamp, value) and buckets as (group or deviceId, metric, start, one column per aggregate:
 * {@code count} as int64, the others float64).
 */
public final class SeriesArrow {
    /** Raw points. */
    public static final Schema POINTS = new Schema(List.of(
            new Field("deviceId", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
            new Field("metric", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
            new Field("timestamp", FieldType.notNullable(FlightBatches.UTC_MILLIS), null),
            new Field("value", FieldType.notNullable(FlightBatches.DOUBLE), null)));

    private SeriesArrow() {
    }

    /** Buckets with the given aggregates; {@code keyColumn} is {@code deviceId} or {@code group}. */
    public static Schema buckets(String keyColumn, List<SeriesAgg> aggs) {
        List<Field> fields = new ArrayList<>();
        fields.add(new Field(keyColumn, FieldType.nullable(ArrowType.Utf8.INSTANCE), null));
        fields.add(new Field("metric", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null));
        fields.add(new Field("start", FieldType.notNullable(FlightBatches.UTC_MILLIS), null));
        for (SeriesAgg agg : aggs) {
            fields.add(new Field(agg.label(), FieldType.notNullable(agg == SeriesAgg.COUNT
                    ? new ArrowType.Int(64, true) : FlightBatches.DOUBLE), null));
        }
        return new Schema(fields);
    }

    /** Writes one series' points {@code [offset, offset + n)} at row {@code row} of {@code root}; sets no count. */
    static void writePoints(VectorSchemaRoot root, int row, String deviceId, String metric, long[] timestamps,
                            double[] values, int offset, int n) {
        VarCharVector devices = (VarCharVector) root.getVector(0);
        VarCharVector metrics = (VarCharVector) root.getVector(1);
        TimeStampMilliTZVector times = (TimeStampMilliTZVector) root.getVector(2);
        Float8Vector points = (Float8Vector) root.getVector(3);
        byte[] device = deviceId.getBytes(UTF_8);
        byte[] name = metric.getBytes(UTF_8);
        for (int i = 0; i < n; i++) {
            devices.setSafe(row + i, device);
            metrics.setSafe(row + i, name);
            times.setSafe(row + i, timestamps[offset + i]);
            points.setSafe(row + i, values[offset + i]);
        }
    }

    /** Writes buckets {@code [offset, offset + n)} of one key at row {@code row}; sets no count. */
    static void writeBuckets(VectorSchemaRoot root, int row, String key, String metric, List<SeriesAgg> aggs,
                             SeriesQueries.Buckets buckets, int offset, int n) {
        VarCharVector keys = (VarCharVector) root.getVector(0);
        VarCharVector metrics = (VarCharVector) root.getVector(1);
        TimeStampMilliTZVector starts = (TimeStampMilliTZVector) root.getVector(2);
        byte[] name = metric.getBytes(UTF_8);
        byte[] keyBytes = key == null ? null : key.getBytes(UTF_8);
        for (int i = 0; i < n; i++) {
            if (keyBytes == null) {
                keys.setNull(row + i);
            } else {
                keys.setSafe(row + i, keyBytes);
            }
            metrics.setSafe(row + i, name);
            starts.setSafe(row + i, buckets.starts()[offset + i]);
            for (int a = 0; a < aggs.size(); a++) {
                if (aggs.get(a) == SeriesAgg.COUNT) {
                    ((BigIntVector) root.getVector(3 + a)).setSafe(row + i, (long) buckets.values()[a][offset + i]);
                } else {
                    ((Float8Vector) root.getVector(3 + a)).setSafe(row + i, buckets.values()[a][offset + i]);
                }
            }
        }
    }
}
