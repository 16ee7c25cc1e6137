package io.spectracache.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spectracache.serialization.Json;
import io.spectracache.topics.KvWriteHeaders;
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
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Arrow Flight (issue 8, item 7), with the Arrow Flight Java client as the outside witness: two instances, every
 * read sent to the second, whatever it owns; the data written through the first (REST) and through Kafka.
 */
@Tag("integration")
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class FlightIT {
    private static final int DEVICES = 30;
    private static final int ENTRIES = 25_000;
    private static TestCluster cluster;
    private static SpectraCache first;
    private static SpectraCache second;
    private static BufferAllocator allocator;
    private static FlightClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new TestCluster("flight-it");
        first = cluster.startInstance(cluster.instanceSettings("a"));
        second = cluster.startInstance(cluster.instanceSettings("b"));
        assertThat(second.flightPort()).isPositive();
        await().atMost(Duration.ofSeconds(60)).until(() -> TestCluster.get(first.restPort(), "/health/ready").statusCode() == 200
                && TestCluster.get(second.restPort(), "/health/ready").statusCode() == 200
                && !TestCluster.get(second.restPort(), "/v1/kv?limit=1").body().contains("\"partial\":true"));
        allocator = new RootAllocator();
        client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", second.flightPort())).build();

        Instant now = Instant.now();
        try (KafkaProducer<byte[], byte[]> producer = cluster.rawProducer()) {
            for (int d = 0; d < DEVICES; d++) {
                String json = "{\"deviceId\":\"truck-" + String.format("%02d", d) + "\",\"ts\":\"" + now + "\",\"eventId\":\"e" + d
                        + "\",\"tenant\":\"acme\",\"metrics\":{\"temp\":" + d + ".5,\"speed\":" + (d * 2) + "}}";
                producer.send(new ProducerRecord<>("spectra.events.raw", json.getBytes(UTF_8)));
            }
            // Enough entries for several record batches, written to Kafka as the REST PUT writes them.
            for (int i = 0; i < ENTRIES; i++) {
                producer.send(new ProducerRecord<>("spectra.kv.writes", null, System.currentTimeMillis(),
                        ("k-" + String.format("%05d", i)).getBytes(UTF_8), ("v" + i).getBytes(UTF_8),
                        List.of(new RecordHeader(KvWriteHeaders.CONTENT_TYPE, "text/plain".getBytes(UTF_8)))));
            }
            producer.flush();
        }
        HttpResponse<String> binary = TestCluster.put(first.restPort(), "/v1/kv/blob", "\u0000\u00ff", "application/octet-stream");
        assertThat(binary.statusCode()).isBetween(200, 204);
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

    @Test
    void shouldListEveryDatasetWithItsSchemaAndADescriptorThatWorksAsIs() {
        // Each metric's series is listed once its first points are stored: the events sent in start() may still be on
        // their way when this test runs first.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(this::assertListed);
    }

    private void assertListed() {
        List<String> listed = new ArrayList<>();
        for (FlightInfo info : client.listFlights(org.apache.arrow.flight.Criteria.ALL)) {
            listed.add(new String(info.getDescriptor().getCommand(), UTF_8));
            assertThat(info.getSchema().getFields()).isNotEmpty();
            assertThat(client.getInfo(info.getDescriptor()).getEndpoints()).isNotEmpty();
        }
        assertThat(listed).containsExactlyInAnyOrder("{\"dataset\":\"device-states\"}", "{\"dataset\":\"kv-entries\"}",
                "{\"dataset\":\"geo-positions\"}", "{\"dataset\":\"geo-query\",\"limit\":\"1000\",\"maxLat\":\"90\","
                        + "\"maxLon\":\"180\",\"minLat\":\"-90\",\"minLon\":\"-180\",\"shape\":\"box\"}",
                "{\"dataset\":\"series\",\"from\":\"-1h\",\"metric\":\"speed\",\"to\":\"now\"}",
                "{\"dataset\":\"series\",\"from\":\"-1h\",\"metric\":\"temp\",\"to\":\"now\"}",
                "{\"agg\":\"avg,min,max,p95\",\"dataset\":\"series-buckets\",\"from\":\"-1h\",\"metric\":\"speed\",\"step\":\"1m\",\"to\":\"now\"}",
                "{\"agg\":\"avg,min,max,p95\",\"dataset\":\"series-buckets\",\"from\":\"-1h\",\"metric\":\"temp\",\"step\":\"1m\",\"to\":\"now\"}",
                "{\"dataset\":\"distinct\",\"from\":\"-1d\",\"name\":\"devices\",\"step\":\"1h\"}",
                "{\"dataset\":\"topk\",\"from\":\"-1h\",\"k\":\"10\",\"name\":\"noisiest-devices\"}");
    }

    @Test
    void shouldSendTheClientToEveryOwnerWithTicketsThatCoverEachPartitionOnce() throws Exception {
        FlightInfo info = client.getInfo(FlightDescriptor.command("{\"dataset\":\"kv-entries\"}".getBytes(UTF_8)));
        Set<Location> owners = new HashSet<>();
        List<Integer> partitions = new ArrayList<>();
        for (FlightEndpoint endpoint : info.getEndpoints()) {
            owners.addAll(endpoint.getLocations());
            JsonNode ticket = Json.mapper().readTree(endpoint.getTicket().getBytes());
            for (String partition : ticket.get("partitions").asText().split(",")) {
                partitions.add(Integer.parseInt(partition));
            }
        }
        assertThat(owners).as("both instances own partitions, so both are named")
                .containsExactlyInAnyOrder(Location.forGrpcInsecure("127.0.0.1", first.flightPort()),
                        Location.forGrpcInsecure("127.0.0.1", second.flightPort()));
        assertThat(partitions).containsExactlyInAnyOrder(0, 1, 2, 3);
    }

    @Test
    void shouldRefuseAPartThatIsNotOwnedHereSoThatNoRowIsReadTwiceOrMissed() throws Exception {
        FlightInfo info = client.getInfo(FlightDescriptor.command("{\"dataset\":\"kv-entries\"}".getBytes(UTF_8)));
        FlightEndpoint elsewhere = info.getEndpoints().stream()
                .filter(endpoint -> !endpoint.getLocations().contains(Location.forGrpcInsecure("127.0.0.1", second.flightPort())))
                .findFirst().orElseThrow();
        assertThatThrownBy(() -> drain(elsewhere.getTicket()))
                .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(CallStatus.UNAVAILABLE.code());
                    assertThat(e.getMessage()).contains("no longer all active on this instance");
                });
    }

    @Test
    void shouldStreamEveryDeviceStateFromEveryInstanceWithItsMetricsAsAMap() {
        Map<String, Long> counts = new TreeMap<>();
        List<String> order = new ArrayList<>();
        Map<String, Object> truck07Metrics = new TreeMap<>();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            counts.clear();
            order.clear();
            FlightInfo info = client.getInfo(FlightDescriptor.command("{\"dataset\":\"device-states\",\"prefix\":\"truck-\"}".getBytes(UTF_8)));
            for (FlightEndpoint endpoint : info.getEndpoints()) {
                try (FlightClient owner = FlightClient.builder(allocator, endpoint.getLocations().get(0)).build();
                     FlightStream stream = owner.getStream(endpoint.getTicket())) {
                    while (stream.next()) {
                        VectorSchemaRoot root = stream.getRoot();
                        VarCharVector ids = (VarCharVector) root.getVector("deviceId");
                        BigIntVector eventCounts = (BigIntVector) root.getVector("eventCount");
                        MapVector metrics = (MapVector) root.getVector("metrics");
                        for (int row = 0; row < root.getRowCount(); row++) {
                            String id = new String(ids.get(row), UTF_8);
                            counts.put(id, eventCounts.get(row));
                            order.add(id);
                            if (id.equals("truck-07")) {
                                truck07Metrics.put("entries", String.valueOf(metrics.getObject(row)));
                            }
                        }
                    }
                }
            }
            assertThat(counts).hasSize(DEVICES);
        });
        assertThat(counts.values()).containsOnly(1L);
        assertThat(order).as("each device once").doesNotHaveDuplicates();
        assertThat(truck07Metrics.get("entries").toString()).contains("temp").contains("7.5").contains("speed").contains("14.0");
    }

    @Test
    void shouldStreamTheWholeCacheInSeveralBatchesWithBinaryValuesIntact() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            int rows = 0;
            int batches = 0;
            byte[] blob = null;
            try (FlightStream stream = client.getStream(new Ticket("{\"dataset\":\"kv-entries\"}".getBytes(UTF_8)))) {
                while (stream.next()) {
                    batches++;
                    VectorSchemaRoot root = stream.getRoot();
                    VarCharVector keys = (VarCharVector) root.getVector("key");
                    VarBinaryVector values = (VarBinaryVector) root.getVector("value");
                    for (int row = 0; row < root.getRowCount(); row++) {
                        if (new String(keys.get(row), UTF_8).equals("blob")) {
                            blob = values.get(row);
                        }
                    }
                    rows += root.getRowCount();
                }
            }
            assertThat(rows).isEqualTo(ENTRIES + 1);
            assertThat(batches).isGreaterThan(1);
            assertThat(blob).isEqualTo("\u0000\u00ff".getBytes(UTF_8));
        });
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Set<String> keys = new HashSet<>();
            int rows = 0;
            FlightInfo info = client.getInfo(FlightDescriptor.command("{\"dataset\":\"kv-entries\"}".getBytes(UTF_8)));
            for (FlightEndpoint endpoint : info.getEndpoints()) {
                try (FlightClient owner = FlightClient.builder(allocator, endpoint.getLocations().get(0)).build();
                     FlightStream stream = owner.getStream(endpoint.getTicket())) {
                    while (stream.next()) {
                        VarCharVector batchKeys = (VarCharVector) stream.getRoot().getVector("key");
                        for (int row = 0; row < stream.getRoot().getRowCount(); row++) {
                            keys.add(new String(batchKeys.get(row), UTF_8));
                            rows++;
                        }
                    }
                }
            }
            assertThat(rows).as("the owners' parts together, each row once").isEqualTo(ENTRIES + 1);
            assertThat(keys).hasSize(ENTRIES + 1);
        });
        assertThat(TestCluster.metric(second.restPort(), "spectra_flight_rows_total{dataset=\"kv-entries\"}"))
                .isGreaterThanOrEqualTo(ENTRIES + 1);
        assertThat(TestCluster.metric(second.restPort(),
                "spectra_flight_streams_total{dataset=\"kv-entries\",outcome=\"completed\"}")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void shouldAnswerABadTicketWithInvalidArgumentAndASentenceThatSaysWhatToDo() {
        assertThatThrownBy(() -> drain(new Ticket("not json".getBytes(UTF_8))))
                .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(CallStatus.INVALID_ARGUMENT.code());
                    assertThat(e.getMessage()).contains("not a JSON object").contains("device-states");
                });
        assertThatThrownBy(() -> drain(new Ticket("{\"dataset\":\"serie\"}".getBytes(UTF_8))))
                .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(CallStatus.INVALID_ARGUMENT.code());
                    assertThat(e.getMessage()).contains("unknown dataset \"serie\"").contains("kv-entries");
                });
        assertThatThrownBy(() -> drain(new Ticket("{\"dataset\":\"series\"}".getBytes(UTF_8))))
                .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(CallStatus.INVALID_ARGUMENT.code());
                    assertThat(e.getMessage()).contains("\"metric\" is required");
                });
        assertThatThrownBy(() -> client.getInfo(FlightDescriptor.command("{\"dataset\":\"kv-entries\",\"limit\":\"5\"}".getBytes(UTF_8))))
                .isInstanceOfSatisfying(FlightRuntimeException.class, e ->
                        assertThat(e.getMessage()).contains("unknown parameter \"limit\"").contains("prefix"));
    }

    private static void drain(Ticket ticket) throws Exception {
        try (FlightStream stream = client.getStream(ticket)) {
            while (stream.next()) {
                stream.getRoot().getRowCount();
            }
        }
    }
}
