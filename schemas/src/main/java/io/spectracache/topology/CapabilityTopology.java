package io.spectracache.topology;

/**
 * The streams half of a capability: what it adds to the one Kafka Streams topology of an instance. Every
 * capability attaches the same way, through a {@link TopologyContext}, so the composer, the tests and any future
 * capability call the same method.
 *
 * <pre>{@code
 * TopologyContext context = TopologyContext.builder(streamsBuilder).topicPrefix("spectra.").meters(registry)
 *         .partitionsOf(spec -> 4).build();
 * new IngestTopology(IngestSettings.defaults()).addTo(context);      // provides context.events()
 * new DeviceStateTopology().addTo(context);                         // consumes them
 * Topology topology = streamsBuilder.build();
 * }</pre>
 *
 * <p>Contract: name every operator, store and internal topic explicitly (prefixed with the capability's name), so
 * that internal topic names never shift when this or another capability changes; never read {@code spectra.events}
 * again, attach to {@link TopologyContext#events()} instead.
 */
@FunctionalInterface
public interface CapabilityTopology {
    /** Adds this capability's sources, processors, stores and sinks. Called once per topology. */
    void addTo(TopologyContext context);
}
