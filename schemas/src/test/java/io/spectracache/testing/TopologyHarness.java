package io.spectracache.testing;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.topics.TopicSpec;
import io.spectracache.topics.Topics;
import io.spectracache.topology.CapabilityTopology;
import io.spectracache.topology.TopologyContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;

/**
 * A {@link TopologyTestDriver} over capabilities attached exactly as the server attaches them (the same
 * {@link CapabilityTopology#addTo}), with its own state directory, removed on {@link #close()}.
 *
 * <pre>{@code
 * try (TopologyHarness harness = TopologyHarness.of(new IngestTopology(settings), new DeviceStateTopology())
 *         .meters(registry).startingAt(NOW).build()) {
 *     harness.input(Topics.EVENTS_RAW).pipeInput(bytes);
 * }
 * }</pre>
 */
public final class TopologyHarness implements AutoCloseable {
    private final TopologyTestDriver driver;
    private final Topology topology;
    private final String topicPrefix;
    private final Path stateDir;

    private TopologyHarness(TopologyTestDriver driver, Topology topology, String topicPrefix, Path stateDir) {
        this.driver = driver;
        this.topology = topology;
        this.topicPrefix = topicPrefix;
        this.stateDir = stateDir;
    }

    /**
     * A stand-in for ingest in tests of the capabilities after it: reads {@code spectra.events} (source
     * {@code events-source}) and provides it as the validated event stream.
     */
    public static CapabilityTopology validatedEventsFromTopic() {
        return context -> context.provideEvents(context.streams().stream(context.topicName(Topics.EVENTS),
                Consumed.with(Topics.EVENTS.keySerde(), Topics.EVENTS.valueSerde()).withName("events-source")));
    }

    /** A harness over {@code capabilities}, attached in this order. */
    public static Builder of(CapabilityTopology... capabilities) {
        return new Builder(List.of(capabilities));
    }

    public TopologyTestDriver driver() {
        return driver;
    }

    public Topology topology() {
        return topology;
    }

    /** An input topic of the contract, with its own serdes. */
    public <K, V> TestInputTopic<K, V> input(TopicSpec<K, V> topic) {
        return driver.createInputTopic(topic.name(topicPrefix), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    /** An output topic of the contract, with its own serdes. */
    public <K, V> TestOutputTopic<K, V> output(TopicSpec<K, V> topic) {
        return driver.createOutputTopic(topic.name(topicPrefix), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }

    /** An output topic read with other serdes than the contract's. */
    public <K, V> TestOutputTopic<K, V> output(TopicSpec<?, ?> topic, Serde<K> keys, Serde<V> values) {
        return driver.createOutputTopic(topic.name(topicPrefix), keys.deserializer(), values.deserializer());
    }

    @Override
    public void close() {
        driver.close();
        try (var paths = Files.walk(stateDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind does not change any result
        }
    }

    /** Builds a {@link TopologyHarness}. */
    public static final class Builder {
        private final List<CapabilityTopology> capabilities;
        private final List<Consumer<TopologyContext>> extras = new ArrayList<>();
        private final Properties properties = new Properties();
        private MeterRegistry meters = new SimpleMeterRegistry();
        private ToIntFunction<TopicSpec<?, ?>> partitions = topic -> 0;
        private String topicPrefix = "spectra.";
        private Instant start = Instant.now();
        private String applicationId = "harness-" + UUID.randomUUID();

        private Builder(List<CapabilityTopology> capabilities) {
            this.capabilities = capabilities;
        }

        public Builder meters(MeterRegistry registry) {
            this.meters = requireNonNull(registry, "registry");
            return this;
        }

        /** Partition counts of the contract topics, for capabilities that check where records sit. */
        public Builder partitionsOf(ToIntFunction<TopicSpec<?, ?>> partitionsOf) {
            this.partitions = requireNonNull(partitionsOf, "partitionsOf");
            return this;
        }

        public Builder topicPrefix(String prefix) {
            this.topicPrefix = requireNonNull(prefix, "prefix");
            return this;
        }

        /** The application id, which prefixes internal topic names (changelogs, repartition topics). */
        public Builder applicationId(String id) {
            this.applicationId = requireNonNull(id, "id");
            return this;
        }

        /** The driver's initial wall-clock time. */
        public Builder startingAt(Instant wallClock) {
            this.start = requireNonNull(wallClock, "wallClock");
            return this;
        }

        /** A Streams property for the driver (exception handlers, for example). */
        public Builder property(String key, Object value) {
            properties.put(key, value);
            return this;
        }

        /** Streams properties for the driver. */
        public Builder properties(java.util.Map<?, ?> values) {
            properties.putAll(values);
            return this;
        }

        /** Something a test attaches after the capabilities, with the same context (a probe on the events, say). */
        public Builder then(Consumer<TopologyContext> attach) {
            extras.add(requireNonNull(attach, "attach"));
            return this;
        }

        public TopologyHarness build() {
            Path stateDir;
            try {
                stateDir = Files.createTempDirectory("topology-harness-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            StreamsBuilder builder = new StreamsBuilder();
            TopologyContext context = TopologyContext.builder(builder).topicPrefix(topicPrefix).meters(meters)
                    .partitionsOf(partitions).build();
            capabilities.forEach(capability -> capability.addTo(context));
            extras.forEach(extra -> extra.accept(context));
            Topology topology = builder.build();
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            props.putAll(properties);
            return new TopologyHarness(new TopologyTestDriver(topology, props, start), topology, topicPrefix, stateDir);
        }
    }
}
