package io.spectracache.rest;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.validation.ValidationError;
import io.javalin.validation.ValidationException;
import io.spectracache.errors.ErrorBody;
import io.spectracache.errors.ErrorCode;
import io.spectracache.errors.RetryLaterException;
import io.spectracache.errors.SpectraException;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP answers: a JSON {@link ErrorBody} whose message is a sentence the client
 * can act on, with the status of its {@link ErrorCode}, a {@code Retry-After} header on 503s, and never a stack trace
 * or a cause's message for errors the caller did not make (those are logged here instead).
 *
 * <p>Errors a client can cause are 4xx whichever layer notices them: Javalin's routes and validators, the request body
 * read (a body shorter than its {@code Content-Length}, broken chunking, a body that never comes: 400 and 408), and
 * Jetty's own parser ({@link JsonErrorHandler}: bad request lines, bad percent-encoding, 414, 431). They are logged at
 * DEBUG without a stack trace, since any client can send as many as it likes; only server faults log at ERROR.
 */
final class RestErrors {
    private static final Logger LOG = LoggerFactory.getLogger(RestErrors.class);
    private static final String ERROR_WRITTEN = "spectra.error-written";
    private static final int SHOWN_CHARS = 64;

    private RestErrors() {
    }

    /** An error answer: its status and body. */
    record Answer(int status, ErrorBody body) {
    }

