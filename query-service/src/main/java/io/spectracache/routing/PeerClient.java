package io.spectracache.routing;

import io.spectracache.errors.RetryLaterException;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The one way an instance talks to another: HTTP GET of the same REST path, with a timeout on every call and
 * the {@link #FORWARDED_HEADER} so that the peer answers from its own state and never forwards again (a
 * request makes at most one hop, even while a rebalance moves keys around).
 *
 * <p>Fallback rule, stated once: a peer that cannot be reached, times out, or answers 5xx makes the caller's
 * answer a {@link RetryLaterException} for point reads and a partial result for scatter-gather; a peer's
 * 4xx is the caller's answer as it is.
 */
public final class PeerClient {
    /** Marks a request as forwarded by a peer; its value is the forwarding instance's address. */
    public static final String FORWARDED_HEADER = "X-Spectra-Forwarded-By";

    private final HttpClient http;
    private final Duration timeout;
    private final HostInfo self;

    public PeerClient(HostInfo self, Duration timeout) {
        this.self = requireNonNull(self, "self");
        this.timeout = requireNonNull(timeout, "timeout");
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** A peer's answer, passed through to our caller as it is. */
    public record PeerResponse(int status, String contentType, byte[] body) {
    }

    /**
     * GETs {@code pathAndQuery} (already encoded, starting with {@code /}) from {@code peer}.
     *
     * @throws RetryLaterException if the peer cannot be reached, times out or answers 5xx
     */
    public PeerResponse get(HostInfo peer, String pathAndQuery) {
        URI uri = URI.create("http://" + peer.host() + ':' + peer.port() + pathAndQuery);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header(FORWARDED_HEADER, self.host() + ':' + self.port())
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw RetryLaterException.ownerUnavailable("instance " + describe(peer) + " did not answer: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RetryLaterException.ownerUnavailable("interrupted while asking instance " + describe(peer));
        }
        if (response.statusCode() >= 500) {
            throw RetryLaterException.ownerUnavailable("instance " + describe(peer) + " answered " + response.statusCode());
        }
        Optional<String> contentType = response.headers().firstValue("Content-Type");
        return new PeerResponse(response.statusCode(), contentType.orElse("application/json"), response.body());
    }

    private static String describe(HostInfo peer) {
        return peer.host() + ':' + peer.port();
    }
}
