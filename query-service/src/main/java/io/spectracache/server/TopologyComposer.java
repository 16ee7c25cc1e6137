package io.spectracache.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.capability.Capability;
import io.spectracache.topics.TopicSpec;
import io.spectracache.topology.TopologyContext;
import java.util.List;
import java.util.Properties;
import java.util.function.ToIntFunction;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;

/**
 * Builds the one Kafka Streams topology of an instance: every capability attaches itself, in list order, through
 * the same {@link io.spectracache.topology.CapabilityTopology#addTo} the tests call.
 */
final class TopologyComposer {
    private TopologyComposer() {
    }

    /**
     * @param partitionsOf      the partition count of each contract topic: events already on the partition their key
     *                          hashes to skip a repartition, and misplaced cache writes get re-routed
     * @param streamsProperties the properties the topology will run with (topology-level settings come from them)
     */
    static Topology compose(List<Capability> capabilities, SpectraConfig config, MeterRegistry registry,
                            ToIntFunction<TopicSpec<?, ?>> partitionsOf, Properties streamsProperties) {
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(streamsProperties)));
        TopologyContext context = TopologyContext.builder(builder)
                .topicPrefix(config.topicPrefix())
                .meters(registry)
                .partitionsOf(partitionsOf)
                .build();
        for (Capability capability : capabilities) {
            capability.topology(config).addTo(context);
        }
        return builder.build();
    }
}
