package io.spectracache.routing;

import static java.util.Objects.requireNonNull;

/**
 * Where the active copy of a key lives: an instance (its REST host and port) and the store partition.
 *
 * @param local whether that instance is this one
 */
public record Owner(Instance host, int partition, boolean local) {
    public Owner {
        requireNonNull(host, "host");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must not be negative");
        }
    }
}
