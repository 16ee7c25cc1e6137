package io.spectracache.topology;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.spectracache.events.DeviceEvent;
import io.spectracache.topics.TopicSpec;
import java.util.function.ToIntFunction;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;

/**
 * What a {@link CapabilityTopology} gets to attach itself: the builder, the deployment's topic prefix, where to
 * register meters, the partition counts of the contract topics, and the validated event stream.
 *
 * <p>The validated event stream is provided by the ingest capability, which therefore comes first on the list of
 * capabilities; every capability that folds device events attaches to it (same sub-topology, no second read of
 * {@code spectra.events}). The stream is partitioned by device id: a processor on it needs no repartition.
 *
 * <p>Not thread-safe; used while one topology is built.
 */
public final class TopologyContext {
    private final StreamsBuilder builder;
    private final String topicPrefix;
    private final MeterRegistry meters;
    private final ToIntFunction<TopicSpec<?, ?>> partitions;
    private KStream<String, DeviceEvent> events;

    private TopologyContext(Builder b) {
        this.builder = requireNonNull(b.builder, "builder");
        this.topicPrefix = requireNonNull(b.topicPrefix, "topicPrefix");
        this.meters = requireNonNull(b.meters, "meters");
        this.partitions = requireNonNull(b.partitions, "partitionsOf");
    }

    /** Starts a context over {@code builder}; topic prefix, meters and partition counts are required. */
    public static Builder builder(StreamsBuilder builder) {
        return new Builder(requireNonNull(builder, "builder"));
    }

    /** The builder of the one topology. */
    public StreamsBuilder streams() {
        return builder;
    }

    /** The deployment's topic prefix, such as {@code "spectra."}. */
    public String topicPrefix() {
        return topicPrefix;
    }

    /** The full name of a contract topic in this deployment. */
    public String topicName(TopicSpec<?, ?> topic) {
        return topic.name(topicPrefix);
    }

    /** Where a capability registers its meters. */
    public MeterRegistry meters() {
        return meters;
    }

    /**
     * The partition count of a contract topic, or 0 when unknown (a topology built for a test that does not care):
     * capabilities that check where records sit skip the check then.
     */
    public int partitionsOf(TopicSpec<?, ?> topic) {
        return partitions.applyAsInt(topic);
    }

    /**
     * The validated, de-duplicated device events, keyed and partitioned by device id.
     *
     * @throws IllegalStateException if no capability provided them yet (ingest must come first)
     */
    public KStream<String, DeviceEvent> events() {
        if (events == null) {
            throw new IllegalStateException("no validated event stream yet: the ingest capability must be added first");
        }
        return events;
    }

    /**
     * Called by the ingest capability with the stream it validated; once.
     *
     * @throws IllegalStateException if a stream was provided already
     */
    public void provideEvents(KStream<String, DeviceEvent> validated) {
        if (events != null) {
            throw new IllegalStateException("the validated event stream was provided already");
        }
        events = requireNonNull(validated, "validated");
    }

    /** Builds a {@link TopologyContext}. */
    public static final class Builder {
        private final StreamsBuilder builder;
        private String topicPrefix = "spectra.";
        private MeterRegistry meters;
        private ToIntFunction<TopicSpec<?, ?>> partitions = topic -> 0;

        private Builder(StreamsBuilder builder) {
            this.builder = builder;
        }

        /** Default {@code "spectra."}. */
        public Builder topicPrefix(String prefix) {
            this.topicPrefix = requireNonNull(prefix, "prefix");
            return this;
        }

        /** Required. */
        public Builder meters(MeterRegistry registry) {
            this.meters = requireNonNull(registry, "registry");
            return this;
        }

        /** Default: unknown (0) for every topic. */
        public Builder partitionsOf(ToIntFunction<TopicSpec<?, ?>> partitionsOf) {
            this.partitions = requireNonNull(partitionsOf, "partitionsOf");
            return this;
        }

        public TopologyContext build() {
            return new TopologyContext(this);
        }
    }
}
