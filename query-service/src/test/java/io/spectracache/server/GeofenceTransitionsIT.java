package io.spectracache.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spectracache.chaos.InstanceProcess;
import io.spectracache.serialization.Json;
import io.spectracache.spatial.GeofenceTransition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Geofence transitions end to end (issue 10): scripted tracks of several devices through a fence, across a rebalance
 * (one of two instances stops), a restart (it comes back on its data directory), a replay of every raw event and a late
 * copy of each, and the fence's deletion. {@code spectra.geofence.transitions}, read with {@code read_committed}, holds
 * exactly the expected enters and exits: none duplicated, none lost, each device's in event-time order. A second
 * test kills an instance running as its own process (SIGKILL) mid-track and has another join mid-track.
 */
@Tag("integration")
@Timeout(value = 12, unit = java.util.concurrent.TimeUnit.MINUTES)
class GeofenceTransitionsIT {
    private static final String PORT = "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
            + "[[[9.90,53.52],[9.96,53.52],[9.96,53.55],[9.90,53.55],[9.90,53.52]]]},\"properties\":{\"name\":\"Hamburg port\"}}";
    private static final int DEVICES = 10;
    private static final int STEPS = 12;
    private static final long T0 = Instant.now().minus(Duration.ofHours(1)).toEpochMilli();

    /** Whether device d is inside the fence at step s: a different pattern per device. */
    private static boolean inside(int d, int s) {
        return ((s + d) / (1 + d % 3)) % 2 == 0;
    }

    private static String device(int d) {
        return "ship-" + d;
    }

    private static long ts(int s) {
        return T0 + s * 10_000L;
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, int d, int s, long at, String eventId) {
        double lat = inside(d, s) ? 53.53 + d * 0.001 : 53.60 + d * 0.001;
        String json = "{\"deviceId\":\"" + device(d) + "\",\"ts\":" + at + ",\"eventId\":\"" + eventId + "\","
                + "\"location\":{\"lat\":" + lat + ",\"lon\":9.93}}";
        producer.send(new ProducerRecord<>("spectra.events.raw", device(d).getBytes(UTF_8), json.getBytes(UTF_8)));
    }

    private static void steps(TestCluster cluster, int from, int to) {
        try (KafkaProducer<byte[], byte[]> producer = cluster.rawProducer()) {
            for (int s = from; s < to; s++) {
                for (int d = 0; d < DEVICES; d++) {
                    send(producer, d, s, ts(s), "s" + s);
                }
            }
            producer.flush();
        }
    }

    /** What the transitions topic must hold for steps [0, upTo), per device, in order. */
    private static Map<String, List<String>> expected(int upTo, boolean deleted) {
        Map<String, List<String>> expected = new TreeMap<>();
        for (int d = 0; d < DEVICES; d++) {
            List<String> transitions = new ArrayList<>();
            boolean in = false;
            for (int s = 0; s < upTo; s++) {
                if (inside(d, s) != in) {
                    in = inside(d, s);
                    transitions.add((in ? "enter@" : "exit@") + s);
                }
            }
            if (deleted && in) {
                transitions.add("exit@" + (upTo - 1) + " fence-deleted");
            }
            expected.put(device(d), transitions);
        }
        return expected;
    }

    /** What this test's consumer read so far (JUnit makes one instance per test). */
    private final List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();

    /** Positions already read: a record the test's consumer is handed again (after its own group rebalanced) counts once. */
    private final java.util.Set<String> positions = new java.util.HashSet<>();

