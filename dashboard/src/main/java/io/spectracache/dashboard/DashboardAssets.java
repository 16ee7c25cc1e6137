package io.spectracache.dashboard;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's files, from this module's resources and the WebJars it depends on: the page ({@code /}), its
 * script, style and the world's outlines ({@code /dashboard/...}), echarts, and Swagger UI ({@code /docs/...}). Only
 * the names listed here are served, so no other classpath resource can be asked for. The query service serves them
 * over HTTP; the page then talks to the API over HTTP like any other client.
 *
 * <pre>{@code
 * Optional<DashboardAssets.Asset> page = DashboardAssets.find("/");
 * }</pre>
 */
public final class DashboardAssets {
    /** A file: its bytes and content type. */
    public record Asset(byte[] bytes, String contentType) {
        public Asset {
            requireNonNull(bytes, "bytes");
            requireNonNull(contentType, "contentType");
        }
    }

    private static final String OWN = "/io/spectracache/dashboard/";
    private static final Properties VERSIONS = versions();
    private static final Map<String, String> LOCATIONS = Map.ofEntries(
            Map.entry("/", OWN + "index.html"),
            Map.entry("/dashboard/app.js", OWN + "app.js"),
            Map.entry("/dashboard/app.css", OWN + "app.css"),
            Map.entry("/dashboard/world.json", OWN + "world.json"),
            Map.entry("/dashboard/echarts.min.js", webjar("echarts", "dist/echarts.min.js")),
            Map.entry("/docs", OWN + "docs.html"),
            Map.entry("/docs/docs.js", OWN + "docs.js"),
            Map.entry("/docs/swagger-ui.css", webjar("swagger-ui", "swagger-ui.css")),
            Map.entry("/docs/swagger-ui-bundle.js", webjar("swagger-ui", "swagger-ui-bundle.js")),
            Map.entry("/docs/swagger-ui-standalone-preset.js", webjar("swagger-ui", "swagger-ui-standalone-preset.js")));
    private static final Map<String, Asset> LOADED = new ConcurrentHashMap<>();

    private DashboardAssets() {
    }

    /** Every path served, e.g. {@code /dashboard/app.js}. */
    public static java.util.Set<String> paths() {
        return new java.util.TreeSet<>(LOCATIONS.keySet());
    }

    /** The file served at {@code path}, if it is one of {@link #paths()}; read once, then kept. */
    public static Optional<Asset> find(String path) {
        String location = LOCATIONS.get(path);
        if (location == null) {
            return Optional.empty();
        }
        return Optional.of(LOADED.computeIfAbsent(location, DashboardAssets::load));
    }

    private static Asset load(String location) {
        try (InputStream in = DashboardAssets.class.getResourceAsStream(location)) {
            if (in == null) {
                throw new IllegalStateException("dashboard asset missing from the classpath: " + location);
            }
            return new Asset(in.readAllBytes(), contentType(location));
        } catch (IOException e) {
            throw new UncheckedIOException("reading dashboard asset " + location, e);
        }
    }

    private static String contentType(String location) {
        if (location.endsWith(".html")) {
            return "text/html; charset=utf-8";
        } else if (location.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        } else if (location.endsWith(".css")) {
            return "text/css; charset=utf-8";
        } else if (location.endsWith(".json")) {
            return "application/json";
        }
        return "application/octet-stream";
    }

    private static String webjar(String name, String file) {
        return "/META-INF/resources/webjars/" + name + "/" + VERSIONS.getProperty(name) + "/" + file;
    }

    private static Properties versions() {
        Properties versions = new Properties();
        try (InputStream in = DashboardAssets.class.getResourceAsStream(OWN + "assets.properties")) {
            if (in == null) {
                throw new IllegalStateException("assets.properties missing: the dashboard module was not built by Maven");
            }
            versions.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return versions;
    }
}
