package io.spectracache.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.events.DeviceEvent;
import io.spectracache.timeseries.TimeSeriesSettings;
import io.spectracache.timeseries.TimeSeriesTopology;
import io.spectracache.timeseries.codec.Chunk;
import io.spectracache.topics.Topics;
import io.spectracache.topology.TopologyContext;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.Test;

class SealedPointsTest {

    @Test
    void shouldSealAChunkEveryMaxPointsAndKeepTheRestOpen() {
        SealedPoints sealed = new SealedPoints(120, 7_200_000);
        for (int i = 0; i < 1_000; i++) {
            sealed.add("d\u0000temp", 1_000L * i);
        }

        assertThat(sealed.sealedChunks()).isEqualTo(8);
        assertThat(sealed.sealedPoints()).isEqualTo(960);
        assertThat(sealed.openPoints()).isEqualTo(40);
        assertThat(sealed.points()).isEqualTo(1_000);
    }

    @Test
    void shouldSealBeforeAPointThatLiesAChunkSpanAfterTheChunksFirst() {
        SealedPoints sealed = new SealedPoints(120, 60_000);
        sealed.add("s", 0);
        sealed.add("s", 30_000);
        sealed.add("s", 59_999);   // still inside the span
        sealed.add("s", 60_000);   // a span after the first: the three before are sealed, this one opens a chunk

        assertThat(sealed.sealedChunks()).isEqualTo(1);
        assertThat(sealed.sealedPoints()).isEqualTo(3);
        assertThat(sealed.openPoints()).isEqualTo(1);
    }

    @Test
    void shouldMeasureTheSpanFromTheFirstPointOfTheChunkAfterAFullOne() {
        // Regression: after a chunk sealed full, the next chunk's span must start at its own first point, not at the
        // sealed chunk's first, or every point after a full chunk would seal a chunk of one.
        SealedPoints sealed = new SealedPoints(2, 100);
        sealed.add("s", 0);
        sealed.add("s", 10);       // full: sealed
        sealed.add("s", 150);      // first of the next chunk (150 is > 100 after 0, but the chunk is new)
        sealed.add("s", 160);      // full again

        assertThat(sealed.sealedChunks()).isEqualTo(2);
        assertThat(sealed.sealedPoints()).isEqualTo(4);
    }

    @Test
    void shouldKeepSeriesApart() {
        SealedPoints sealed = new SealedPoints(2, 1_000);
        sealed.add("a", 1);
        sealed.add("b", 1);
        sealed.add("a", 2);

        assertThat(sealed.series()).isEqualTo(2);
        assertThat(sealed.sealedPoints()).isEqualTo(2);
        assertThat(sealed.openPoints()).isEqualTo(1);
    }

    @Test
    void shouldRejectPointsOutOfOrderBecauseLateMergesAreNotModelled() {
        SealedPoints sealed = new SealedPoints(120, 1_000);
        sealed.add("s", 10);

        assertThatThrownBy(() -> sealed.add("s", 10)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in-order");
        assertThatThrownBy(() -> sealed.add("s", 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SealedPoints(1, 1_000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCountTheSamePointsInSealedChunksAsTheTimeSeriesProcessorStores() {
        // The bench divides RocksDB's size of timeseries-raw by this model's sealed points: it must match the processor.
        TimeSeriesSettings settings = TimeSeriesSettings.defaults().withChunkMaxPoints(20);
        SealedPoints model = new SealedPoints(settings.chunkMaxPoints(), settings.chunkMaxSpan().toMillis());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        StreamsBuilder builder = new StreamsBuilder();
        TopologyContext context = TopologyContext.builder(builder).meters(meters).build();
        context.provideEvents(builder.stream(context.topicName(Topics.EVENTS),
                Consumed.with(Topics.EVENTS.keySerde(), Topics.EVENTS.valueSerde())));
        new TimeSeriesTopology(settings).addTo(context);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "sealed-points-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        // Every device about every 10 minutes, so some chunks are sealed by their 2 h span and others by their size.
        SeriesData.Fleet fleet = new SeriesData.Fleet(30, 5, 600_000, 4_000, Instant.parse("2026-11-30T12:00:00Z"));
        long sealedPoints = 0;
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props,
                Instant.ofEpochMilli(fleet.startMillis()))) {
            TestInputTopic<String, DeviceEvent> input = driver.createInputTopic(context.topicName(Topics.EVENTS),
                    Topics.EVENTS.keySerde().serializer(), Topics.EVENTS.valueSerde().serializer());
            fleet.forEach((device, t, key, value, metrics) -> {
                String id = fleet.deviceIds().get(device);
                metrics.keySet().forEach(metric -> model.add(id + '\u0000' + metric, t));
                input.pipeInput(id, DeviceEvent.of(id, Instant.ofEpochMilli(t), metrics), Instant.ofEpochMilli(t));
            });
            WindowStore<Bytes, Chunk> raw = driver.getWindowStore(TimeSeriesTopology.RAW_STORE.name());
            try (KeyValueIterator<Windowed<Bytes>, Chunk> all = raw.all()) {
                while (all.hasNext()) {
                    KeyValue<Windowed<Bytes>, Chunk> chunk = all.next();
                    sealedPoints += chunk.value.size();
                }
            }
        }

        assertThat(model.sealedChunks()).as("some chunks sealed").isPositive();
        assertThat(meters.get("spectra.timeseries.chunks.sealed").counter().count()).isEqualTo(model.sealedChunks());
        assertThat(sealedPoints).isEqualTo(model.sealedPoints());
        assertThat(model.openPoints()).isPositive();
    }
}
