package io.spectracache.timeseries;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.spectracache.flight.FlightBatches;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Arrow shapes of series answers: raw points as (deviceId, metric, timestamp, value) and buckets as (group or
 * deviceId, metric, start, one column per aggregate: {@code count} as int64, the others float64). Over Flight, raw
 * points carry {@code deviceId} and {@code metric} dictionary-encoded ({@link #FLIGHT_POINTS}); REST's Arrow IPC
 * stream of one series keeps them as plain strings ({@link #POINTS}).
 */
public final class SeriesArrow {
    /** The dictionary id of {@code deviceId} in {@link #FLIGHT_POINTS}. */
    public static final long DEVICE_DICTIONARY_ID = 1;
    /** The dictionary id of {@code metric} in {@link #FLIGHT_POINTS}. */
    public static final long METRIC_DICTIONARY_ID = 2;
    private static final ArrowType.Int INT32 = new ArrowType.Int(32, true);
    private static final ArrowType.Int INT8 = new ArrowType.Int(8, true);

    /**
     * Raw points over Flight: {@code deviceId} as int32 indices into a dictionary of device ids (id
     * {@value #DEVICE_DICTIONARY_ID}), {@code metric} as int8 indices into a dictionary of the one metric (id
     * {@value #METRIC_DICTIONARY_ID}); both dictionaries are sent once, before the first batch. pyarrow reads them
     * as {@code DictionaryArray}s (pandas: categoricals); the Java client decodes them with the stream's
     * {@code getDictionaryProvider()}.
     */
    public static final Schema FLIGHT_POINTS = new Schema(List.of(
            new Field("deviceId", new FieldType(false, INT32, new DictionaryEncoding(DEVICE_DICTIONARY_ID, false, INT32)), null),
            new Field("metric", new FieldType(false, INT8, new DictionaryEncoding(METRIC_DICTIONARY_ID, false, INT8)), null),
            new Field("timestamp", FieldType.notNullable(FlightBatches.UTC_MILLIS), null),
            new Field("value", FieldType.notNullable(FlightBatches.DOUBLE), null)));

    /** Raw points with plain string columns (REST's Arrow IPC answer of one series). */
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

    /**
     * The dictionaries of a {@link #FLIGHT_POINTS} stream: {@code deviceIds} (index = position) and the metric (index
     * 0). The caller closes the vectors (through {@link #close(DictionaryProvider.MapDictionaryProvider)}).
     */
    static DictionaryProvider.MapDictionaryProvider dictionaries(BufferAllocator allocator, List<String> deviceIds,
                                                                 String metric) {
        VarCharVector devices = strings("deviceId", allocator, deviceIds);
        VarCharVector metrics = null;
        try {
            metrics = strings("metric", allocator, List.of(metric));
            return new DictionaryProvider.MapDictionaryProvider(
                    new Dictionary(devices, FLIGHT_POINTS.findField("deviceId").getDictionary()),
                    new Dictionary(metrics, FLIGHT_POINTS.findField("metric").getDictionary()));
        } catch (RuntimeException e) {
            devices.close();
            if (metrics != null) {
                metrics.close();
            }
            throw e;
        }
    }

    /** Releases the vectors of {@link #dictionaries}. */
    static void close(DictionaryProvider.MapDictionaryProvider dictionaries) {
        for (long id : dictionaries.getDictionaryIds()) {
            dictionaries.lookup(id).getVector().close();
        }
    }

    private static VarCharVector strings(String name, BufferAllocator allocator, List<String> values) {
        VarCharVector vector = new VarCharVector(name, FieldType.notNullable(ArrowType.Utf8.INSTANCE), allocator);
        try {
            vector.allocateNew(values.size());
            for (int i = 0; i < values.size(); i++) {
                vector.setSafe(i, values.get(i).getBytes(UTF_8));
            }
            vector.setValueCount(values.size());
            return vector;
        } catch (RuntimeException e) {
            vector.close();
            throw e;
        }
    }

    /**
     * Writes one series' points {@code [offset, offset + n)} at row {@code row} of a {@link #FLIGHT_POINTS} batch,
     * straight into the buffers (grown once if the batch is too small), with {@code deviceIndex} its device's
     * dictionary index; marks no row valid and sets no count: {@link FlightBatches#finish} does, once per batch.
     *
     * <p>The capacity is checked once for the run, then the timestamps and values are copied as two blocks of memory
     * and the device index is stored without a bounds check per row (Arrow's checked setters cost more than the
     * copy itself).
     */
    static void writeFlightPoints(VectorSchemaRoot root, int row, int deviceIndex, long[] timestamps, double[] values,
                                  int offset, int n) {
        if (n == 0) {
            return;
        }
        Objects.checkFromIndexSize(offset, n, timestamps.length);
        Objects.checkFromIndexSize(offset, n, values.length);
        IntVector devices = (IntVector) root.getVector(0);
        TinyIntVector metrics = (TinyIntVector) root.getVector(1);
        TimeStampMilliTZVector times = (TimeStampMilliTZVector) root.getVector(2);
        Float8Vector points = (Float8Vector) root.getVector(3);
        int end = row + n;
        growTo(end, devices, metrics, times, points);
        times.getDataBuffer().nioBuffer((long) row * TimeStampMilliTZVector.TYPE_WIDTH, n * TimeStampMilliTZVector.TYPE_WIDTH)
                .order(ByteOrder.nativeOrder()).asLongBuffer().put(timestamps, offset, n);
        points.getDataBuffer().nioBuffer((long) row * Float8Vector.TYPE_WIDTH, n * Float8Vector.TYPE_WIDTH)
                .order(ByteOrder.nativeOrder()).asDoubleBuffer().put(values, offset, n);
        // Capacity checked above for [row, end): unchecked stores of the one index every row of the run shares.
        long address = devices.getDataBuffer().memoryAddress() + (long) row * IntVector.TYPE_WIDTH;
        for (int i = 0; i < n; i++) {
            MemoryUtil.putInt(address + (long) i * IntVector.TYPE_WIDTH, deviceIndex);
        }
        metrics.getDataBuffer().setZero(row, n);
    }

    /**
     * Writes the raw points of one page straight into a {@link #FLIGHT_POINTS} batch's buffers, series after series, as
     * a {@link RawPointReader} hands them over (each run two block copies from the reader's arrays and the device index
     * stored once a row): no arrays of the page's own. One per batch, made after the batch's {@code allocateNew};
     * {@link #finish} ends the batch.
     */
    static final class FlightPointsWriter implements PointSink {
        private final VectorSchemaRoot root;
        private final IntVector devices;
        private final TinyIntVector metrics;
        private final TimeStampMilliTZVector times;
        private final Float8Vector points;
        private int capacity;
        private LongBuffer timeBuffer;
        private DoubleBuffer valueBuffer;
        private IntBuffer deviceBuffer;
        private int row;
        private int device = -1;
        /** {@link #device} in {@code [0, deviceFilled)}: a run's indices are copied from here as one block. */
        private int[] deviceRun = new int[256];
        private int deviceFilled;
        private long lastTimestamp;

        FlightPointsWriter(VectorSchemaRoot root) {
            this.root = root;
            this.devices = (IntVector) root.getVector(0);
            this.metrics = (TinyIntVector) root.getVector(1);
            this.times = (TimeStampMilliTZVector) root.getVector(2);
            this.points = (Float8Vector) root.getVector(3);
            views();
        }

        /** The dictionary index of the device whose points come next. */
        void device(int deviceIndex) {
            if (deviceIndex != device) {
                this.device = deviceIndex;
                deviceFilled = 0;
            }
        }

        @Override
        public void accept(long[] timestamps, double[] values, int offset, int n) {
            if (device < 0) {
                throw new IllegalStateException("points before their device");
            }
            Objects.checkFromIndexSize(offset, n, timestamps.length);
            Objects.checkFromIndexSize(offset, n, values.length);
            int end = row + n;
            if (end > capacity) {
                grow(end);
            }
            timeBuffer.put(row, timestamps, offset, n);
            valueBuffer.put(row, values, offset, n);
            // The one index every row of the run shares, as a third block copy (a store per row costs more).
            if (deviceFilled < n) {
                if (deviceRun.length < n) {
                    deviceRun = new int[Math.max(n, deviceRun.length * 2)];
                }
                Arrays.fill(deviceRun, deviceFilled, n, device);
                deviceFilled = n;
            }
            deviceBuffer.put(row, deviceRun, 0, n);
            lastTimestamp = timestamps[offset + n - 1];
            row = end;
        }

        /** The rows written so far. */
        int rows() {
            return row;
        }

        /** The time of the last point written. */
        long lastTimestamp() {
            return lastTimestamp;
        }

        /** Ends the batch: the metric column (index 0 on every row), validity and the row count. */
        void finish() {
            metrics.getDataBuffer().setZero(0, row);
            FlightBatches.finish(root, row);
        }

        private void grow(int end) {
            growTo(end, devices, metrics, times, points);
            views();
        }

        private void views() {
            capacity = Math.min(Math.min(devices.getValueCapacity(), metrics.getValueCapacity()),
                    Math.min(times.getValueCapacity(), points.getValueCapacity()));
            timeBuffer = times.getDataBuffer().nioBuffer(0, capacity * TimeStampMilliTZVector.TYPE_WIDTH)
                    .order(ByteOrder.nativeOrder()).asLongBuffer();
            valueBuffer = points.getDataBuffer().nioBuffer(0, capacity * Float8Vector.TYPE_WIDTH)
                    .order(ByteOrder.nativeOrder()).asDoubleBuffer();
            deviceBuffer = devices.getDataBuffer().nioBuffer(0, capacity * IntVector.TYPE_WIDTH)
                    .order(ByteOrder.nativeOrder()).asIntBuffer();
        }
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

    // Grows each fixed-width vector until it holds rows [0, end).
    private static void growTo(int end, BaseFixedWidthVector... vectors) {
        for (BaseFixedWidthVector vector : vectors) {
            while (vector.getValueCapacity() < end) {
                vector.reAlloc();
            }
        }
    }
}
