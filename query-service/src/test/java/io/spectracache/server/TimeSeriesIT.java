package io.spectracache.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spectracache.serialization.Json;
import io.spectracache.timeseries.SeriesServing;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Time series end to end (issue 8): two instances on the in-process broker, events produced to Kafka, every read
 * sent to the second instance whatever it owns, over REST (curl's view: JSON and Arrow IPC) and over Arrow Flight with
 * the Arrow Flight Java client. Every answer is compared with what was sent.
 */
@Tag("integration")
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class TimeSeriesIT {
    private static final int DEVICES = 12;
    private static final int POINTS = 120;
    private static final long STEP_MS = 10_000;
    private static final int BACKFILL_HOURS = 48;
    private static final int MAX_JSON_POINTS = 150;
    private static TestCluster cluster;
    private static SpectraCache first;
    private static SpectraCache second;
    private static BufferAllocator allocator;
    private static FlightClient client;
    /** Every live point sent: device -> time -> temp. */
    private static final Map<String, TreeMap<Long, Double>> SENT = new TreeMap<>();
    private static long backfillStart;

    private static String device(int d) {
        return String.format("meter-%02d", d);
    }

    private static double temp(int d, int i) {
        return Math.round((d * 10 + i * 0.37 % 7) * 100) / 100.0;
    }

    @BeforeAll
    static void start() throws Exception {
        cluster = new TestCluster("timeseries-it");
        Map<String, Object> a = cluster.instanceSettings("a");
        Map<String, Object> b = cluster.instanceSettings("b");
        a.put(SeriesServing.MAX_JSON_POINTS_CONFIG, MAX_JSON_POINTS);
        b.put(SeriesServing.MAX_JSON_POINTS_CONFIG, MAX_JSON_POINTS);
        first = cluster.startInstance(a);
        second = cluster.startInstance(b);
        await().atMost(Duration.ofSeconds(60)).until(() -> TestCluster.get(first.restPort(), "/health/ready").statusCode() == 200
                && TestCluster.get(second.restPort(), "/health/ready").statusCode() == 200
                && !TestCluster.get(second.restPort(), "/v1/devices?limit=1").body().contains("\"partial\":true"));
        allocator = new RootAllocator();
        client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", second.flightPort())).build();

        long start = Instant.now().minus(Duration.ofMinutes(25)).toEpochMilli();
        backfillStart = Math.floorDiv(Instant.now().minus(Duration.ofDays(20)).toEpochMilli(), 3_600_000L) * 3_600_000L;
        try (KafkaProducer<byte[], byte[]> producer = cluster.rawProducer()) {
            for (int i = 0; i < POINTS; i++) {
                for (int d = 0; d < DEVICES; d++) {
                    long ts = start + i * STEP_MS + d;
                    SENT.computeIfAbsent(device(d), k -> new TreeMap<>()).put(ts, temp(d, i));
                    send(producer, device(d), ts, "e" + i, "\"temp\":" + temp(d, i) + ",\"speed\":" + i,
                            d % 2 == 0 ? "eu" : "us");
                }
            }
            producer.flush();
            // A gateway back online: two days of hourly readings from 20 days ago, after the live ones.
            for (int h = 0; h < BACKFILL_HOURS; h++) {
                send(producer, device(0), backfillStart + h * 3_600_000L + 1_000, "old-" + h, "\"temp\":" + (100 + h), "eu");
            }
            producer.flush();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> SENT.keySet().stream().allMatch(device -> {
            HttpResponse<String> points = TestCluster.get(second.restPort(), "/v1/devices/" + device + "/series/temp?from=-1h");
            return points.statusCode() == 200 && json(points).get("points").size() == POINTS;
        }));
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String device, long ts, String eventId,
                             String metrics, String region) {
        String json = "{\"deviceId\":\"" + device + "\",\"ts\":" + ts + ",\"eventId\":\"" + eventId
                + "\",\"tenant\":\"acme\",\"metrics\":{" + metrics + "},\"attributes\":{\"region\":\"" + region + "\"}}";
        producer.send(new ProducerRecord<>("spectra.events.raw", device.getBytes(UTF_8), json.getBytes(UTF_8)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (allocator != null) {
            allocator.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.mapper().readTree(response.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode ok(String pathAndQuery) {
        HttpResponse<String> response = TestCluster.get(second.restPort(), pathAndQuery);
        assertThat(response.statusCode()).as("%s: %s", pathAndQuery, response.body()).isEqualTo(200);
        return json(response);
    }

    @Test
    void shouldAnswerEveryRawPointOfADeviceExactlyFromTheInstanceThatDoesNotOwnIt() {
        for (Map.Entry<String, TreeMap<Long, Double>> device : SENT.entrySet()) {
            JsonNode answer = ok("/v1/devices/" + device.getKey() + "/series/temp?from=-1h&to=now");
            List<Long> times = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            answer.get("points").forEach(point -> {
                times.add(point.get(0).asLong());
                values.add(point.get(1).asDouble());
            });
            assertThat(times).containsExactlyElementsOf(device.getValue().keySet());
            assertThat(values).containsExactlyElementsOf(device.getValue().values());
        }
    }

    @Test
    void shouldListADevicesMetricsWithTheBackfillAsItsOldestPoint() {
        JsonNode answer = ok("/v1/devices/meter-00/series");
        Map<String, JsonNode> byMetric = new TreeMap<>();
        answer.get("series").forEach(series -> byMetric.put(series.get("metric").asText(), series));
        assertThat(byMetric).containsOnlyKeys("temp", "speed");
        assertThat(Instant.parse(byMetric.get("temp").get("first").asText()).toEpochMilli()).isEqualTo(backfillStart + 1_000);
        assertThat(Instant.parse(byMetric.get("speed").get("first").asText()).toEpochMilli())
                .isEqualTo(SENT.get("meter-00").firstKey());
        assertThat(TestCluster.get(second.restPort(), "/v1/devices/nobody/series").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldAggregateMinuteBucketsExactlyAsTheNaiveSumOfTheSentPoints() {
        String device = "meter-05";
        JsonNode answer = ok("/v1/devices/" + device + "/series/temp?from=-1h&step=1m&agg=count,sum,min,max,first,last");
        assertThat(answer.get("step").asText()).isEqualTo("1m");
        TreeMap<Long, List<Double>> expected = new TreeMap<>();
        SENT.get(device).forEach((ts, value) -> expected.computeIfAbsent(Math.floorDiv(ts, 60_000L) * 60_000L,
                k -> new ArrayList<>()).add(value));
        Map<Long, JsonNode> answered = new TreeMap<>();
        answer.get("buckets").forEach(bucket -> answered.put(bucket.get("start").asLong(), bucket));
        assertThat(answered.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((start, values) -> {
            JsonNode bucket = answered.get(start);
            assertThat(bucket.get("count").asLong()).isEqualTo(values.size());
            assertThat(bucket.get("sum").asDouble()).isCloseTo(values.stream().mapToDouble(Double::doubleValue).sum(), within(1e-9));
            assertThat(bucket.get("min").asDouble()).isEqualTo(values.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
            assertThat(bucket.get("max").asDouble()).isEqualTo(values.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
            assertThat(bucket.get("first").asDouble()).isEqualTo(values.get(0));
            assertThat(bucket.get("last").asDouble()).isEqualTo(values.get(values.size() - 1));
        });
    }

    @Test
    void shouldLandABackfillOfLastMonthInTheHourTierInsteadOfTheDeadLetters() {
        JsonNode answer = ok("/v1/devices/meter-00/series/temp?from=" + backfillStart + "&to="
                + (backfillStart + BACKFILL_HOURS * 3_600_000L) + "&step=1h&agg=count,avg");
        assertThat(answer.get("tier").asText()).isEqualTo("1h");
        List<Double> averages = new ArrayList<>();
        answer.get("buckets").forEach(bucket -> {
            assertThat(bucket.get("count").asLong()).isEqualTo(1);
            averages.add(bucket.get("avg").asDouble());
        });
        assertThat(averages).hasSize(BACKFILL_HOURS);
        for (int h = 0; h < BACKFILL_HOURS; h++) {
            assertThat(averages.get(h)).isEqualTo(100.0 + h);
        }
        assertThat(ok("/v1/devices/meter-00/series/temp?from=" + backfillStart + "&to=" + (backfillStart + 3_600_000L))
                .get("points")).as("older than the raw retention: not kept raw").isEmpty();
    }

    @Test
    void shouldGroupTheFleetByRegionAndMergeQuantileSketchesAcrossInstances() {
        JsonNode answer = ok("/v1/series/temp?from=-1h&agg=count,min,max,p50&groupBy=region&where=tenant:acme");
        assertThat(answer.get("partial").asBoolean()).isFalse();
        assertThat(answer.get("partitions")).hasSize(4);
        Map<String, JsonNode> groups = new TreeMap<>();
        answer.get("groups").forEach(group -> groups.put(group.get("group").asText(), group));
        assertThat(groups).containsOnlyKeys("eu", "us");
        for (String region : List.of("eu", "us")) {
            List<Double> values = new ArrayList<>();
            for (int d = region.equals("eu") ? 0 : 1; d < DEVICES; d += 2) {
                values.addAll(SENT.get(device(d)).values());
            }
            values.sort(Double::compare);
            JsonNode group = groups.get(region);
            assertThat(group.get("devices").asInt()).isEqualTo(DEVICES / 2);
            JsonNode bucket = group.get("buckets").get(0);
            assertThat(group.get("buckets")).hasSize(1);
            assertThat(bucket.get("count").asLong()).isEqualTo(values.size());
            assertThat(bucket.get("min").asDouble()).isEqualTo(values.get(0));
            assertThat(bucket.get("max").asDouble()).isEqualTo(values.get(values.size() - 1));
            double p50 = bucket.get("p50").asDouble();
            long below = values.stream().filter(v -> v <= p50).count();
            assertThat((double) below / values.size()).as("rank of the merged p50").isCloseTo(0.5, within(0.05));
        }
        assertThat(ok("/v1/series/temp?from=-1h&agg=count&devices=meter-01,meter-02").get("groups").get(0)
                .get("devices").asInt()).isEqualTo(2);
    }

    @Test
    void shouldAnswerClientMistakesWithFourHundredsThatSayWhatToChange() {
        Map<String, String> expected = Map.of(
                "/v1/devices/meter-01/series/temp?from=-1h&to=-2h", "is not after from",
                "/v1/devices/meter-01/series/temp?from=-1h&step=1m&agg=p42", "unknown aggregate \"p42\"",
                "/v1/devices/meter-01/series/temp?from=-1h&step=0s", "step: at least 1s",
                "/v1/devices/meter-01/series/temp?from=yesterday", "is not a time",
                "/v1/devices/meter-01/series/temp?from=-1h&agg=avg", "aggregates need step=",
                "/v1/series/temp?from=-1h&step=1m&groupBy=deviceId", "Arrow Flight");
        expected.forEach((query, message) -> {
            HttpResponse<String> response = TestCluster.get(second.restPort(), query);
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            assertThat(json(response).get("message").asText()).as(query).contains(message);
        });
        HttpResponse<String> unknown = TestCluster.get(second.restPort(), "/v1/devices/meter-01/series/pressure");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("message").asText()).contains("has no series pressure");
    }

    @Test
    void shouldAnswerTheSameSeriesAsAnArrowStreamWhenTheClientAcceptsIt() throws Exception {
        HttpResponse<byte[]> response = TestCluster.HTTP.send(HttpRequest.newBuilder(
                        TestCluster.uri(second.restPort(), "/v1/devices/meter-07/series/temp?from=-1h"))
                .header("Accept", "application/vnd.apache.arrow.stream").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/vnd.apache.arrow.stream");
        TreeMap<Long, Double> read = new TreeMap<>();
        try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(response.body()), allocator)) {
            while (reader.loadNextBatch()) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                for (int row = 0; row < root.getRowCount(); row++) {
                    assertThat(((VarCharVector) root.getVector("deviceId")).getObject(row).toString()).isEqualTo("meter-07");
                    read.put(((TimeStampMilliTZVector) root.getVector("timestamp")).get(row),
                            ((Float8Vector) root.getVector("value")).get(row));
                }
            }
        }
        assertThat(read).isEqualTo(SENT.get("meter-07"));
    }

    @Test
    void shouldPullEveryPointOfTheFleetFromEveryOwnerOverFlightInParallelParts() throws Exception {
        String command = "{\"dataset\":\"series\",\"metric\":\"temp\",\"from\":\"-1h\"}";
        FlightInfo info = client.getInfo(FlightDescriptor.command(command.getBytes(UTF_8)));
        Set<Location> owners = new HashSet<>();
        Map<String, TreeMap<Long, Double>> read = new TreeMap<>();
        for (FlightEndpoint endpoint : info.getEndpoints()) {
            owners.addAll(endpoint.getLocations());
            try (FlightClient owner = FlightClient.builder(allocator, endpoint.getLocations().get(0)).build()) {
                readPoints(owner, endpoint.getTicket(), read);
            }
        }
        assertThat(owners).hasSize(2);
        assertThat(read).isEqualTo(SENT);

        Map<String, TreeMap<Long, Double>> gathered = new TreeMap<>();
        readPoints(client, new Ticket(command.getBytes(UTF_8)), gathered);
        assertThat(gathered).as("DoGet of the ticket itself gathers the whole").isEqualTo(SENT);
    }

    @Test
    void shouldServeGroupedBucketsOverFlightWithOneColumnPerAggregate() throws Exception {
        String command = "{\"dataset\":\"series-buckets\",\"metric\":\"temp\",\"from\":\"-1h\",\"agg\":\"count,max\","
                + "\"groupBy\":\"region\"}";
        FlightInfo info = client.getInfo(FlightDescriptor.command(command.getBytes(UTF_8)));
        assertThat(info.getEndpoints()).as("merged across instances, so served whole").hasSize(1);
        assertThat(info.getSchema().getFields()).extracting(field -> field.getName())
                .containsExactly("group", "metric", "start", "count", "max");
        Map<String, Long> counts = new TreeMap<>();
        try (FlightStream stream = client.getStream(new Ticket(command.getBytes(UTF_8)))) {
            while (stream.next()) {
                VectorSchemaRoot root = stream.getRoot();
                for (int row = 0; row < root.getRowCount(); row++) {
                    counts.merge(((VarCharVector) root.getVector("group")).getObject(row).toString(),
                            ((BigIntVector) root.getVector("count")).get(row), Long::sum);
                }
            }
        }
        assertThat(counts).containsExactly(Map.entry("eu", (long) POINTS * DEVICES / 2), Map.entry("us", (long) POINTS * DEVICES / 2));
    }

    @Test
    void shouldRefuseABadSeriesTicketWithTheSentenceRestWouldGive() {
        String command = "{\"dataset\":\"series\",\"metric\":\"temp\",\"from\":\"yesterday\"}";
        try (FlightStream stream = client.getStream(new Ticket(command.getBytes(UTF_8)))) {
            stream.next();
            throw new AssertionError("a bad ticket was served");
        } catch (FlightRuntimeException e) {
            assertThat(e.status().code()).isEqualTo(CallStatus.INVALID_ARGUMENT.code());
            assertThat(e.getMessage()).contains("from: \"yesterday\" is not a time");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Reads a {@code series} stream as a client would: {@code deviceId} and {@code metric} come dictionary-encoded
     * (int indices into the dictionaries the stream sent first), decoded here with the stream's dictionaries.
     */
    private static void readPoints(FlightClient from, Ticket ticket, Map<String, TreeMap<Long, Double>> into) throws Exception {
        try (FlightStream stream = from.getStream(ticket)) {
            while (stream.next()) {
                VectorSchemaRoot root = stream.getRoot();
                VarCharVector devices = (VarCharVector) stream.getDictionaryProvider()
                        .lookup(root.getVector("deviceId").getField().getDictionary().getId()).getVector();
                VarCharVector metrics = (VarCharVector) stream.getDictionaryProvider()
                        .lookup(root.getVector("metric").getField().getDictionary().getId()).getVector();
                for (int row = 0; row < root.getRowCount(); row++) {
                    String device = devices.getObject(((IntVector) root.getVector("deviceId")).get(row)).toString();
                    assertThat(metrics.getObject(((TinyIntVector) root.getVector("metric")).get(row)).toString())
                            .isEqualTo("temp");
                    Double previous = into.computeIfAbsent(device, k -> new TreeMap<>())
                            .put(((TimeStampMilliTZVector) root.getVector("timestamp")).get(row),
                                    ((Float8Vector) root.getVector("value")).get(row));
                    assertThat(previous).as("no point is read twice").isNull();
                }
            }
        }
    }
}
