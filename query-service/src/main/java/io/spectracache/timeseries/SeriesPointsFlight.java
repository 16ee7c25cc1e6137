package io.spectracache.timeseries;

import static java.util.Objects.requireNonNull;

import io.spectracache.errors.InvalidRequestException;
import io.spectracache.flight.FlightBatches;
import io.spectracache.flight.FlightDataset;
import io.spectracache.query.QueryTimes;
import io.spectracache.query.ScatterQuery;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Flight dataset {@code series}: the raw points of one metric over many devices, device by device in
 * series-key order (by id length, then id), each device's points in time order, read through
 * {@link SeriesQueries#SCAN} a page at a time (memory stays bounded by the batch size, whatever the range).
 * Ticket: {@code {"dataset":"series","metric":"temp","from":"-1h","to":"now","prefix":"truck-"}}.
 *
 * <p>Columns {@code deviceId} and {@code metric} are dictionary-encoded ({@link SeriesArrow#FLIGHT_POINTS}): before the
 * first batch, the stream sends the ids of the devices with a series of the metric (listed from keys, gathered like
 * the pages) and the metric; each row then carries an int32 and an int8 index instead of two strings. A series whose
 * device is not in that list (its first point arrived after the stream began) is left out of the stream. Memory: a
 * page of points plus the list of device ids.
 */
final class SeriesPointsFlight implements FlightDataset {
    /** Rows per record batch and page. */
    static final int ROWS_PER_BATCH = 65_536;

    private final SeriesServing settings;
    private final Clock clock;
    /** The tails' records as the topology stores them (its tiers): a page reads each series' tail alone from them. */
    private final DeviceTailsSerde tailRecords;

    SeriesPointsFlight(SeriesServing settings, Clock clock) {
        this.settings = requireNonNull(settings, "settings");
        this.clock = requireNonNull(clock, "clock");
        this.tailRecords = (DeviceTailsSerde) new TimeSeriesTopology(settings.series()).tailsStore().valueSerde();
    }

    @Override
    public String name() {
        return "series";
    }

    @Override
    public String description() {
        return "Raw points of one metric over many devices: deviceId, metric, timestamp, value";
    }

    @Override
    public Schema schema() {
        return SeriesArrow.FLIGHT_POINTS;
    }

    @Override
    public Map<String, String> parameters() {
        return parameterDocs();
    }

    /**
     * 65,536 rows (about 1.4 MB on the wire at 21.5 bytes a row, under gRPC's 4 MiB message limit): a page's fixed
     * costs (three store handles per partition read, the batch's allocation and send, the series a page boundary cuts
     * in two and reads again) over six times the rows of the default batch. On the bench's fleet it costs the same CPU a
     * row as 32,768 did, within the noise between runs (0.080 against 0.081 µs, BENCHMARKS.md runs 85–93).
     */
    @Override
    public int rowsPerBatch() {
        return ROWS_PER_BATCH;
    }

    static Map<String, String> parameterDocs() {
        Map<String, String> docs = new TreeMap<>();
        docs.put("metric", "the metric (required)");
        docs.put("from", "start, inclusive: " + QueryTimes.INSTANT_FORMS + "; default an hour before to");
        docs.put("to", "end, exclusive; default now");
        docs.put("prefix", "only devices whose id starts with it");
        docs.put("devices", "only these device ids, joined by commas");
        docs.put("where", "attribute:value conditions on the device's latest state, joined by commas (tenant:acme)");
        return docs;
    }

    @Override
    public ScatterQuery<?, ?> scan() {
        return SeriesQueries.SCAN;
    }

    @Override
    public List<Map<String, String>> listed(Pages pages) {
        SeriesQueries.MetricNames names = pages.page(SeriesQueries.METRICS, new SeriesQueries.MetricsRequest(1_000));
        List<Map<String, String>> listed = new ArrayList<>();
        names.names().forEach(metric -> listed.add(Map.of("metric", metric, "from", "-1h", "to", "now")));
        return listed;
    }

    static String metric(Map<String, String> parameters) {
        String metric = parameters.get("metric");
        if (metric == null || metric.isBlank()) {
            throw new InvalidRequestException("ticket: \"metric\" is required, such as {\"dataset\":\"series\","
                    + "\"metric\":\"temp\",\"from\":\"-1h\"}");
        }
        return metric;
    }

    @Override
    public Reader open(Map<String, String> parameters, Pages pages) {
        String metric = metric(parameters);
        SeriesRoutes.Range range = SeriesRoutes.range(parameters.get("from"), parameters.get("to"), clock.millis());
        SeriesFilter filter = SeriesFilter.parse(parameters.get("devices"), FlightBatches.prefix(parameters),
                parameters.get("where"));
        long span = settings.series().chunkMaxSpan().toMillis();
        return new Reader() {
            private String cursor;
            private boolean done;
            private DictionaryProvider.MapDictionaryProvider dictionaries;
            private Map<String, Integer> deviceIndex;
            private List<String> devices;

            @Override
            public DictionaryProvider dictionaries(BufferAllocator allocator) {
                devices = pages.page(SeriesQueries.DEVICES, new SeriesQueries.DevicesRequest(metric, filter)).deviceIds();
                deviceIndex = new HashMap<>(devices.size() * 2);
                for (int i = 0; i < devices.size(); i++) {
                    deviceIndex.put(devices.get(i), i);
                }
                dictionaries = SeriesArrow.dictionaries(allocator, devices, metric);
                return dictionaries;
            }

            @Override
            public boolean next(VectorSchemaRoot root, int maxRows) {
                if (done) {
                    return false;
                }
                // Read here: the pages take the dictionary's series instead of walking the store's keys again.
                SeriesQueries.ScanRequest request = new SeriesQueries.ScanRequest(metric, range.from(), range.to(),
                        filter, cursor, maxRows, span, pages.local() ? devices : null);
                root.allocateNew();
                int rows = pages.local() ? writeLocal(root, request) : writeGathered(root, request);
                done = cursor == null;
                return rows > 0 || !done;
            }

            /** A page read here, written straight from the stored chunks into the batch. */
            private int writeLocal(VectorSchemaRoot root, SeriesQueries.ScanRequest request) {
                SeriesArrow.FlightPointsWriter writer = new SeriesArrow.FlightPointsWriter(root);
                SeriesQueries.ColumnsPage page = pages.page(SeriesQueries.COLUMNS, new SeriesQueries.ColumnsRequest(
                        request, tailRecords, new SeriesQueries.ColumnWriter() {
                            @Override
                            public boolean startSeries(String deviceId) {
                                Integer device = deviceIndex.get(deviceId);
                                if (device == null) {
                                    return false; // a series begun after the stream did: not in the dictionary sent
                                }
                                writer.device(device);
                                return true;
                            }

                            @Override
                            public void accept(long[] timestamps, double[] values, int offset, int n) {
                                writer.accept(timestamps, values, offset, n);
                            }
                        }));
                writer.finish();
                cursor = page.nextCursor();
                return writer.rows();
            }

            /** A page gathered from every instance, as blocks of points. */
            private int writeGathered(VectorSchemaRoot root, SeriesQueries.ScanRequest request) {
                SeriesQueries.ScanPage page = pages.page(SeriesQueries.SCAN, request);
                int row = 0;
                for (SeriesQueries.Block block : page.blocks()) {
                    Integer device = deviceIndex.get(block.deviceId());
                    if (device == null) {
                        continue; // a series begun after the stream did: its device is not in the dictionary sent
                    }
                    SeriesArrow.writeFlightPoints(root, row, device, block.timestamps(), block.values(), 0,
                            block.timestamps().length);
                    row += block.timestamps().length;
                }
                FlightBatches.finish(root, row);
                cursor = page.nextCursor();
                return row;
            }

            @Override
            public void close() {
                if (dictionaries != null) {
                    SeriesArrow.close(dictionaries);
                    dictionaries = null;
                }
            }
        };
    }
}
