package io.spectracache.routing;

import static java.util.Objects.requireNonNull;

import org.apache.kafka.streams.state.HostInfo;

/**
 * One SpectraCache instance as others reach it: its advertised host and REST port, which is also its Kafka Streams
 * {@code application.server}. {@link #toString()} is {@code host:port}, the form used in headers, logs and
 * {@code failedInstances}.
 */
public record Instance(String host, int port) {
    public Instance {
        requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
    }

    /** The instance Kafka Streams' metadata names. */
    public static Instance of(HostInfo host) {
        return new Instance(host.host(), host.port());
    }

    /** As Kafka Streams names it. */
    public HostInfo hostInfo() {
        return new HostInfo(host, port);
    }

    @Override
    public String toString() {
        return host + ':' + port;
    }
}
