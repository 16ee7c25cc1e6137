package io.spectracache.rest;

import static java.util.Objects.requireNonNull;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.router.EndpointMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One route with its documentation, registered together: the route's method and path, what it is for, its query
 * parameters and its answers. {@link #addTo} registers the handler with this description attached to Javalin's
 * endpoint, and {@link OpenApiDocument} builds {@code /openapi.json} from the endpoints Javalin holds, so the
 * document cannot list a route that is not served, and a test fails for a served route without one.
 *
 * <pre>{@code
 * ApiOperation.get("/v1/devices").tag("devices").summary("Device states in id order, paged")
 *         .query("prefix", "string", "only ids starting with this")
 *         .json(200, "a page", DevicePage.class)
 *         .addTo(routes, this::listDevices);
 * }</pre>
 *
 * <p>Immutable: every method returns a changed copy. Path parameters ({@code {id}}, {@code <key>}) are documented
 * from the path itself; {@link #pathParam} adds their description. Every operation answers the JSON error body
 * ({@code {"error", "message"}}) for 400, 403, 404 and 503 unless it says otherwise.
 */
public final class ApiOperation implements EndpointMetadata {
    /** A documented parameter: {@code in} is {@code query}, {@code path} or {@code header}. */
    public record Parameter(String name, String in, String type, boolean required, String description) {
        public Parameter {
            requireNonNull(name, "name");
            requireNonNull(in, "in");
            requireNonNull(type, "type");
            requireNonNull(description, "description");
        }
    }

    /**
     * A documented answer.
     *
     * @param contentType  null for an answer without a body
     * @param schema       a record class whose JSON shape the answer has, or null for a free-form body
     */
    public record Response(int status, String description, String contentType, Class<?> schema) {
        public Response {
            requireNonNull(description, "description");
        }
    }

    private final HandlerType method;
    private final String path;
    private final String tag;
    private final String summary;
    private final String description;
    private final List<Parameter> parameters;
    private final List<Response> responses;
    private final String requestContentType;

    private ApiOperation(HandlerType method, String path, String tag, String summary, String description,
                         List<Parameter> parameters, List<Response> responses, String requestContentType) {
        this.method = requireNonNull(method, "method");
        this.path = requireNonNull(path, "path");
        this.tag = tag;
        this.summary = summary;
        this.description = description;
        this.parameters = List.copyOf(parameters);
        this.responses = List.copyOf(responses);
        this.requestContentType = requestContentType;
    }

    private static ApiOperation of(HandlerType method, String path) {
        return new ApiOperation(method, path, "default", "", "", List.of(), List.of(), null);
    }

    public static ApiOperation get(String path) {
        return of(HandlerType.GET, path);
    }

    public static ApiOperation post(String path) {
        return of(HandlerType.POST, path);
    }

    public static ApiOperation put(String path) {
        return of(HandlerType.PUT, path);
    }

    public static ApiOperation delete(String path) {
        return of(HandlerType.DELETE, path);
    }

    /** The group this route is listed under. */
    public ApiOperation tag(String tag) {
        return new ApiOperation(method, path, requireNonNull(tag, "tag"), summary, description, parameters, responses, requestContentType);
    }

    /** One line: what the route answers. */
    public ApiOperation summary(String summary) {
        return new ApiOperation(method, path, tag, requireNonNull(summary, "summary"), description, parameters, responses, requestContentType);
    }

    /** The contract in sentences. */
    public ApiOperation description(String description) {
        return new ApiOperation(method, path, tag, summary, requireNonNull(description, "description"), parameters, responses,
                requestContentType);
    }

    /** An optional query parameter; {@code type} is a JSON Schema type ({@code string}, {@code integer}, ...). */
    public ApiOperation query(String name, String type, String description) {
        return withParameter(new Parameter(name, "query", type, false, description));
    }

    /** Describes a path parameter of the path (documented without a description otherwise). */
    public ApiOperation pathParam(String name, String description) {
        return withParameter(new Parameter(name, "path", "string", true, description));
    }

    /** The request body's content type (a route that reads a body). */
    public ApiOperation body(String contentType) {
        return new ApiOperation(method, path, tag, summary, description, parameters, responses, requireNonNull(contentType, "contentType"));
    }

    /** A JSON answer shaped like {@code schema} (a record; null: any JSON). */
    public ApiOperation json(int status, String description, Class<?> schema) {
        return response(new Response(status, description, "application/json", schema));
    }

    /** An answer of another content type (null: no body). */
    public ApiOperation answers(int status, String description, String contentType) {
        return response(new Response(status, description, contentType, null));
    }

    private ApiOperation response(Response response) {
        List<Response> all = new ArrayList<>(responses);
        all.add(response);
        return new ApiOperation(method, path, tag, summary, description, parameters, all, requestContentType);
    }

    private ApiOperation withParameter(Parameter parameter) {
        List<Parameter> all = new ArrayList<>(parameters);
        all.add(parameter);
        return new ApiOperation(method, path, tag, summary, description, all, responses, requestContentType);
    }

    /** Registers {@code handler} at this method and path, with this description attached. */
    public void addTo(RoutesConfig routes, Handler handler) {
        routes.addEndpoint(Endpoint.create(method, path).addMetadata(this).handler(handler));
    }

    public HandlerType method() {
        return method;
    }

    /** The path as Javalin declares it ({@code {id}}, {@code <key>}). */
    public String path() {
        return path;
    }

    public String tag() {
        return tag;
    }

    public String summary() {
        return summary;
    }

    public String description() {
        return description;
    }

    public List<Parameter> parameters() {
        return parameters;
    }

    public List<Response> responses() {
        return responses;
    }

    /** The request body's content type, or null when the route reads none. */
    public String requestContentType() {
        return requestContentType;
    }

    /** {@code get /v1/devices}: a stable operation id base. */
    String key() {
        return method.name().toLowerCase(Locale.ROOT) + " " + path;
    }
}
