package io.spectracache.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the OpenAPI 3.1 document of the routes a server holds, from the {@link ApiOperation} each route was
 * registered with: paths in Javalin's form become OpenAPI templates ({@code <key>} → {@code {key}}), path parameters
 * are listed from the template, answer schemas are JSON Schemas derived from the records the routes answer with, and
 * every operation lists the JSON error body for the client errors it may cause.
 *
 * <pre>{@code ObjectNode document = OpenApiDocument.of(endpoints, "0.1.0");}</pre>
 */
public final class OpenApiDocument {
    private static final Pattern PATH_PARAM = Pattern.compile("[{<]([^}>]+)[}>]");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private OpenApiDocument() {
    }

    private static final Set<HandlerType> ROUTES = Set.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
            HandlerType.PATCH, HandlerType.DELETE, HandlerType.QUERY, HandlerType.OPTIONS);

    /** Whether an endpoint is a route a client calls (not a before/after filter, not Javalin's own HEAD). */
    public static boolean isRoute(Endpoint endpoint) {
        return ROUTES.contains(endpoint.method);
    }

    /** The routes that were registered without an {@link ApiOperation}: {@code GET /path}, sorted. */
    public static List<String> undocumented(Collection<Endpoint> endpoints) {
        return endpoints.stream().filter(OpenApiDocument::isRoute).filter(endpoint -> operationOf(endpoint).isEmpty())
                .map(endpoint -> endpoint.method.name() + " " + endpoint.path).sorted().toList();
    }

    /** The document, with every documented endpoint. */
    public static ObjectNode of(Collection<Endpoint> endpoints, String version) {
        ObjectNode document = NODES.objectNode();
        document.put("openapi", "3.1.0");
        ObjectNode info = document.putObject("info");
        info.put("title", "SpectraCache");
        info.put("version", version);
        info.put("description", "A distributed, stream-oriented cache for IoT fleets. Errors answer "
                + "{\"error\": code, \"message\": sentence}; unknown query parameters answer 400.");
        Map<String, Class<?>> schemas = new TreeMap<>();
        Map<String, ObjectNode> paths = new TreeMap<>();
        Set<String> tags = new LinkedHashSet<>();
        endpoints.stream()
                .map(OpenApiDocument::operationOf).flatMap(Optional::stream)
                .sorted(Comparator.comparing(ApiOperation::path).thenComparing(op -> op.method().name()))
                .forEach(op -> {
                    ObjectNode path = paths.computeIfAbsent(template(op.path()), ignored -> NODES.objectNode());
                    path.set(op.method().name().toLowerCase(Locale.ROOT), operation(op, schemas));
                    tags.add(op.tag());
                });
        ObjectNode pathsNode = document.putObject("paths");
        paths.forEach(pathsNode::set);
        ArrayNode tagsNode = document.putArray("tags");
        tags.stream().sorted().forEach(tag -> tagsNode.addObject().put("name", tag));
        ObjectNode components = document.putObject("components").putObject("schemas");
        ObjectNode error = components.putObject("Error");
        error.put("type", "object");
        error.putArray("required").add("error").add("message");
        ObjectNode errorProperties = error.putObject("properties");
        errorProperties.putObject("error").put("type", "string").put("description", "a stable code: bad_request, not_found, ...");
        errorProperties.putObject("message").put("type", "string").put("description", "what to change, as a sentence");
        errorProperties.putObject("retryAfterSeconds").put("type", "integer");
        // Records found while describing answers add their own nested records: describe until none is left.
        Set<String> done = new LinkedHashSet<>();
        while (!done.containsAll(schemas.keySet())) {
            for (Map.Entry<String, Class<?>> entry : Map.copyOf(schemas).entrySet()) {
                if (done.add(entry.getKey())) {
                    components.set(entry.getKey(), recordSchema(entry.getValue(), schemas));
                }
            }
        }
        return document;
    }

    private static Optional<ApiOperation> operationOf(Endpoint endpoint) {
        ApiOperation operation = endpoint.metadata(ApiOperation.class);
        return operation == null || !isRoute(endpoint) ? Optional.empty() : Optional.of(operation);
    }

    /** Javalin's path as an OpenAPI template. */
    static String template(String javalinPath) {
        return PATH_PARAM.matcher(javalinPath).replaceAll("{$1}");
    }

    private static ObjectNode operation(ApiOperation op, Map<String, Class<?>> schemas) {
        ObjectNode node = NODES.objectNode();
        node.putArray("tags").add(op.tag());
        node.put("operationId", operationId(op));
        if (!op.summary().isEmpty()) {
            node.put("summary", op.summary());
        }
        if (!op.description().isEmpty()) {
            node.put("description", op.description());
        }
        ArrayNode parameters = node.putArray("parameters");
        Matcher names = PATH_PARAM.matcher(op.path());
        while (names.find()) {
            String name = names.group(1);
            String description = op.parameters().stream().filter(p -> p.in().equals("path") && p.name().equals(name))
                    .map(ApiOperation.Parameter::description).findFirst().orElse("");
            parameter(parameters, new ApiOperation.Parameter(name, "path", "string", true, description));
        }
        op.parameters().stream().filter(p -> !p.in().equals("path")).forEach(p -> parameter(parameters, p));
        if (op.requestContentType() != null) {
            ObjectNode content = node.putObject("requestBody").put("required", true).putObject("content");
            content.putObject(op.requestContentType()).putObject("schema").put("type", "string").put("format", "binary");
        }
        ObjectNode responses = node.putObject("responses");
        for (ApiOperation.Response response : op.responses()) {
            ObjectNode answer = responses.putObject(Integer.toString(response.status()));
            answer.put("description", response.description());
            if (response.contentType() != null) {
                ObjectNode schema = answer.putObject("content").putObject(response.contentType()).putObject("schema");
                if (response.schema() != null) {
                    schema.put("$ref", ref(response.schema(), schemas));
                } else if (response.contentType().startsWith("application/json")) {
                    schema.put("type", "object");
                } else {
                    schema.put("type", "string");
                }
            }
        }
        for (int status : new int[] {400, 403, 404, 503}) {
            if (!responses.has(Integer.toString(status))) {
                ObjectNode answer = responses.putObject(Integer.toString(status));
                answer.put("description", switch (status) {
                    case 400 -> "a parameter is malformed or unknown";
                    case 403 -> "protected mode: only loopback clients are answered";
                    case 404 -> "not found";
                    default -> "not ready, or the owner is moving: retry after Retry-After seconds";
                });
                answer.putObject("content").putObject("application/json").putObject("schema").put("$ref", "#/components/schemas/Error");
            }
        }
        return node;
    }

    private static void parameter(ArrayNode parameters, ApiOperation.Parameter p) {
        ObjectNode node = parameters.addObject();
        node.put("name", p.name());
        node.put("in", p.in());
        node.put("required", p.required());
        if (!p.description().isEmpty()) {
            node.put("description", p.description());
        }
        node.putObject("schema").put("type", p.type());
    }

    // get /v1/devices/{id}/series/{metric} -> getV1DevicesIdSeriesMetric: stable, unique per method and path.
    static String operationId(ApiOperation op) {
        StringBuilder id = new StringBuilder(op.method().name().toLowerCase(Locale.ROOT));
        for (String word : op.path().split("[^A-Za-z0-9]+")) {
            if (!word.isEmpty()) {
                id.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
        }
        return id.toString();
    }

    private static String ref(Class<?> type, Map<String, Class<?>> schemas) {
        String name = schemaName(type);
        Class<?> known = schemas.putIfAbsent(name, type);
        if (known != null && known != type) {
            throw new IllegalStateException("two answer types are named " + name + ": " + known + " and " + type);
        }
        return "#/components/schemas/" + name;
    }

    private static String schemaName(Class<?> type) {
        // Nested records read as Outer + Inner (LocalStatus.Live -> LocalStatusLive): unique enough, and stable.
        StringBuilder name = new StringBuilder(type.getSimpleName());
        for (Class<?> outer = type.getEnclosingClass(); outer != null; outer = outer.getEnclosingClass()) {
            name.insert(0, outer.getSimpleName());
        }
        return name.toString();
    }

    private static ObjectNode recordSchema(Class<?> type, Map<String, Class<?>> schemas) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                properties.set(component.getName(), typeSchema(component.getGenericType(), schemas));
            }
        }
        return schema;
    }

    private static ObjectNode typeSchema(Type type, Map<String, Class<?>> schemas) {
        ObjectNode schema = NODES.objectNode();
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() instanceof Class<?> raw) {
            Type[] arguments = parameterized.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) {
                schema.put("type", "array");
                schema.set("items", typeSchema(arguments[0], schemas));
                return schema;
            }
            if (Map.class.isAssignableFrom(raw)) {
                schema.put("type", "object");
                schema.set("additionalProperties", typeSchema(arguments[1], schemas));
                return schema;
            }
            if (raw == Optional.class) {
                return typeSchema(arguments[0], schemas);
            }
            return typeSchema(raw, schemas);
        }
        if (!(type instanceof Class<?> raw)) {
            return schema; // a type variable: any JSON
        }
        if (raw == String.class || raw.isEnum()) {
            schema.put("type", "string");
        } else if (raw == Instant.class) {
            schema.put("type", "string").put("format", "date-time");
        } else if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class
                || raw == short.class || raw == Short.class) {
            schema.put("type", "integer");
        } else if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
            schema.put("type", "number");
        } else if (raw == boolean.class || raw == Boolean.class) {
            schema.put("type", "boolean");
        } else if (raw.isRecord()) {
            schema.put("$ref", ref(raw, schemas));
        } else if (raw.isArray()) {
            schema.put("type", "array");
            schema.set("items", typeSchema(raw.getComponentType(), schemas));
        } else if (Collection.class.isAssignableFrom(raw)) {
            schema.put("type", "array");
        } else {
            schema.put("type", "object");
        }
        return schema;
    }
}
