package io.spectracache.serialization;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON configuration every SpectraCache wire type is written and read with.
 *
 * <p>Instants are ISO-8601 strings, unknown properties are ignored (contract v1: "unknown fields are kept or
 * ignored, never an error"). The mapper is thread-safe once built; never reconfigure it.
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build();

    private Json() {
    }

    /** The shared mapper: never null, never to be reconfigured. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
