package io.spectracache.rest;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * How the REST server listens: address, limits, and who it answers.
 *
 * <pre>{@code RestOptions options = RestOptions.of("0.0.0.0", 7070).withMaxRequestBytes(1 << 20);}</pre>
 *
 * @param host            the address to bind ({@code 0.0.0.0}: every interface)
 * @param port            the port (0: any free port)
 * @param maxRequestBytes larger bodies are refused with 413 before they are read
 * @param maxThreads      most request threads (0: Jetty's default)
 * @param idleTimeout     how long a request may stall (a body that stops arriving) before it answers 408, and how long
 *                        an idle connection stays open
 * @param access          which clients are answered ({@link ClientAccess#protectedMode})
 */
public record RestOptions(String host, int port, long maxRequestBytes, int maxThreads, Duration idleTimeout,
                          ClientAccess access) {
    /** Request line and headers together: a 1,024-character key percent-encoded takes up to 9 KiB of the path. */
    public static final int MAX_REQUEST_HEADER_BYTES = 16 * 1024;

    public RestOptions {
        requireNonNull(host, "host");
        requireNonNull(idleTimeout, "idleTimeout");
        requireNonNull(access, "access");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (maxRequestBytes < 1) {
            throw new IllegalArgumentException("maxRequestBytes must be positive, was " + maxRequestBytes);
        }
        if (maxThreads < 0) {
            throw new IllegalArgumentException("maxThreads must be 0 (Jetty's default) or more, was " + maxThreads);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive, was " + idleTimeout);
        }
    }

    /** 1 MiB bodies, Jetty's threads, a 30 s idle timeout, protected mode with no known peers. */
    public static RestOptions of(String host, int port) {
        return new RestOptions(host, port, 1L << 20, 0, Duration.ofSeconds(30), ClientAccess.protectedMode(List::of));
    }

    public RestOptions withMaxRequestBytes(long bytes) {
        return new RestOptions(host, port, bytes, maxThreads, idleTimeout, access);
    }

    public RestOptions withMaxThreads(int threads) {
        return new RestOptions(host, port, maxRequestBytes, threads, idleTimeout, access);
    }

    public RestOptions withIdleTimeout(Duration timeout) {
        return new RestOptions(host, port, maxRequestBytes, maxThreads, timeout, access);
    }

    public RestOptions withAccess(ClientAccess clients) {
        return new RestOptions(host, port, maxRequestBytes, maxThreads, idleTimeout, clients);
    }
}
