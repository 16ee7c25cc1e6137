package io.spectracache.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.http.sse.SseHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.cluster.LocalStatus;
import io.spectracache.rest.RestOptions;
import io.spectracache.rest.RestServer;
import io.spectracache.rest.RouteGroup;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The live feed must be closed while the HTTP server still runs, and must not send after {@link LiveFeed#close()}
 * returns: Javalin 7.2 loops for ever on the sending thread (logging two stack traces per turn) when an event goes to a
 * page whose request Jetty has recycled. A CI run filled its disk with that log. Regression test: close waits for a
 * sample in flight, and nothing samples or sends afterwards.
 */
class LiveFeedCloseTest {
    private static final String THREAD = "spectra-dashboard-live";

    @Test
    void shouldWaitForTheSampleBeingSentAndSendNothingAfterClose() throws Exception {
        AtomicInteger samples = new AtomicInteger();
        CountDownLatch inFlight = new CountDownLatch(1);
        LiveFeed feed = new LiveFeed(() -> {
            int n = samples.incrementAndGet();
            if (n == 3) { // a slow answer from the cluster, still running when close() is called
                inFlight.countDown();
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(700);
                while (System.nanoTime() < until) {
                    LockSupport.parkNanos(until - System.nanoTime()); // deaf to the interrupt, as a socket read is
                }
            }
            return List.of(new LocalStatus.Live("a", System.currentTimeMillis(), n * 10.0, n * 10.0, 0,
                    Map.of(), 0, 1, 1));
        }, () -> 1);
        RouteGroup page = routes -> routes.get("/live", new SseHandler(feed::add));
        RestServer server = RestServer.start(RestOptions.of("127.0.0.1", 0), List.of(page), new SimpleMeterRegistry());
        HttpClient http = HttpClient.newHttpClient();
        try {
            feed.start();
            HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/live")).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(inFlight.await(10, TimeUnit.SECONDS)).as("a sample started while the page watched").isTrue();

            feed.close();

            assertThat(liveThreadRunning()).as("close() returned with the sampler still running").isFalse();
            int after = samples.get();
            Thread.sleep(1_500);
            assertThat(samples.get()).as("samples after close").isEqualTo(after);
            stream.body().close();
        } finally {
            feed.close();
            server.close();
        }
    }

    private static boolean liveThreadRunning() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().equals(THREAD) && thread.isAlive());
    }
}
