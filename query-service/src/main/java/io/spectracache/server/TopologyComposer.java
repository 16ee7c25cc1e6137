package io.spectracache.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.devicestate.DeviceStateTopology;
import io.spectracache.events.DeviceEvent;
import io.spectracache.ingest.IngestSettings;
import io.spectracache.ingest.IngestTopology;
import io.spectracache.keyvalue.KeyValueSettings;
import io.spectracache.keyvalue.KeyValueTopology;
import java.time.Duration;
import io.spectracache.topics.TopicSpec;
import io.spectracache.topics.Topics;
import java.util.Properties;
import java.util.function.ToIntFunction;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;

/**
 * Wires the capability topologies into one Kafka Streams topology: ingest first, then every capability that
 * consumes validated events attaches to ingest's stream (no extra topic hop), then the key-value cache.
 * Tests build the same topology with the same call.
 */
public final class TopologyComposer {
    private TopologyComposer() {
    }

    /**
     * @param partitionsOf      the partition count of each input topic: events already on the partition their key
     *                          hashes to skip a repartition, and misplaced cache writes get re-routed
     * @param streamsProperties the properties the topology will run with (topology-level settings come from them)
     */
    public static Topology compose(SpectraConfig config, MeterRegistry registry, ToIntFunction<TopicSpec<?, ?>> partitionsOf,
                                   Properties streamsProperties) {
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(streamsProperties)));
        KStream<String, DeviceEvent> events = new IngestTopology(ingestSettings(config).withRawPartitions(partitionsOf.applyAsInt(Topics.EVENTS_RAW)),
                config.topicPrefix(), registry).addTo(builder);
        new DeviceStateTopology().addTo(events);
        new KeyValueTopology(keyValueSettings(config).withWritesPartitions(partitionsOf.applyAsInt(Topics.KV_WRITES)), config.topicPrefix(), registry).addTo(builder);
        return builder.build();
    }

    static IngestSettings ingestSettings(SpectraConfig config) {
        return new IngestSettings(
                config.getInt(SpectraConfig.INGEST_MAX_EVENT_BYTES_CONFIG),
                Duration.ofMillis(config.getLong(SpectraConfig.INGEST_DEDUP_WINDOW_MS_CONFIG)),
                Duration.ofMillis(config.getLong(SpectraConfig.INGEST_MAX_PAST_MS_CONFIG)),
                Duration.ofMillis(config.getLong(SpectraConfig.INGEST_MAX_FUTURE_MS_CONFIG)));
    }

    static KeyValueSettings keyValueSettings(SpectraConfig config) {
        return KeyValueSettings.defaults()
                .withPurgeInterval(Duration.ofMillis(config.getLong(SpectraConfig.KV_PURGE_INTERVAL_MS_CONFIG)))
                .withMaxValueBytes(config.getInt(SpectraConfig.KV_MAX_VALUE_BYTES_CONFIG));
    }
}
