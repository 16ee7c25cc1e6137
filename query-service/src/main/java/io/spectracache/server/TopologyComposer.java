package io.spectracache.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.devicestate.DeviceStateTopology;
import io.spectracache.events.DeviceEvent;
import io.spectracache.ingest.IngestSettings;
import io.spectracache.ingest.IngestTopology;
import io.spectracache.keyvalue.KeyValueSettings;
import io.spectracache.keyvalue.KeyValueTopology;
import java.time.Duration;
import java.util.Properties;
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
     * @param kvWritesPartitions the partition count of {@code kv.writes}, so misplaced cache writes get re-routed
     * @param streamsProperties  the properties the topology will run with (topology-level settings come from them)
     */
    public static Topology compose(SpectraConfig config, MeterRegistry registry, int kvWritesPartitions,
                                   Properties streamsProperties) {
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(streamsProperties)));
        KStream<String, DeviceEvent> events = new IngestTopology(ingestSettings(config), config.topicPrefix(), registry).addTo(builder);
        new DeviceStateTopology().addTo(events);
        new KeyValueTopology(keyValueSettings(config).withWritesPartitions(kvWritesPartitions), config.topicPrefix(), registry).addTo(builder);
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
