package io.spectracache.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.docs.MeterDocumentation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.capability.Capability;
import io.spectracache.topics.StoreSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/** The one list of capabilities holds together: what each declares exists, once, and is documented. */
class CapabilitiesTest {

    @Test
    void shouldStartWithIngestBecauseItProvidesTheValidatedEvents() {
        assertThat(Capabilities.ALL.get(0).name()).isEqualTo("ingest");
    }

    @Test
    void shouldGiveEveryCapabilityAUniqueName() {
        Set<String> names = new HashSet<>();
        Capabilities.ALL.forEach(capability -> assertThat(names.add(capability.name())).as(capability.name()).isTrue());
    }

    @Test
    void shouldBuildEveryQueryableStoreIntoTheTopology() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "capabilities-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        Topology topology = TopologyComposer.compose(Capabilities.ALL, SpectraConfig.of(Map.of()), new SimpleMeterRegistry(),
                topic -> 4, props);
        Set<String> built = new HashSet<>();
        for (TopologyDescription.Subtopology subtopology : topology.describe().subtopologies()) {
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Processor processor) {
                    built.addAll(processor.stores());
                }
            }
        }
        assertThat(built).containsAll(Capabilities.queryableStores(Capabilities.ALL).stream().map(StoreSpec::name).toList());
    }

    @Test
    void shouldDocumentEveryMeterOfEveryCapabilityInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (Capability capability : Capabilities.ALL) {
            List<MeterDocumentation> meters = capability.meters();
            for (MeterDocumentation meter : meters) {
                assertThat(readme).as("README names %s's meter %s", capability.name(), meter.getName())
                        .contains(meter.getName().replace('.', '_'));
            }
        }
        assertThat(Capabilities.ALL.stream().mapToInt(capability -> capability.meters().size()).sum())
                .as("meters declared by the capabilities").isGreaterThanOrEqualTo(8);
    }
}
