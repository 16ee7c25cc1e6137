package io.spectracache.health;

import static java.util.Objects.requireNonNull;

/**
 * Whether an instance can serve queries, and why not: what {@code GET /health/ready} answers.
 *
 * @param state  the Kafka Streams state, or {@code LIVE} for the liveness answer
 * @param detail a sentence for the operator
 */
public record Readiness(boolean ready, String state, String detail) {
    public Readiness {
        requireNonNull(state, "state");
        requireNonNull(detail, "detail");
    }
}
