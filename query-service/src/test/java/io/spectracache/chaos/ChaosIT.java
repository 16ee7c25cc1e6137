package io.spectracache.chaos;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spectracache.consistency.ConsistencyToken;
import io.spectracache.devices.DeviceState;
import io.spectracache.devicestate.DeviceStateTopology;
import io.spectracache.keyvalue.KeyValueTopology;
import io.spectracache.keyvalue.KvEntry;
import io.spectracache.serialization.Json;
import io.spectracache.serialization.WireWriters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proof of issue 6: real processes, not threads. A KRaft cluster of one controller and three brokers
 * (replication 3, min ISR 2), two SpectraCache instances started from the runnable jar, a producer of device
 * events with known content and a client of the REST cache recording every acknowledged write; meanwhile an
 * instance is {@code kill -9}ed every few seconds (each in turn) and restarted on its data directory, and every third
 * time the broker that leads the most partitions is {@code kill -9}ed and restarted instead.
 *
 * <p>At the end everything is reconciled against an independent computation from the input topics read
 * {@code read_committed}: every device's event count and latest values exactly (nothing lost, nothing counted
 * twice), every acknowledged cache write in the log and the last write of every key in the cache, and every
 * store equal to its changelog.
 *
 * <p>The short run (about 75 s of chaos) is part of {@code mvn verify}; {@code -Dchaos.minutes=10} runs longer.
 * The figures are printed and written to {@code target/chaos-report.md}; RELIABILITY.md records them.
 */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.MINUTES)
class ChaosIT {
    private static final String APP = "chaos";
    private static final String RAW = "spectra.events.raw";
    private static final String KV_WRITES = "spectra.kv.writes";
    private static final int DEVICES = 64;
    private static final int KEYS = 32;
    private static final int EVENTS_PER_SECOND = 200;
    private static final Duration INSTANCE_RECOVERY_LIMIT = Duration.ofSeconds(90);

    private final Duration chaosTime = Duration.ofSeconds(Math.round(
            Double.parseDouble(System.getProperty("chaos.minutes", "1.25")) * 60));
    private final Duration pause = Duration.ofMillis(Long.getLong("chaos.pause.ms", 3_000));

    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final List<InstanceProcess> instances = new CopyOnWriteArrayList<>();
    private final Set<InstanceProcess> down = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> figures = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<Long> instanceRecoveries = new CopyOnWriteArrayList<>();
    private final List<Long> brokerRecoveries = new CopyOnWriteArrayList<>();
    private final List<Long> brokerResyncs = new CopyOnWriteArrayList<>();
    private final List<Ack> cacheAcks = new CopyOnWriteArrayList<>();