    static void install(RoutesConfig routes, RestOptions options) {
        routes.exception(RetryLaterException.class, (e, ctx) -> {
            long seconds = Math.max(1, e.retryAfter().toSeconds());
            ctx.header("Retry-After", Long.toString(seconds));
            write(ctx, e.code().httpStatus(), new ErrorBody(e.code().wireName(), e.getMessage(), (int) seconds));
        });
        routes.exception(SpectraException.class, (e, ctx) -> write(ctx, e.code().httpStatus(), ErrorBody.of(e.code(), e.getMessage())));
        routes.exception(ValidationException.class, (e, ctx) -> write(ctx, 400, ErrorBody.of(ErrorCode.BAD_REQUEST, sentence(e))));
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            switch (e.getStatus()) {
                case 404 -> write(ctx, 404, noRoute(ctx));
                case 405 -> write(ctx, 405, methodNotAllowed(ctx));
                default -> {
                    Answer answer = forStatus(e.getStatus(), e.getMessage(), options);
                    write(ctx, answer.status(), answer.body());
                }
            }
        });
        routes.exception(Exception.class, (e, ctx) -> {
            Optional<Answer> fault = clientFault(e, ctx, options);
            if (fault.isPresent()) {
                LOG.debug("client error answering {} {}: {} ({})", ctx.method(), ctx.path(), fault.get().status(), e.toString());
                write(ctx, fault.get().status(), fault.get().body());
                return;
            }
            LOG.error("unexpected failure answering {} {}", ctx.method(), ctx.path(), e);
            write(ctx, 500, ErrorBody.of(ErrorCode.INTERNAL, "internal error; the server log has the details"));
        });
        // Answers Javalin produces itself (no route, wrong method, a body that timed out) get the same JSON shape.
        routes.error(404, ctx -> {
            if (!hasBody(ctx)) {
                write(ctx, 404, noRoute(ctx));
            }
        });
        routes.error(405, ctx -> {
            if (!hasBody(ctx)) {
                write(ctx, 405, methodNotAllowed(ctx));
            }
        });
        routes.error(408, ctx -> {
            if (!hasBody(ctx)) {
                LOG.debug("client error answering {} {}: 408", ctx.method(), ctx.path());
                Answer answer = forStatus(408, null, options);
                write(ctx, answer.status(), answer.body());
            }
        });
    }

    private static ErrorBody noRoute(Context ctx) {
        return ErrorBody.of(ErrorCode.NOT_FOUND, "no route " + ctx.method() + " " + shown(ctx.path())
                + ": the API is under /v1 (see the README)");
    }

    private static ErrorBody methodNotAllowed(Context ctx) {
        return ErrorBody.of(ErrorCode.METHOD_NOT_ALLOWED, ctx.method() + " is not allowed on " + shown(ctx.path()));
    }

    static void write(Context ctx, int status, ErrorBody body) {
        ctx.status(status).json(body);
        ctx.attribute(ERROR_WRITTEN, Boolean.TRUE);
    }

    private static boolean hasBody(Context ctx) {
        return Boolean.TRUE.equals(ctx.attribute(ERROR_WRITTEN));
    }

    /** A client's value quoted for a message, cut short: a message never repeats a megabyte back. */
    static String shown(Object value) {
        String text = String.valueOf(value);
        return "'" + (text.length() > SHOWN_CHARS ? text.substring(0, SHOWN_CHARS) + "…" : text) + "'";
    }

    /**
     * The answer to a failure the client caused while its request was being read, if this is one: a body that ended
     * early or never came, or one Jetty could not parse.
     */
    static Optional<Answer> clientFault(Throwable thrown, Context ctx, RestOptions options) {
        int depth = 0;
        for (Throwable t = thrown; t != null && depth < 16; t = t.getCause(), depth++) {
            // Jetty's idle timeout while the body is read; a timeout of our own (a Kafka write) is never the client's.
            if (t instanceof IOException && t.getCause() instanceof TimeoutException) {
                return Optional.of(forStatus(408, null, options));
            }
            if (t instanceof EOFException) {
                return Optional.of(new Answer(400, ErrorBody.of(ErrorCode.BAD_REQUEST, bodyEndedEarly(ctx))));
            }
            if (t instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 600) {
                return Optional.of(forStatus(http.getCode(), http.getReason(), options));
            }
        }
        return Optional.empty();
    }

    private static String bodyEndedEarly(Context ctx) {
        String encoding = ctx.header("Transfer-Encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return "the chunked request body is malformed or was cut off: each chunk is its size in hex, CRLF, that many "
                    + "bytes and CRLF, and the body ends with a chunk of size 0";
        }
        long declared = ctx.req().getContentLengthLong();
        String expect = ctx.header("Expect") == null ? "" : " (after '100 Continue' the body must follow)";
        return "the request body ended before the " + declared + " bytes its Content-Length announced" + expect
                + ": send a Content-Length that matches the body, and the whole body";
    }

    /**
     * The answer for a status that Jetty or Javalin chose by itself, with a sentence instead of their reason phrase.
     * Client errors stay 4xx: a request line with an unknown protocol version (505) or an unknown transfer coding
     * (501) is a malformed request, 400.
     *
     * @param reason what Jetty or Javalin said, shown only where it helps; may be null
     */
    static Answer forStatus(int status, String reason, RestOptions options) {
        // Jetty's reason only where it says more than the status line ("No Host", "Bad UTF-8 encoding").
        String said = reason == null || reason.isBlank() || reason.equalsIgnoreCase(HttpStatus.getMessage(status))
                ? "" : " (" + shownReason(reason) + ")";
        return switch (status) {
            case 400 -> new Answer(400, ErrorBody.of(ErrorCode.BAD_REQUEST, "the request is not valid HTTP/1.1" + said
                    + ": send METHOD /path HTTP/1.1, percent-encode the path and query as UTF-8 (% and two hex digits; "
                    + "%00 is refused) and keep headers well-formed"));
            case 404 -> new Answer(404, ErrorBody.of(ErrorCode.NOT_FOUND, "nothing is served at this path" + said));
            case 405 -> new Answer(405, ErrorBody.of(ErrorCode.METHOD_NOT_ALLOWED, "this method is not allowed on this path" + said));
            case 408 -> new Answer(408, new ErrorBody("request_timeout", "the request did not arrive within "
                    + seconds(options.idleTimeout()) + ": send the whole request at once (a body shorter than its "
                    + "Content-Length, or 'Expect: 100-continue' never followed by the body, waits until this timeout)", null));
            case 411 -> new Answer(411, new ErrorBody("length_required",
                    "this request needs a body length: send Content-Length or 'Transfer-Encoding: chunked'", null));
            case 413 -> new Answer(413, ErrorBody.of(ErrorCode.PAYLOAD_TOO_LARGE, "the request body is larger than the "
                    + options.maxRequestBytes() + " bytes this server reads (spectracache.rest.max.body.bytes); send less"));
            case 414 -> new Answer(414, new ErrorBody("uri_too_long", "the request line is longer than the "
                    + RestOptions.MAX_REQUEST_HEADER_BYTES / 1024 + " KiB this server reads (a cache key has at most 1,024 "
                    + "characters): shorten the path and query", null));
            case 417 -> new Answer(417, new ErrorBody("expectation_failed",
                    "only 'Expect: 100-continue' is understood: remove the Expect header", null));
            case 431 -> new Answer(431, new ErrorBody("headers_too_large", "the request headers are larger than the "
                    + RestOptions.MAX_REQUEST_HEADER_BYTES / 1024 + " KiB this server reads, request line included: send "
                    + "fewer or smaller headers", null));
            case 501 -> new Answer(400, ErrorBody.of(ErrorCode.BAD_REQUEST, "this server does not implement that" + said
                    + ": the only transfer coding it reads is 'chunked'"));
            case 505 -> new Answer(400, ErrorBody.of(ErrorCode.BAD_REQUEST, "the request line is not 'METHOD /path HTTP/1.1'"
                    + said + ": this server speaks HTTP/1.1 and HTTP/1.0"));
            case 503 -> new Answer(503, new ErrorBody(ErrorCode.NOT_READY.wireName(), "not ready" + said + "; retry in a second", 1));
            default -> status >= 500
                    ? new Answer(500, ErrorBody.of(ErrorCode.INTERNAL, "internal error; the server log has the details"))
                    : new Answer(status, new ErrorBody("http_" + status, "the request was refused with HTTP " + status + said, null));
        };
    }

    // Jetty's and Javalin's reasons are fixed phrases, some quoting one character of the request: short enough.
    private static String shownReason(String reason) {
        String oneLine = reason.replaceAll("\\p{Cntrl}", " ").strip();
        return oneLine.length() > 120 ? oneLine.substring(0, 120) + "…" : oneLine;
    }

    private static String seconds(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }

    /** Javalin's validator errors as sentences: {@code ttl: must be ..., was 'abc'}. */
    static String sentence(ValidationException e) {
        return e.getErrors().entrySet().stream()
                .map(RestErrors::sentence)
                .collect(Collectors.joining("; "));
    }

    private static String sentence(Map.Entry<String, List<ValidationError<Object>>> entry) {
        return entry.getKey() + ": " + entry.getValue().stream().map(error -> {
            Object value = error.value;
            String was = value == null ? "" : ", was " + shown(value);
            return switch (error.getMessage()) {
                case "TYPE_CONVERSION_FAILED" -> "cannot be read as a value of this parameter" + was;
                case "NULLCHECK_FAILED" -> "is required";
                default -> error.getMessage() + was;
            };
        }).collect(Collectors.joining(", "));
    }
}
