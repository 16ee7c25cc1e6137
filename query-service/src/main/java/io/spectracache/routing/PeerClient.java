package io.spectracache.routing;

import static java.util.Objects.requireNonNull;

import io.spectracache.consistency.ConsistencyToken;
import io.spectracache.errors.RetryLaterException;
import io.spectracache.serialization.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The one way an instance asks another: the internal query API, {@code POST /internal/v1/queries/{name}} with the
 * query's parameters as the body, a timeout on every call, and {@link #FORWARDED_HEADER} naming the asking instance.
 * The peer answers from its own state only; it never forwards (a request makes at most one hop, even while a
 * rebalance moves keys around).
 *
 * <p>Fallback rule, stated once: a peer that cannot be reached or times out makes the call a
 * {@link RetryLaterException}; what the peer answered, whatever the status, is the caller's to interpret
 * ({@code QueryService} turns a 5xx or an unreadable answer into "retry later" for point queries and into a failed
 * instance, so a partial result, for scatter queries).
 */
public final class PeerClient {
    /** Marks a request as sent by a peer; its value is the asking instance's address. */
    public static final String FORWARDED_HEADER = "X-Spectra-Forwarded-By";
    /** Answer header of a scatter query's part: the partitions it covers, comma-separated. */
    public static final String PARTITIONS_HEADER = "X-Spectra-Partitions";
    /** The path prefix of the internal query API, version 1. */
    public static final String INTERNAL_PATH = "/internal/v1/queries/";
    /** Where an instance says which port its Arrow Flight endpoint listens on: {@code {"port": 7071}}, -1 for none. */
    public static final String FLIGHT_PATH = "/internal/v1/flight";

    private final HttpClient http;
    private final Duration timeout;
    private final Instance self;

    public PeerClient(Instance self, Duration timeout) {
        this.self = requireNonNull(self, "self");
        this.timeout = requireNonNull(timeout, "timeout");
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** A peer's answer as it came. */
    public record PeerAnswer(int status, byte[] body, Optional<String> partitions) {
    }

    /**
     * Asks {@code peer} to answer query {@code name} from its own state.
     *
     * @throws RetryLaterException if the peer cannot be reached or does not answer in time
     */
    public PeerAnswer ask(Instance peer, String name, byte[] parameters, ReadOptions read) {
        String query = "?consistency=" + read.level() + read.after()
                .map(token -> "&after=" + URLEncoder.encode(token.encode(), StandardCharsets.UTF_8)).orElse("");
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + peer + INTERNAL_PATH + name + query))
                .timeout(timeout)
                .header(FORWARDED_HEADER, self.toString())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(parameters))
                .build();
        HttpResponse<byte[]> response = send(peer, request);
        return new PeerAnswer(response.statusCode(), response.body(), response.headers().firstValue(PARTITIONS_HEADER));
    }

    /**
     * The port of {@code peer}'s Arrow Flight endpoint, or -1 if it has none.
     *
     * @throws RetryLaterException if the peer cannot be reached, does not answer in time, or answers nonsense
     */
    public int flightPort(Instance peer) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + peer + FLIGHT_PATH))
                .timeout(timeout)
                .header(FORWARDED_HEADER, self.toString())
                .GET()
                .build();
        HttpResponse<byte[]> response = send(peer, request);
        if (response.statusCode() != 200) {
            throw RetryLaterException.ownerUnavailable("instance " + peer + " answered " + response.statusCode()
                    + " for its Flight port");
        }
        try {
            return Json.mapper().readTree(response.body()).path("port").asInt(-1);
        } catch (IOException e) {
            throw RetryLaterException.ownerUnavailable("instance " + peer + " answered something unreadable for its Flight port");
        }
    }

    /**
     * {@code GET} of an internal path of {@code peer} ({@code /internal/v1/...}), as this instance, with the timeout.
     *
     * @throws RetryLaterException if the peer cannot be reached or does not answer in time
     */
    public PeerAnswer get(Instance peer, String internalPath) {
        if (!internalPath.startsWith("/internal/v1/")) {
            throw new IllegalArgumentException("not an internal path: " + internalPath);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + peer + internalPath))
                .timeout(timeout)
                .header(FORWARDED_HEADER, self.toString())
                .GET()
                .build();
        HttpResponse<byte[]> response = send(peer, request);
        return new PeerAnswer(response.statusCode(), response.body(), Optional.empty());
    }

    private HttpResponse<byte[]> send(Instance peer, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw RetryLaterException.ownerUnavailable("instance " + peer + " did not answer: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RetryLaterException.ownerUnavailable("interrupted while asking instance " + peer);
        }
    }
}