    @Test
    void shouldCountEveryEventOnceAndKeepEveryAcknowledgedWriteWhileInstancesAndBrokersAreKilled() throws Exception {
        Path root = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "chaos-");
        long started = System.nanoTime();
        try (KafkaCluster kafka = KafkaCluster.start(root, 3); Admin admin = kafka.admin()) {
            figures.put("cluster start ms", millisSince(started));
            Map<String, String> settings = Map.of(
                    "spectracache.application.id", APP,
                    "spectracache.topic.replication.factor", "3",
                    "spectracache.commit.interval.ms", "200");
            for (String name : List.of("instance-a", "instance-b")) {
                instances.add(InstanceProcess.of(name, root, kafka.bootstrapServers(), settings));
            }
            try {
                instances.forEach(InstanceProcess::start);
                for (InstanceProcess instance : instances) {
                    assertThat(instance.awaitReady(Duration.ofSeconds(180))).as("%s ready; log:\n%s", instance, instance.logTail()).isTrue();
                }
                figures.put("instances ready ms", millisSince(started));

                EventWriter events = new EventWriter(kafka.bootstrapServers());
                CacheClient cache = new CacheClient();
                Thread eventThread = new Thread(events, "chaos-events");
                Thread cacheThread = new Thread(cache, "chaos-cache");
                eventThread.start();
                cacheThread.start();

                runChaos(kafka, admin);

                writing.set(false);
                eventThread.join(60_000);
                cacheThread.join(60_000);
                events.close();
                for (InstanceProcess instance : instances) {
                    assertThat(instance.awaitReady(INSTANCE_RECOVERY_LIMIT)).as("%s ready after the chaos", instance).isTrue();
                }
                figures.put("events sent", events.sent.get());
                figures.put("events acknowledged", events.acknowledged.get());
                figures.put("events failed", events.failed.get());
                figures.put("duplicates sent", events.duplicates.get());
                figures.put("malformed sent", events.malformed.get());
                figures.put("unkeyed sent", events.unkeyed.get());
                figures.put("cache writes acknowledged", (long) cacheAcks.size());
                figures.put("cache writes not acknowledged", cache.failed.get());

                reconcile(kafka);
            } finally {
                writing.set(false);
                instances.forEach(InstanceProcess::close);
            }
        } finally {
            figures.put("total ms", millisSince(started));
            report();
            if (figuresClean() && !Boolean.getBoolean("chaos.keep")) {
                deleteQuietly(root);
            } else {
                System.out.println("chaos: logs and data kept in " + root);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- chaos

    private void runChaos(KafkaCluster kafka, Admin admin) throws Exception {
        long end = System.nanoTime() + chaosTime.toNanos();
        Random random = new Random(7);
        int round = 0;
        long instanceKills = 0;
        long brokerKills = 0;
        while (System.nanoTime() < end) {
            KafkaCluster.sleep(pause.toMillis());
            round++;
            if (round % 3 == 2) { // rounds 2, 5, 8, ...: a broker; the others: each instance in turn
                int broker = kafka.brokerLeadingMost(admin, List.of(RAW, KV_WRITES, APP + "-device-state-changelog"));
                long killed = System.nanoTime();
                kafka.killBroker(broker);
                brokerKills++;
                KafkaCluster.sleep(2_000 + random.nextInt(3_000));
                kafka.startBroker(broker);
                brokerRecoveries.add(millisSince(killed));
                long resync = System.nanoTime();
                while (!KafkaCluster.fullyReplicated(admin, List.of(RAW, KV_WRITES)) && millisSince(resync) < 60_000) {
                    KafkaCluster.sleep(200);
                }
                brokerResyncs.add(millisSince(killed));
            } else {
                InstanceProcess victim = instances.get((int) (instanceKills % instances.size()));
                down.add(victim);
                long killed = System.nanoTime();
                victim.kill();
                instanceKills++;
                victim.start();
                boolean back = victim.awaitReady(INSTANCE_RECOVERY_LIMIT);
                long recovery = millisSince(killed);
                down.remove(victim);
                assertThat(back).as("%s answers again within %s after kill -9; log:\n%s", victim, INSTANCE_RECOVERY_LIMIT,
                        victim.logTail()).isTrue();
                instanceRecoveries.add(recovery);
            }
        }
        figures.put("instance kills", instanceKills);
        figures.put("broker kills", brokerKills);
        assertThat(instanceKills).as("instances killed").isPositive();
        assertThat(brokerKills).as("brokers killed").isPositive();
    }

    // ---------------------------------------------------------------------------------------------------- writers

    /** Device events with known content: unique event ids, strictly increasing time per device. */
    private final class EventWriter implements Runnable, AutoCloseable {
        final AtomicLong sent = new AtomicLong();
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
        final AtomicLong malformed = new AtomicLong();
        final AtomicLong unkeyed = new AtomicLong();
        private final KafkaProducer<String, String> producer;
        private final Random random = new Random(42);
        private final long[] sequence = new long[DEVICES];
        private final String[] last = new String[DEVICES];
        private final long base = Instant.now().minusSeconds(60).toEpochMilli();

        EventWriter(String bootstrapServers) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
            producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
        }

        @Override
        public void run() {
            long next = System.nanoTime();
            long interval = TimeUnit.SECONDS.toNanos(1) / EVENTS_PER_SECOND;
            while (writing.get()) {
                int d = random.nextInt(DEVICES);
                String device = deviceId(d);
                String value;
                double roll = random.nextDouble();
                if (roll < 0.01) {
                    value = "{\"deviceId\":\"" + device + "\",\"ts\":"; // cut short: dead-lettered, never counted
                    malformed.incrementAndGet();
                } else if (roll < 0.03 && last[d] != null) {
                    value = last[d]; // a verbatim resend: same eventId, counted once
                    duplicates.incrementAndGet();
                } else {
                    long seq = ++sequence[d];
                    Instant ts = Instant.ofEpochMilli(base + seq * 10 + d);
                    value = "{\"deviceId\":\"" + device + "\",\"ts\":\"" + ts + "\",\"eventId\":\"" + device + "-" + seq
                            + "\",\"metrics\":{\"seq\":" + seq + ",\"temp\":" + (seq % 97) / 4.0 + "}}";
                    last[d] = value;
                }
                // One in ten without a key: those take the repartition hop to their device's partition.
                String key = random.nextInt(10) == 0 ? null : device;
                if (key == null) {
                    unkeyed.incrementAndGet();
                }
                sent.incrementAndGet();
                producer.send(new ProducerRecord<>(RAW, key, value), (metadata, error) -> {
                    if (error == null) {
                        acknowledged.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                });
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    KafkaCluster.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
                }
            }
            producer.flush();
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(30));
        }
    }

