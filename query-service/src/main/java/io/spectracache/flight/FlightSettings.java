package io.spectracache.flight;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of the Arrow Flight endpoint.
 *
 * @param port the port Flight listens on (0: any free port), or -1: no Flight endpoint
 */
public record FlightSettings(int port) {
    public static final String PORT_CONFIG = "spectracache.flight.port";
    public static final String PORT_DOC = "The port of the Arrow Flight endpoint (grpc+tcp, on the REST host), the bulk "
            + "read path: device states and key-value entries as Arrow record batches. 0: any free port; -1: no "
            + "Flight endpoint.";
    public static final int PORT_DEFAULT = 7071;

    public FlightSettings {
        if (port < -1 || port > 65535) {
            throw new IllegalArgumentException("port must be -1..65535, was " + port);
        }
    }

    /** Adds these settings to {@code def}; returns {@code def}. */
    public static ConfigDef define(ConfigDef def) {
        return def.define(PORT_CONFIG, Type.INT, PORT_DEFAULT, Range.between(-1, 65535), Importance.MEDIUM, PORT_DOC);
    }

    public static FlightSettings from(AbstractConfig config) {
        return new FlightSettings(config.getInt(PORT_CONFIG));
    }

    public boolean enabled() {
        return port >= 0;
    }
}
