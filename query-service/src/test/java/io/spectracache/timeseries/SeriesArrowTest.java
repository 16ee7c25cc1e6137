package io.spectracache.timeseries;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.flight.FlightBatches;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryEncoder;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.junit.jupiter.api.Test;

class SeriesArrowTest {
    private record Row(String device, String metric, long timestamp, double value) {
    }

    /** Writes batches of series points the way the Flight dataset does, as an Arrow IPC stream, and reads them back. */
    private static List<Row> roundTrip(List<String> devices, String metric, int[][] seriesPerBatch, int initialCapacity) throws Exception {
        return roundTrip(devices, metric, seriesPerBatch, initialCapacity, false);
    }

    /** As above; {@code throughWriter}: each batch written by a {@link SeriesArrow.FlightPointsWriter}, in runs. */
    private static List<Row> roundTrip(List<String> devices, String metric, int[][] seriesPerBatch, int initialCapacity,
                                       boolean throughWriter) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Row> sent = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(SeriesArrow.FLIGHT_POINTS, allocator)) {
            DictionaryProvider.MapDictionaryProvider dictionaries = SeriesArrow.dictionaries(allocator, devices, metric);
            try (ArrowStreamWriter writer = new ArrowStreamWriter(root, dictionaries, out)) {
                root.getFieldVectors().forEach(vector -> vector.setInitialCapacity(initialCapacity));
                writer.start();
                long time = -5_000;
                for (int[] batch : seriesPerBatch) {
                    root.allocateNew();
                    SeriesArrow.FlightPointsWriter pointsWriter = throughWriter ? new SeriesArrow.FlightPointsWriter(root) : null;
                    int row = 0;
                    for (int s = 0; s < batch.length; s += 2) {
                        int device = batch[s];
                        int n = batch[s + 1];
                        long[] timestamps = new long[n + 2];
                        double[] values = new double[n + 2];
                        for (int i = 0; i < n + 2; i++) {
                            timestamps[i] = time++;
                            values[i] = i % 3 == 0 ? -0.0 : Math.scalb(i, s) + 0.1;
                        }
                        if (pointsWriter != null) {
                            // runs of at most 7 points, as a reader hands over chunk after chunk
                            pointsWriter.device(device);
                            for (int from = 1; from <= n; from += 7) {
                                pointsWriter.accept(timestamps, values, from, Math.min(7, n + 1 - from));
                            }
                            if (n > 0) {
                                assertThat(pointsWriter.lastTimestamp()).isEqualTo(timestamps[n]);
                            }
                        } else {
                            // offset 1: only the middle of the arrays is written
                            SeriesArrow.writeFlightPoints(root, row, device, timestamps, values, 1, n);
                        }
                        for (int i = 1; i <= n; i++) {
                            sent.add(new Row(devices.get(device), metric, timestamps[i], values[i]));
                        }
                        row += n;
                    }
                    if (pointsWriter != null) {
                        assertThat(pointsWriter.rows()).isEqualTo(row);
                        pointsWriter.finish();
                    } else {
                        FlightBatches.finish(root, row);
                    }
                    writer.writeBatch();
                }
                writer.end();
            } finally {
                SeriesArrow.close(dictionaries);
            }
        }
        List<Row> read = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator();
             ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(out.toByteArray()), allocator)) {
            while (reader.loadNextBatch()) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                FieldVector deviceIndices = root.getVector("deviceId");
                FieldVector metricIndices = root.getVector("metric");
                try (VarCharVector deviceIds = (VarCharVector) DictionaryEncoder.decode(deviceIndices,
                        reader.lookup(deviceIndices.getField().getDictionary().getId()));
                     VarCharVector metrics = (VarCharVector) DictionaryEncoder.decode(metricIndices,
                             reader.lookup(metricIndices.getField().getDictionary().getId()))) {
                    for (int row = 0; row < root.getRowCount(); row++) {
                        read.add(new Row(deviceIds.getObject(row).toString(), metrics.getObject(row).toString(),
                                ((TimeStampMilliTZVector) root.getVector("timestamp")).get(row),
                                ((Float8Vector) root.getVector("value")).get(row)));
                    }
                }
            }
        }
        assertThat(read).hasSameSizeAs(sent);
        for (int i = 0; i < sent.size(); i++) {
            assertThat(Double.doubleToRawLongBits(read.get(i).value()))
                    .as("bits of value %d", i).isEqualTo(Double.doubleToRawLongBits(sent.get(i).value()));
        }
        assertThat(read).isEqualTo(sent);
        return read;
    }

    @Test
    void shouldRoundTripDictionaryEncodedDevicesAndMetricThroughArrowIpc() throws Exception {
        List<String> devices = List.of("truck-01", "meter-\u00e9t\u00e9", "x");
        List<Row> read = roundTrip(devices, "temp", new int[][] {{0, 3, 2, 5, 1, 1}, {1, 4}, {}}, 16);

        assertThat(read).extracting(Row::device).containsOnly("truck-01", "meter-\u00e9t\u00e9", "x");
        assertThat(read).extracting(Row::metric).containsOnly("temp");
    }

    @Test
    void shouldGrowABatchSmallerThanItsRowsInsteadOfWritingPastItsBuffers() throws Exception {
        List<String> devices = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            devices.add("device-" + i);
        }

        List<Row> read = roundTrip(devices, "speed", new int[][] {{7, 3000, 49, 9000}, {0, 1}}, 100);

        assertThat(read).hasSize(12_001);
    }

    @Test
    void shouldWriteRunsOfPointsStraightIntoTheBatchAsTheBlockWriterDoes() throws Exception {
        List<String> devices = List.of("truck-01", "meter-\u00e9t\u00e9", "x");
        List<Row> read = roundTrip(devices, "temp", new int[][] {{0, 3, 2, 5, 1, 1}, {1, 4}, {}}, 16, true);

        assertThat(read).extracting(Row::device).containsOnly("truck-01", "meter-\u00e9t\u00e9", "x");
    }

    @Test
    void shouldGrowTheBatchUnderTheRunWriterInsteadOfWritingPastItsBuffers() throws Exception {
        List<String> devices = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            devices.add("device-" + i);
        }

        List<Row> read = roundTrip(devices, "speed", new int[][] {{7, 3000, 49, 9000}, {0, 1}}, 100, true);

        assertThat(read).hasSize(12_001);
    }
}