    /** One acknowledged cache write: the value (null for a delete) and where Kafka put it. */
    private record Ack(String key, String value, ConsistencyToken token) {
    }

    /** A REST client of the cache: PUTs and DELETEs at whichever instance runs, recording what was acknowledged. */
    private final class CacheClient implements Runnable {
        final AtomicLong failed = new AtomicLong();
        private final Random random = new Random(11);

        @Override
        public void run() {
            long n = 0;
            while (writing.get()) {
                String key = "key-" + random.nextInt(KEYS);
                InstanceProcess target = instances.get(random.nextInt(instances.size()));
                if (down.contains(target)) {
                    target = instances.stream().filter(i -> !down.contains(i)).findFirst().orElse(target);
                }
                boolean delete = random.nextInt(20) == 0;
                String value = delete ? null : key + "=w" + (++n);
                HttpRequest.Builder request = HttpRequest.newBuilder(target.uri("/v1/kv/" + key));
                request = delete ? request.DELETE()
                        : request.header("Content-Type", "text/plain").PUT(HttpRequest.BodyPublishers.ofString(value, UTF_8));
                HttpResponse<String> response = target.send(request);
                if (response != null && response.statusCode() == 200) {
                    try {
                        String token = Json.mapper().readTree(response.body()).get("token").asText();
                        cacheAcks.add(new Ack(key, value, ConsistencyToken.decode(token)));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                } else {
                    failed.incrementAndGet();
                    KafkaCluster.sleep(50);
                }
                KafkaCluster.sleep(10);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- reconcile

    /** What the raw input says a device's state must be, computed here from the topic, independently. */
    private record Expected(long eventCount, Instant lastSeen, Map<String, Double> latestMetrics) {
    }

    private void reconcile(KafkaCluster kafka) throws Exception {
        Map<String, Map<String, JsonNode>> eventsById = new TreeMap<>();
        read(kafka, RAW, (key, value) -> {
            JsonNode event;
            try {
                event = Json.mapper().readTree(value);
            } catch (IOException malformed) {
                return; // the cut-short events: dead-lettered by ingest, counted by nobody
            }
            eventsById.computeIfAbsent(event.get("deviceId").asText(), d -> new HashMap<>()).put(event.get("eventId").asText(), event);
        });
        Map<String, Expected> expected = new TreeMap<>();
        eventsById.forEach((device, byId) -> {
            JsonNode newest = byId.values().stream().max((x, y) -> Instant.parse(x.get("ts").asText())
                    .compareTo(Instant.parse(y.get("ts").asText()))).orElseThrow();
            Map<String, Double> metrics = new TreeMap<>();
            newest.get("metrics").fields().forEachRemaining(m -> metrics.put(m.getKey(), m.getValue().asDouble()));
            expected.put(device, new Expected(byId.size(), Instant.parse(newest.get("ts").asText()), metrics));
        });
        figures.put("distinct events in the input", expected.values().stream().mapToLong(Expected::eventCount).sum());

        // Wait until the state has caught up with the whole input (the last instance restarted is still working).
        long converging = System.nanoTime();
        Map<String, JsonNode> states = Map.of();
        while (millisSince(converging) < 180_000) {
            states = deviceStates(expected.keySet());
            if (countsMatch(expected, states)) {
                break;
            }
            KafkaCluster.sleep(500);
        }
        figures.put("converged after ms", millisSince(converging));

        long lost = 0;
        long duplicated = 0;
        long wrongLatest = 0;
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Expected> entry : expected.entrySet()) {
            JsonNode state = states.get(entry.getKey());
            Expected want = entry.getValue();
            long counted = state == null ? 0 : state.get("eventCount").asLong();
            lost += Math.max(0, want.eventCount() - counted);
            duplicated += Math.max(0, counted - want.eventCount());
            if (state == null || !Instant.parse(state.get("lastSeen").asText()).equals(want.lastSeen())
                    || !latestMetrics(state).equals(want.latestMetrics())) {
                wrongLatest++;
                problems.add(entry.getKey() + ": expected " + want + ", got " + state);
            }
        }
        figures.put("events lost", lost);
        figures.put("events duplicated", duplicated);
        figures.put("devices with wrong latest values", wrongLatest);

        // Every store equals its changelog: the last committed record of every key, read back like a restore would.
        Map<String, DeviceState> changelog = new TreeMap<>();
        read(kafka, APP + "-" + DeviceStateTopology.STORE.name() + "-changelog", (key, value) -> changelog.put(
                new String(key, UTF_8), value == null ? null : DeviceStateTopology.STORE.valueSerde().deserializer().deserialize("", value)));
        long storeVsChangelog = 0;
        for (String device : expected.keySet()) {
            DeviceState logged = changelog.get(device);
            JsonNode state = states.get(device);
            if (logged == null || state == null || !Json.mapper().readTree(WireWriters.deviceState(logged)).equals(state)) {
                storeVsChangelog++;
                problems.add(device + ": store " + state + " but changelog " + logged);
            }
        }
        figures.put("device states differing from their changelog", storeVsChangelog);

        reconcileCache(kafka, problems);

        problems.stream().limit(20).forEach(problem -> System.out.println("chaos problem: " + problem));
        assertThat(lost).as("events lost").isZero();
        assertThat(duplicated).as("events counted twice").isZero();
        assertThat(wrongLatest).as("devices whose latest values differ from the input").isZero();
        assertThat(storeVsChangelog).as("device states differing from their changelog").isZero();
        assertThat(figures.get("acknowledged cache writes missing from kv.writes")).isZero();
        assertThat(figures.get("cache keys differing from the last write in kv.writes")).isZero();
        assertThat(figures.get("cache keys not at their last acknowledged write")).isZero();
        assertThat(figures.get("cache entries differing from their changelog")).isZero();
        assertThat(instanceRecoveries).allMatch(ms -> ms < INSTANCE_RECOVERY_LIMIT.toMillis());
    }

    private void reconcileCache(KafkaCluster kafka, List<String> problems) throws Exception {
        // The independent computation: kv.writes itself, in partition order, the last record of a key winning.
        Map<String, String> lastWritten = new TreeMap<>();
        Map<String, Long> lastOffset = new HashMap<>();
        Map<TopicPartition, Map<Long, String[]>> byOffset = new HashMap<>();
        readWithPositions(kafka, KV_WRITES, record -> {
            String key = new String(record.key(), UTF_8);
            String value = record.value() == null ? null : new String(record.value(), UTF_8);
            lastWritten.put(key, value);
            lastOffset.put(key, record.offset());
            byOffset.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), tp -> new HashMap<>())
                    .put(record.offset(), new String[] {key, value});
        });
        // Gathered by the one writer thread in acknowledgement order; per key that is also write order.
        List<Ack> acks = List.copyOf(cacheAcks);
        long missing = 0;
        Map<String, Ack> lastAck = new HashMap<>();
        for (Ack ack : acks) {
            String[] found = byOffset.getOrDefault(new TopicPartition(ack.token().topic(), ack.token().partition()), Map.of())
                    .get(ack.token().offset());
            if (found == null || !found[0].equals(ack.key()) || !java.util.Objects.equals(found[1], ack.value())) {
                missing++;
                problems.add("acknowledged " + ack + " not in kv.writes at its offset");
            }
            lastAck.put(ack.key(), ack);
        }
        long differing = 0;
        long notLastAck = 0;
        long superseded = 0;
        long changelogDiffers = 0;
        Map<String, KvEntry> changelog = new TreeMap<>();
        read(kafka, APP + "-" + KeyValueTopology.STORE.name() + "-changelog", (key, value) -> changelog.put(
                new String(key, UTF_8), value == null ? null : KeyValueTopology.STORE.valueSerde().deserializer().deserialize("", value)));
        for (String key : lastWritten.keySet()) {
            String cached = cachedValue(key);
            String want = lastWritten.get(key);
            if (!java.util.Objects.equals(cached, want)) {
                differing++;
                problems.add(key + ": cache has " + cached + ", kv.writes ends with " + want);
            }
            Ack ack = lastAck.get(key);
            if (ack != null && !java.util.Objects.equals(ack.value(), cached)) {
                if (lastOffset.get(key) > ack.token().offset()) {
                    superseded++; // a write whose answer was lost (its instance was killed) landed after it
                } else {
                    notLastAck++;
                    problems.add(key + ": cache has " + cached + " but the last acknowledged write was " + ack);
                }
            }
            KvEntry logged = changelog.get(key);
            String loggedValue = logged == null ? null : new String(logged.value(), UTF_8);
            if (!java.util.Objects.equals(loggedValue, cached)) {
                changelogDiffers++;
                problems.add(key + ": cache has " + cached + " but its changelog " + loggedValue);
            }
        }
        figures.put("acknowledged cache writes missing from kv.writes", missing);
        figures.put("cache keys differing from the last write in kv.writes", differing);
        figures.put("cache keys not at their last acknowledged write", notLastAck);
        figures.put("cache keys superseded by a later unacknowledged write", superseded);
        figures.put("cache entries differing from their changelog", changelogDiffers);
    }

