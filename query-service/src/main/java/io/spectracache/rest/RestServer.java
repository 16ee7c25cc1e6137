package io.spectracache.rest;

import static java.util.Objects.requireNonNull;

import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.spectracache.serialization.Json;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP face of one instance: every {@link RouteGroup}, JSON errors from {@link RestErrors}, and a latency
 * timer per route ({@code spectra.http.requests}, tagged with the route template, method and status).
 *
 * <pre>{@code
 * try (RestServer rest = RestServer.start("0.0.0.0", 7070, 1 << 20, List.of(new HealthRoutes(...)), registry)) {
 *     int port = rest.port();
 * }
 * }</pre>
 */
public final class RestServer implements AutoCloseable {
    private final Javalin app;

    private RestServer(Javalin app) {
        this.app = app;
    }

    /**
     * Starts serving on {@code host:port} (port 0: any free port).
     *
     * @param maxRequestBytes larger bodies are refused with 413 before they are read
     */
    public static RestServer start(String host, int port, long maxRequestBytes, List<RouteGroup> groups, MeterRegistry registry) {
        return start(host, port, maxRequestBytes, 0, groups, registry);
    }

    /**
     * As {@link #start(String, int, long, List, MeterRegistry)}, with at most {@code maxThreads} request threads
     * (0: Jetty's default).
     */
    public static RestServer start(String host, int port, long maxRequestBytes, int maxThreads, List<RouteGroup> groups,
                                   MeterRegistry registry) {
        requireNonNull(groups, "groups");
        requireNonNull(registry, "registry");
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = maxRequestBytes;
            if (maxThreads > 0) {
                // Jetty keeps a few threads for its selectors and acceptor: never fewer than 8 in all.
                config.jetty.threadPool = new QueuedThreadPool(Math.max(8, maxThreads), Math.min(4, maxThreads), 60_000);
            }
            config.http.prefer405over404 = true;
            config.jsonMapper(new JavalinJackson(Json.mapper(), false));
            RequestTimers timers = new RequestTimers(registry);
            config.requestLogger.http((ctx, millis) -> timers.timer(routeOf(ctx), ctx.method().name(), ctx.statusCode())
                    .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS));
            RestErrors.install(config.routes);
            groups.forEach(group -> group.addTo(config.routes));
        });
        app.start(host, port);
        return new RestServer(app);
    }

    /** One timer per route, method and status, built once: a request only looks its timer up. */
    private static final class RequestTimers {
        private record Key(String route, String method, int status) {
        }

        private final MeterRegistry registry;
        private final ConcurrentMap<Key, Timer> timers = new ConcurrentHashMap<>();

        RequestTimers(MeterRegistry registry) {
            this.registry = registry;
        }

        Timer timer(String route, String method, int status) {
            return timers.computeIfAbsent(new Key(route, method, status), key -> Timer.builder(RestMeters.REQUESTS.meterName())
                    .description(RestMeters.REQUESTS.description())
                    .tag("route", key.route())
                    .tag("method", key.method())
                    .tag("status", Integer.toString(key.status()))
                    .publishPercentileHistogram()
                    .register(registry));
        }
    }

    // The route template, not the path: one meter per route, however many keys are read.
    private static String routeOf(io.javalin.http.Context ctx) {
        try {
            return ctx.endpoint().path;
        } catch (RuntimeException noEndpoint) {
            return "unmatched";
        }
    }

    /** The port actually bound. */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