    private Map<String, List<String>> written(KafkaConsumer<byte[], byte[]> consumer) throws Exception {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
            if (positions.add(record.partition() + "@" + record.offset())) {
                read.add(record);
            }
        }
        Map<String, List<String>> seen = new TreeMap<>();
        for (int d = 0; d < DEVICES; d++) {
            seen.put(device(d), new ArrayList<>());
        }
        for (ConsumerRecord<byte[], byte[]> record : read) {
            GeofenceTransition t = Json.mapper().readValue(record.value(), GeofenceTransition.class);
            assertThat(new String(record.key(), UTF_8)).isEqualTo(t.deviceId());
            assertThat(record.timestamp()).isEqualTo(t.ts().toEpochMilli());
            seen.get(t.deviceId()).add(t.transition() + "@" + (t.ts().toEpochMilli() - T0) / 10_000
                    + (t.cause().equals(GeofenceTransition.CAUSE_POSITION) ? "" : " " + t.cause()));
        }
        return seen;
    }

    private void awaitTransitions(KafkaConsumer<byte[], byte[]> consumer, Map<String, List<String>> expected) {
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(written(consumer)).isEqualTo(expected));
    }

    private static TreeSet<String> insideAt(int step) {
        TreeSet<String> in = new TreeSet<>();
        for (int d = 0; d < DEVICES; d++) {
            if (inside(d, step)) {
                in.add(device(d));
            }
        }
        return in;
    }

    private static TreeSet<String> members(int port) {
        JsonNode answer = SpatialIT.json(TestCluster.get(port, "/v1/geofences/port/devices"));
        TreeSet<String> ids = new TreeSet<>();
        answer.get("features").forEach(feature -> ids.add(feature.get("id").asText()));
        return ids;
    }

    @Test
    void shouldWriteEveryTransitionExactlyOnceAcrossARebalanceARestartAReplayAndTheFencesDeletion() throws Exception {
        try (TestCluster cluster = new TestCluster("geofence-it");
             KafkaConsumer<byte[], byte[]> consumer = cluster.committedConsumer("transitions-reader")) {
            Map<String, Object> settingsA = cluster.instanceSettings("a");
            SpectraCache a = cluster.startInstance(settingsA);
            SpectraCache b = cluster.startInstance(cluster.instanceSettings("b"));
            try {
                consumer.subscribe(List.of("spectra.geofence.transitions"));
                HttpResponseAssert.ok(TestCluster.put(a.restPort(), "/v1/geofences/port", PORT, "application/geo+json"));
                String token = SpatialIT.json(TestCluster.put(a.restPort(), "/v1/geofences/port", PORT,
                        "application/geo+json")).get("token").asText();
                for (int port : List.of(a.restPort(), b.restPort())) {
                    JsonNode fence = SpatialIT.json(TestCluster.get(port, "/v1/geofences/port?after=" + token));
                    assertThat(fence.get("id").asText()).isEqualTo("port");
                    assertThat(fence.get("properties").get("name").asText()).isEqualTo("Hamburg port");
                    JsonNode list = SpatialIT.json(TestCluster.get(port, "/v1/geofences?after=" + token));
                    assertThat(list.get("features")).hasSize(1);
                    assertThat(list.get("total").asInt()).isEqualTo(1);
                }

                steps(cluster, 0, 4);
                awaitTransitions(consumer, expected(4, false));
                await().atMost(Duration.ofSeconds(30)).until(() -> members(b.restPort()).equals(insideAt(3)));
                JsonNode ship = SpatialIT.json(TestCluster.get(b.restPort(), "/v1/devices/" + device(0) + "/geofences"));
                assertThat(ship.get("geofences")).hasSize(inside(0, 3) ? 1 : 0);

                a.close(); // a rebalance: b takes every partition
                steps(cluster, 4, 7);
                awaitTransitions(consumer, expected(7, false));

                a = cluster.startInstance(settingsA); // a restart on its data directory, and a rebalance back
                steps(cluster, 7, STEPS);
                awaitTransitions(consumer, expected(STEPS, false));
                SpectraCache restarted = a;
                await().atMost(Duration.ofSeconds(60)).until(() -> members(restarted.restPort()).equals(insideAt(STEPS - 1))
                        && members(b.restPort()).equals(insideAt(STEPS - 1)));

                // A replay: every raw event again (duplicates, dropped), and a late copy of each (older: not applied).
                try (KafkaProducer<byte[], byte[]> producer = cluster.rawProducer()) {
                    for (int s = 0; s < STEPS; s++) {
                        for (int d = 0; d < DEVICES; d++) {
                            send(producer, d, s, ts(s), "s" + s);
                            send(producer, d, STEPS - 1 - s, ts(s) - Duration.ofMinutes(30).toMillis(), "late" + s);
                        }
                    }
                    producer.flush();
                }
                HttpResponseAssert.ok(TestCluster.delete(b.restPort(), "/v1/geofences/port"));
                awaitTransitions(consumer, expected(STEPS, true));
                // Nothing more arrives later: no duplicate of anything above.
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(written(consumer)).isEqualTo(expected(STEPS, true)));
                assertThat(TestCluster.metric(b.restPort(), "spectra_spatial_geofence_transitions_total{cause=\"fence-deleted\","
                        + "transition=\"exit\"}") + TestCluster.metric(restarted.restPort(),
                        "spectra_spatial_geofence_transitions_total{cause=\"fence-deleted\",transition=\"exit\"}"))
                        .isEqualTo(insideAt(STEPS - 1).size());
                assertThat(TestCluster.get(b.restPort(), "/v1/geofences/port").statusCode()).isEqualTo(404);
            } finally {
                a.close();
                b.close();
            }
        }
    }

    /**
     * Regression for transitions lost or written twice when an instance dies between processing a position and
     * committing it: instance {@code a} runs as its own OS process and is killed with SIGKILL right after a batch of
     * steps was sent (its open transaction is aborted, the restarted process fences the old producer and processes the
     * batch again), then comes back on its data directory; later a second instance joins mid-track and takes half the
     * partitions. The transitions topic, read committed, holds exactly the expected sequence per device.
     */
    @Test
    void shouldNeitherLoseNorDuplicateATransitionWhenAnInstanceIsKilledMidTrackOrAnotherJoins() throws Exception {
        try (TestCluster cluster = new TestCluster("geofence-kill-it");
             KafkaConsumer<byte[], byte[]> consumer = cluster.committedConsumer("transitions-kill-reader")) {
            Map<String, String> processSettings = Map.of(
                    SpectraConfig.APPLICATION_ID_CONFIG, cluster.applicationId,
                    SpectraConfig.TOPIC_PARTITIONS_CONFIG, "4",
                    SpectraConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
            InstanceProcess a = InstanceProcess.of("a", cluster.root, cluster.kafka.bootstrapServers(), processSettings);
            SpectraCache b = null;
            try {
                a.start();
                assertThat(a.awaitReady(Duration.ofSeconds(240))).as("a ready; log:\n%s", a.logTail()).isTrue();
                consumer.subscribe(List.of("spectra.geofence.transitions"));
                HttpResponseAssert.ok(TestCluster.put(a.restPort(), "/v1/geofences/port", PORT, "application/geo+json"));
                steps(cluster, 0, 3);
                awaitTransitions(consumer, expected(3, false));

                // A hard kill while the next steps are being processed: whatever a had not committed is aborted.
                steps(cluster, 3, 6);
                a.kill();
                assertThat(a.isAlive()).isFalse();
                a.start(); // same data directory and port: a static member, back before its session times out
                assertThat(a.awaitReady(Duration.ofSeconds(240))).as("a ready after the kill; log:\n%s", a.logTail())
                        .isTrue();
                awaitTransitions(consumer, expected(6, false));

                // A rebalance: b joins mid-track and takes half the partitions while positions keep coming.
                steps(cluster, 6, 8);
                b = cluster.startInstance(cluster.instanceSettings("b"));
                steps(cluster, 8, STEPS);
                awaitTransitions(consumer, expected(STEPS, false));
                SpectraCache joined = b;
                await().atMost(Duration.ofSeconds(60)).until(() -> members(joined.restPort()).equals(insideAt(STEPS - 1))
                        && members(a.restPort()).equals(insideAt(STEPS - 1)));
                // Nothing more arrives later: no duplicate of anything above.
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(written(consumer)).isEqualTo(expected(STEPS, false)));
            } finally {
                if (b != null) {
                    b.close();
                }
                a.close();
            }
        }
    }

    /** Asserts a 200 with a readable message otherwise. */
    private static final class HttpResponseAssert {
        static void ok(java.net.http.HttpResponse<String> response) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
    }
}