    private String cachedValue(String key) {
        for (int attempt = 0; attempt < 20; attempt++) {
            InstanceProcess instance = instances.get(attempt % instances.size());
            HttpResponse<String> response = instance.get("/v1/kv/" + URLEncoder.encode(key, UTF_8));
            if (response != null && response.statusCode() == 200) {
                return response.body();
            }
            if (response != null && response.statusCode() == 404) {
                return null;
            }
            KafkaCluster.sleep(500);
        }
        throw new IllegalStateException("no instance answers for " + key);
    }

    private Map<String, JsonNode> deviceStates(Set<String> devices) {
        Map<String, JsonNode> states = new TreeMap<>();
        int i = 0;
        for (String device : devices) {
            InstanceProcess instance = instances.get(i++ % instances.size());
            HttpResponse<String> response = instance.get("/v1/devices/" + device);
            if (response != null && response.statusCode() == 200) {
                try {
                    states.put(device, Json.mapper().readTree(response.body()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return states;
    }

    private static boolean countsMatch(Map<String, Expected> expected, Map<String, JsonNode> states) {
        return expected.entrySet().stream().allMatch(e -> states.containsKey(e.getKey())
                && states.get(e.getKey()).get("eventCount").asLong() == e.getValue().eventCount());
    }

    private static Map<String, Double> latestMetrics(JsonNode state) {
        Map<String, Double> metrics = new TreeMap<>();
        state.get("metrics").fields().forEachRemaining(m -> metrics.put(m.getKey(), m.getValue().get("value").asDouble()));
        return metrics;
    }

    private static void read(KafkaCluster kafka, String topic, BiConsumer<byte[], byte[]> each) {
        readWithPositions(kafka, topic, record -> each.accept(record.key(), record.value()));
    }

    /** The whole topic as a {@code read_committed} consumer sees it, up to its end when the read began. */
    private static void readWithPositions(KafkaCluster kafka, String topic,
                                          java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end " + end);
                }
                consumer.poll(Duration.ofMillis(500)).forEach(each);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- report

    private boolean figuresClean() {
        return figures.entrySet().stream().filter(e -> e.getKey().contains("lost") || e.getKey().contains("duplicated")
                || e.getKey().contains("differing") || e.getKey().contains("missing") || e.getKey().contains("wrong")
                || e.getKey().contains("not at")).allMatch(e -> e.getValue() == 0)
                && figures.containsKey("events lost");
    }

    private void report() {
        StringBuilder text = new StringBuilder("# Chaos run, " + Instant.now() + "\n\n| figure | value |\n| --- | --- |\n");
        text.append("| chaos time s | ").append(chaosTime.toSeconds()).append(" |\n");
        figures.forEach((name, value) -> text.append("| ").append(name).append(" | ").append(value).append(" |\n"));
        text.append("| instance recovery (kill -9 → ready) ms p50 / max | ").append(percentiles(instanceRecoveries)).append(" |\n");
        text.append("| broker back (kill -9 → registered) ms p50 / max | ").append(percentiles(brokerRecoveries)).append(" |\n");
        text.append("| broker back in sync (kill -9 → full ISR) ms p50 / max | ").append(percentiles(brokerResyncs)).append(" |\n");
        text.append("\ninstance recoveries ms: ").append(instanceRecoveries).append("\n");
        System.out.println(text);
        try {
            Files.writeString(Path.of("target", "chaos-report.md"), text.toString(), UTF_8);
        } catch (IOException e) {
            System.out.println("could not write target/chaos-report.md: " + e);
        }
    }

    private static String percentiles(List<Long> values) {
        if (values.isEmpty()) {
            return "-";
        }
        List<Long> sorted = values.stream().sorted().collect(Collectors.toList());
        return sorted.get((sorted.size() - 1) / 2) + " / " + sorted.get(sorted.size() - 1) + " (n=" + sorted.size() + ")";
    }

    private static String deviceId(int d) {
        return String.format(Locale.ROOT, "dev-%03d", d);
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a directory left under target/ is harmless
        }
    }
}
