package io.spectracache.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.broker.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The floor application against a real broker, exactly-once, read back by interactive queries as the benchmark does. */
@Tag("integration")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FloorAppIT {

    @TempDir
    Path dir;

    @Test
    void shouldAnswerEveryDevicesCompleteCountByInteractiveQueriesUnderExactlyOnce() throws Exception {
        Events events = Events.generate(4_000, 40, 3L, Instant.now());
        String topic = "bench.floor.events";
        try (EmbeddedKafka broker = EmbeddedKafka.start(Files.createDirectories(dir.resolve("kafka")), 0, 0, Map.of());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(4), Optional.of((short) 1)))).all().get(60, TimeUnit.SECONDS);
            FloorApp.Settings settings = new FloorApp.Settings(broker.bootstrapServers(), "floor-it", topic, dir.resolve("streams"),
                    2, 200, StreamsConfig.EXACTLY_ONCE_V2, -1, Map.of());
            try (FloorApp floor = FloorApp.start(settings)) {
                assertThat(floor.awaitRunning(Duration.ofSeconds(90))).isTrue();
                assertThat(floor.count(events.deviceIds()[0])).as("no state before any event").isEqualTo(-1);
                try (Producer<byte[], byte[]> producer = ProduceRun.producer(ProduceRun.tunedProducer(broker.bootstrapServers(), "floor-it"))) {
                    ProduceRun.send(producer, topic, events, 0, events.size());
                }
                String[] ids = events.deviceIds();
                Queryable.Walk walk = Queryable.awaitCounts(ids, events.eventsPerDevice(), Duration.ofSeconds(90), message -> { },
                        new Queryable.Probe() {
                            @Override
                            public long count(int device) {
                                return floor.count(ids[device]);
                            }

                            @Override
                            public String lastAnswer() {
                                return "IQ";
                            }
                        }, Thread::sleep);

                assertThat(walk.overcounted()).isZero();
                FloorApp.Reading last = FloorApp.parse(events.value(events.size() - 1));
                assertThat(floor.latest(ids[ids.length - 1]).metrics()).isEqualTo(last.metrics());
            }
        }
    }
}
