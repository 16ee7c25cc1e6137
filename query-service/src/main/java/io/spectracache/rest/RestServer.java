package io.spectracache.rest;

import static java.util.Objects.requireNonNull;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.spectracache.errors.AccessDeniedException;
import io.spectracache.routing.PeerClient;
import io.spectracache.serialization.Json;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of one instance: every {@link RouteGroup}, JSON errors from {@link RestErrors} (Jetty's own included,
 * {@link JsonErrorHandler}), {@link ClientAccess protected mode}, {@code X-Content-Type-Options: nosniff} on every
 * answer, and a latency timer per route ({@code spectra.http.requests}, tagged with the route template, method and
 * status).
 *
 * <pre>{@code
 * try (RestServer rest = RestServer.start(RestOptions.of("0.0.0.0", 7070), List.of(new HealthRoutes(...)), registry)) {
 *     int port = rest.port();
 * }
 * }</pre>
 */
public final class RestServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RestServer.class);
    /** On every answer: browsers never guess a type other than the one sent (a stored value is not a page). */
    static final HttpField NOSNIFF = new PreEncodedHttpField("X-Content-Type-Options", "nosniff");

    private final Javalin app;

    /** Every route the server holds, as Javalin registered it (the OpenAPI document is built from these). */
    public List<Endpoint> endpoints() {
        return endpointsOf(app);
    }

    private static List<Endpoint> endpointsOf(Javalin app) {
        return app.unsafe.internalRouter.allHttpHandlers().stream().map(parsed -> parsed.endpoint).toList();
    }

    private RestServer(Javalin app) {
        this.app = app;
    }

    /**
     * Starts serving on {@code host:port} (port 0: any free port) in protected mode, with no known peers.
     *
     * @param maxRequestBytes larger bodies are refused with 413 before they are read
     */
    public static RestServer start(String host, int port, long maxRequestBytes, List<RouteGroup> groups, MeterRegistry registry) {
        return start(RestOptions.of(host, port).withMaxRequestBytes(maxRequestBytes), groups, registry);
    }

    /**
     * As {@link #start(String, int, long, List, MeterRegistry)}, with at most {@code maxThreads} request threads
     * (0: Jetty's default).
     */
    public static RestServer start(String host, int port, long maxRequestBytes, int maxThreads, List<RouteGroup> groups,
                                   MeterRegistry registry) {
        return start(RestOptions.of(host, port).withMaxRequestBytes(maxRequestBytes).withMaxThreads(maxThreads), groups, registry);
    }

    /** Starts serving as {@code options} say. */
    public static RestServer start(RestOptions options, List<RouteGroup> groups, MeterRegistry registry) {
        requireNonNull(options, "options");
        requireNonNull(groups, "groups");
        requireNonNull(registry, "registry");
        AtomicReference<Javalin> started = new AtomicReference<>();
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = options.maxRequestBytes();
            if (options.maxThreads() > 0) {
                // Jetty keeps a few threads for its selectors and acceptor: never fewer than 8 in all.
                config.jetty.threadPool = new QueuedThreadPool(Math.max(8, options.maxThreads()), Math.min(4, options.maxThreads()), 60_000);
            }
            config.jetty.modifyHttpConfiguration(http -> {
                http.setRequestHeaderSize(RestOptions.MAX_REQUEST_HEADER_BYTES);
                http.setIdleTimeout(options.idleTimeout().toMillis());
                http.addCustomizer((request, responseHeaders) -> {
                    responseHeaders.put(NOSNIFF);
                    return request;
                });
            });
            config.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost(options.host());
                connector.setPort(options.port());
                connector.setIdleTimeout(options.idleTimeout().toMillis());
                return connector;
            });
            // Requests Jetty refuses before Javalin sees them, and errors inside the servlet context, answer JSON too.
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler(options)));
            config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new JsonErrorHandler(options)));
            config.http.prefer405over404 = true;
            config.jsonMapper(new JavalinJackson(Json.mapper(), false));
            RequestTimers timers = new RequestTimers(registry);
            config.requestLogger.http((ctx, millis) -> timers.timer(routeOf(ctx), ctx.method().name(), ctx.statusCode())
                    .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS));
            RestErrors.install(config.routes, options);
            config.routes.before(ctx -> admit(ctx, options.access()));
            groups.forEach(group -> group.addTo(config.routes));
            new OpenApiRoutes(() -> endpointsOf(started.get())).addTo(config.routes);
        });
        started.set(app);
        app.start();
        logAccess(options, app.port());
        return new RestServer(app);
    }

    // Before any route: who may ask, and a query string that decodes exactly (else a parameter would be dropped).
    private static void admit(Context ctx, ClientAccess access) throws UnknownHostException {
        InetAddress client = InetAddress.getByName(ctx.req().getRemoteAddr()); // a literal address: no lookup
        Optional<String> refusal = access.refusal(client, ctx.path(), ctx.header(PeerClient.FORWARDED_HEADER));
        if (refusal.isPresent()) {
            throw new AccessDeniedException(refusal.get());
        }
        QueryStrings.requireDecodable(ctx.queryString());
    }

    private static void logAccess(RestOptions options, int port) {
        if (options.access().isProtected()) {
            LOG.warn("REST on {}:{} is in protected mode: no credentials are configured, so /v1, /metrics and the rest "
                    + "answer loopback clients only (others get 403), /health/* answers everyone and /internal/ the other "
                    + "instances of this application. Set {}=false to serve other hosts, behind your own firewall or proxy.",
                    options.host(), port, ClientAccess.PROTECTED_MODE_SETTING);
        } else if (!isLoopback(options.host())) {
            LOG.warn("REST on {}:{} answers every client that can reach it, with no authentication ({}=false): anyone on "
                    + "the network can read and overwrite the cache.", options.host(), port, ClientAccess.PROTECTED_MODE_SETTING);
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
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
