package io.spectracache.rest;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.validation.ValidationException;
import io.spectracache.errors.ErrorBody;
import io.spectracache.errors.ErrorCode;
import io.spectracache.errors.RetryLaterException;
import io.spectracache.errors.SpectraException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP answers: a JSON {@link ErrorBody} with the status of its
 * {@link ErrorCode}, a {@code Retry-After} header on 503s, and never a stack trace or a cause's message for
 * errors the caller did not make (those are logged here instead).
 */
final class RestErrors {
    private static final Logger LOG = LoggerFactory.getLogger(RestErrors.class);

    private RestErrors() {
    }

    static void install(RoutesConfig routes) {
        routes.exception(RetryLaterException.class, (e, ctx) -> {
            long seconds = Math.max(1, e.retryAfter().toSeconds());
            ctx.header("Retry-After", Long.toString(seconds));
            write(ctx, e.code().httpStatus(), new ErrorBody(e.code().wireName(), e.getMessage(), (int) seconds));
        });
        routes.exception(SpectraException.class, (e, ctx) -> write(ctx, e.code().httpStatus(), ErrorBody.of(e.code(), e.getMessage())));
        routes.exception(ValidationException.class, (e, ctx) -> write(ctx, 400, ErrorBody.of(ErrorCode.BAD_REQUEST,
                e.getErrors().entrySet().stream()
                        .map(entry -> entry.getKey() + ": " + entry.getValue().stream().map(v -> v.getMessage()).collect(Collectors.joining(", ")))
                        .collect(Collectors.joining("; ")))));
        routes.exception(HttpResponseException.class, (e, ctx) -> write(ctx, e.getStatus(), fromStatus(e.getStatus(), e.getMessage())));
        routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected failure answering {} {}", ctx.method(), ctx.path(), e);
            write(ctx, 500, ErrorBody.of(ErrorCode.INTERNAL, "internal error; the server log has the details"));
        });
        // Answers Javalin produces itself (no route, wrong method) get the same JSON shape.
        routes.error(404, ctx -> {
            if (!hasBody(ctx)) {
                write(ctx, 404, ErrorBody.of(ErrorCode.NOT_FOUND, "no route " + ctx.method() + " " + ctx.path()));
            }
        });
        routes.error(405, ctx -> {
            if (!hasBody(ctx)) {
                write(ctx, 405, ErrorBody.of(ErrorCode.METHOD_NOT_ALLOWED, ctx.method() + " is not allowed on " + ctx.path()));
            }
        });
    }

    static void write(Context ctx, int status, ErrorBody body) {
        ctx.status(status).json(body);
        ctx.attribute(ERROR_WRITTEN, Boolean.TRUE);
    }

    private static final String ERROR_WRITTEN = "spectra.error-written";

    private static boolean hasBody(Context ctx) {
        return Boolean.TRUE.equals(ctx.attribute(ERROR_WRITTEN));
    }

    // Statuses Jetty or Javalin answer by themselves, each with the code a client acts on.
    private static ErrorBody fromStatus(int status, String message) {
        ErrorCode code = switch (status) {
            case 400 -> ErrorCode.BAD_REQUEST;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 503 -> ErrorCode.NOT_READY;
            default -> null;
        };
        String text = message == null || message.isBlank() ? "HTTP " + status : message;
        return code == null ? new ErrorBody("http_" + status, text, null) : ErrorBody.of(code, text);
    }
}
