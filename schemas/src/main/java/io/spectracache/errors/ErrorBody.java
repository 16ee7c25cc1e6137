package io.spectracache.errors;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The JSON body of every error answer: {@code {"error": "not_found", "message": "no device truck-1"}}.
 *
 * @param retryAfterSeconds set only when retrying later can succeed (503), else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(String error, String message, Integer retryAfterSeconds) {
    public ErrorBody {
        requireNonNull(error, "error");
        requireNonNull(message, "message");
    }

    public static ErrorBody of(ErrorCode code, String message) {
        return new ErrorBody(code.wireName(), message, null);
    }
}
