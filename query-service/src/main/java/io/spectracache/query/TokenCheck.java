package io.spectracache.query;

import io.spectracache.consistency.ConsistencyToken;

/**
 * Decides, before any wait, whether a consistency token can be one a write returned. A token that cannot (a topic
 * this deployment does not use, a partition it does not have, an offset past the partition's end) would otherwise
 * hold a request thread for the whole wait and then fail anyway.
 */
@FunctionalInterface
public interface TokenCheck {
    /** Accepts every token (tests, and deployments that opt out). */
    TokenCheck NONE = token -> { };

    /**
     * @throws io.spectracache.errors.InvalidRequestException if the token cannot be one a write returned
     */
    void check(ConsistencyToken token);
}
