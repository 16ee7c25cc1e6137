package io.spectracache.rest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.spectracache.serialization.Json;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's own errors (a request it cannot parse: a garbage request line, invalid percent-encoding, NUL or bad UTF-8 in
 * the path, a URL or headers too large) as the same JSON body as every other error, with a 4xx status and a sentence
 * from {@link RestErrors#forStatus}, for every method. Jetty's default answers an HTML page, or nothing for methods
 * other than GET, POST and HEAD. Installed on the server and on Javalin's servlet context.
 */
final class JsonErrorHandler extends ErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(JsonErrorHandler.class);

    private final RestOptions options;

    JsonErrorHandler(RestOptions options) {
        this.options = requireNonNull(options, "options");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        String reason = (String) request.getAttribute(ERROR_MESSAGE);
        Throwable cause = (Throwable) request.getAttribute(ERROR_EXCEPTION);
        if (cause instanceof HttpException http) {
            status = http.getCode();
            if (reason == null) {
                reason = http.getReason();
            }
        }
        RestErrors.Answer answer = RestErrors.forStatus(status, reason, options);
        if (answer.status() >= 500) {
            LOG.error("Jetty answered {} {} with {}", request.getMethod(), request.getHttpURI().getPath(), status, cause);
        } else {
            LOG.debug("client error answered by Jetty: {} {} ({})", status, reason, cause == null ? "-" : cause.toString());
        }
        response.setStatus(answer.status());
        response.getHeaders().put(ERROR_CACHE_CONTROL);
        response.getHeaders().put(RestServer.NOSNIFF);
        if (HttpStatus.hasNoBody(answer.status()) || "HEAD".equals(request.getMethod())) {
            callback.succeeded();
            return true;
        }
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(answer.body());
        } catch (JsonProcessingException e) {
            callback.failed(e);
            return true;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
