package io.spectracache.sketches;

import io.spectracache.errors.InvalidRequestException;
import java.util.Map;

/** What the sketch Flight datasets share. */
final class SketchFlight {
    private SketchFlight() {
    }

    /** A ticket parameter that must be there. */
    static String required(Map<String, String> parameters, String name) {
        String value = parameters.get(name);
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException("ticket: \"" + name + "\" is required (GET /v1/sketches lists the names)");
        }
        return value;
    }
}
