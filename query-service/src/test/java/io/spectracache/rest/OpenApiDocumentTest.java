package io.spectracache.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenApiDocumentTest {
    record Inner(String name, double value) {
    }

    record Answer(String id, long count, boolean partial, Instant at, List<Inner> items, Map<String, Double> byName) {
    }

    private static Endpoint documented(ApiOperation operation) {
        return Endpoint.create(operation.method(), operation.path()).addMetadata(operation).handler(ctx -> { });
    }

    @Test
    void shouldNameEveryEndpointRegisteredWithoutDocumentation() {
        Endpoint bare = new Endpoint(HandlerType.GET, "/v1/secret", ctx -> { });
        Endpoint good = documented(ApiOperation.get("/v1/devices").summary("devices"));
        Endpoint filter = new Endpoint(HandlerType.BEFORE, "*", ctx -> { });

        assertThat(OpenApiDocument.undocumented(List.of(bare, good, filter))).containsExactly("GET /v1/secret");
    }

    @Test
    void shouldTurnJavalinPathsIntoTemplatesWithTheirPathParameters() {
        JsonNode document = OpenApiDocument.of(List.of(documented(ApiOperation.get("/v1/kv/<key>").tag("kv")
                .pathParam("key", "the cache key").query("after", "string", "a token"))), "1");

        JsonNode get = document.at("/paths/~1v1~1kv~1{key}/get");
        assertThat(get.isMissingNode()).isFalse();
        assertThat(get.get("operationId").asText()).isEqualTo("getV1KvKey");
        assertThat(get.get("parameters")).hasSize(2);
        assertThat(get.get("parameters").get(0).get("in").asText()).isEqualTo("path");
        assertThat(get.get("parameters").get(0).get("required").asBoolean()).isTrue();
        assertThat(get.get("parameters").get(0).get("description").asText()).isEqualTo("the cache key");
        assertThat(get.get("parameters").get(1).get("name").asText()).isEqualTo("after");
    }

    @Test
    void shouldDescribeAnswersFromTheRecordsTheRoutesAnswerWith() {
        JsonNode document = OpenApiDocument.of(List.of(documented(ApiOperation.get("/v1/answer")
                .json(200, "an answer", Answer.class))), "1");

        assertThat(document.at("/paths/~1v1~1answer/get/responses/200/content/application~1json/schema/$ref").asText())
                .isEqualTo("#/components/schemas/OpenApiDocumentTestAnswer");
        JsonNode answer = document.at("/components/schemas/OpenApiDocumentTestAnswer/properties");
        assertThat(answer.get("count").get("type").asText()).isEqualTo("integer");
        assertThat(answer.get("at").get("format").asText()).isEqualTo("date-time");
        assertThat(answer.get("items").get("items").get("$ref").asText()).isEqualTo("#/components/schemas/OpenApiDocumentTestInner");
        assertThat(answer.get("byName").get("additionalProperties").get("type").asText()).isEqualTo("number");
        assertThat(document.at("/components/schemas/OpenApiDocumentTestInner/properties/value/type").asText()).isEqualTo("number");
    }

    @Test
    void shouldListTheJsonErrorBodyForTheClientErrorsOfEveryOperation() {
        JsonNode document = OpenApiDocument.of(List.of(documented(ApiOperation.get("/v1/x"))), "1");

        for (String status : List.of("400", "403", "404", "503")) {
            assertThat(document.at("/paths/~1v1~1x/get/responses/" + status + "/content/application~1json/schema/$ref").asText())
                    .isEqualTo("#/components/schemas/Error");
        }
        assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
    }
}
