package io.spectracache.rest;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spectracache.serialization.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every error a client can cause, sent as exact bytes to a real server: each answers 4xx with the JSON error body and a
 * sentence, whichever layer notices it (Jetty's parser, the body read, Javalin, a route), and none logs an ERROR or a
 * stack trace. Regression tests for issue 6, item 7.
 */
class RestServerTest {
    private static final Duration IDLE = Duration.ofSeconds(1);

    /** Routes shaped like the real ones: a body read, parameters checked with {@link RestQueries}, a failure. */
    private static final RouteGroup ROUTES = routes -> {
        routes.put("/v1/kv/<key>", ctx -> ctx.result("read " + ctx.bodyAsBytes().length + " bytes for " + ctx.pathParam("key")));
        routes.get("/v1/kv/<key>", ctx -> ctx.result("key " + ctx.pathParam("key")));
        routes.get("/v1/kv", ctx -> {
            RestQueries.onlyParameters(ctx, "prefix", "limit");
            long limit = RestQueries.wholeNumber(ctx, "limit", 1, 1000, "items").orElse(100);
            ctx.result("prefix " + ctx.queryParam("prefix") + " limit " + limit);
        });
        routes.get("/typed", ctx -> ctx.result("ttl " + ctx.queryParamAsClass("ttl", Long.class).get()));
        routes.get("/boom", ctx -> {
            throw new IllegalStateException("a server fault");
        });
    };

    private PrometheusMeterRegistry registry;
    private RestServer server;
    private CapturedLogs logs;

    @BeforeEach
    void start() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        server = RestServer.start(RestOptions.of("127.0.0.1", 0).withMaxRequestBytes(4096).withIdleTimeout(IDLE),
                List.of(ROUTES), registry);
        logs = CapturedLogs.capture();
    }

    @AfterEach
    void stop() {
        logs.close();
        server.close();
    }

    @Test
    void shouldAnswer400NotA500WhenTheBodyIsShorterThanItsContentLength() throws Exception {
        RawHttp.Answer answer = send("PUT /v1/kv/a HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", true);

        assertJsonError(answer, 400, "bad_request");
        assertThat(message(answer)).contains("ended before the 10 bytes its Content-Length announced");
        assertThat(logs.errorsOrStackTraces()).isEmpty();
    }

    @Test
    void shouldAnswer400NotA500WhenTheChunkedEncodingIsInvalid() throws Exception {
        RawHttp.Answer answer = send("PUT /v1/kv/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n", false);

        assertJsonError(answer, 400, "bad_request");
        assertThat(message(answer)).contains("chunked request body is malformed");
        assertThat(logs.errorsOrStackTraces()).isEmpty();
    }

    @Test
    void shouldAnswer400NotA500WhenExpectContinueIsNotFollowedByTheBody() throws Exception {
        RawHttp.Answer answer = send("PUT /v1/kv/a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n", true);

        assertJsonError(answer, 400, "bad_request");
        assertThat(message(answer)).contains("after '100 Continue' the body must follow");
        assertThat(logs.errorsOrStackTraces()).isEmpty();
    }

    @Test
    void shouldAnswer408WithTheJsonBodyWhenTheBodyNeverArrives() throws Exception {
        long started = System.nanoTime();
        RawHttp.Answer answer = send("PUT /v1/kv/a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n", false);

        assertJsonError(answer, 408, "request_timeout");
        assertThat(message(answer)).contains("did not arrive within 1 s");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(IDLE.multipliedBy(5));
        assertThat(logs.errorsOrStackTraces()).isEmpty();
    }

    @Test
    void shouldAnswer400JsonNotA505OrAnHtmlPageForAGarbageRequestLine() throws Exception {
        for (String request : List.of("GARBAGE\r\n\r\n", "GET / FOO\r\nHost: x\r\n\r\n", "GET /v1/kv/a\r\n\r\n",
                "hello world this is not http\r\n\r\n")) {
            RawHttp.Answer answer = send(request, false);

            assertJsonError(answer, 400, "bad_request");
        }
        assertThat(logs.errorsOrStackTraces()).isEmpty();
    }

    @Test
    void shouldAnswerJettysOwnRefusalsWithTheJsonBodyForEveryMethod() throws Exception {
        for (String method : List.of("GET", "PUT", "DELETE")) {
            for (String target : List.of("/v1/kv/%G1", "/v1/kv/a%00b", "/v1/kv/a%C3%28", "/v1/kv/%")) {
                RawHttp.Answer answer = send(method + " " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", false);

                assertJsonError(answer, 400, "bad_request");
                assertThat(message(answer)).as(method + " " + target).contains("percent-encode the path");
            }
        }
        assertJsonError(send("GET /v1/kv/" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", false), 414, "uri_too_long");
        assertJsonError(send("GET /v1/kv/a HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(100_000) + "\r\n\r\n", false),
                431, "headers_too_large");
        assertJsonError(send("GET /v1/kv HTTP/1.1\r\n\r\n", false), 400, "bad_request");
        assertJsonError(send("PUT /v1/kv/a HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nExpect: later\r\n\r\nx", false),
                417, "expectation_failed");
        assertThat(logs.errorsOrStackTraces()).isEmpty();
    }

    @Test
    void shouldServeTheLongestKeyEvenPercentEncodedAsThreeByteCharacters() throws Exception {
        // 1,024 characters of 3 UTF-8 bytes each are a 9 KiB path: over Jetty's default 8 KiB it answered 414.
        RawHttp.Answer answer = send("GET /v1/kv/" + "%E2%82%AC".repeat(1024) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).startsWith("key ");
    }

    @Test
    void shouldRefuseAnUndecodableQueryParameterInsteadOfDroppingIt() throws Exception {
        for (String query : List.of("prefix=%G1", "prefix=%C3%28", "prefix=ab%", "prefix=%4", "pre%ZZfix=a")) {
            RawHttp.Answer answer = send("GET /v1/kv?" + query + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false);

            assertJsonError(answer, 400, "bad_request");
            assertThat(message(answer)).as(query).contains("not valid URL encoding", "percent-encode");
        }
        RawHttp.Answer fine = send("GET /v1/kv?prefix=caf%C3%A9+au+lait HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false);
        assertThat(fine.body()).isEqualTo("prefix café au lait limit 100");
    }

    @Test
    void shouldRefuseUnknownAndRepeatedParametersInsteadOfIgnoringThem() throws Exception {
        RawHttp.Answer typo = send("GET /v1/kv?prefx=a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false);
        assertJsonError(typo, 400, "bad_request");
        assertThat(message(typo)).isEqualTo("unknown query parameter 'prefx': GET /v1/kv takes prefix, limit");

        RawHttp.Answer twice = send("GET /v1/kv?limit=1&limit=2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false);
        assertJsonError(twice, 400, "bad_request");
        assertThat(message(twice)).isEqualTo("limit: given 2 times; give it once");
    }

    @Test
    void shouldSayWhatAParameterMustBeInsteadOfTypeConversionFailed() throws Exception {
        RawHttp.Answer word = send("GET /v1/kv?limit=abc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false);
        assertThat(message(word)).isEqualTo("limit: must be a whole number of items from 1 to 1000, was 'abc'");
        RawHttp.Answer zero = send("GET /v1/kv?limit=0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false);
        assertThat(message(zero)).isEqualTo("limit: must be a whole number of items from 1 to 1000, was '0'");

        // Javalin's own validators, where a route still uses them, never show their error keys either.
        RawHttp.Answer typed = send("GET /typed?ttl=abc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false);
        assertJsonError(typed, 400, "bad_request");
        assertThat(message(typed)).startsWith("ttl: ").endsWith("was 'abc'").doesNotContain("TYPE_CONVERSION_FAILED");
    }

    @Test
    void shouldSendNosniffOnEveryAnswerWhateverItsOrigin() throws Exception {
        List<String> requests = List.of(
                "GET /v1/kv/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",        // 200
                "GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",        // 404 from Javalin
                "PATCH /v1/kv/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",      // 405
                "GET /v1/kv?limit=x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",  // 400 from a route
                "GET /v1/kv/%G1 HTTP/1.1\r\nHost: x\r\n\r\n",                           // 400 from Jetty's parser
                "GET /boom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");          // 500
        for (String request : requests) {
            assertThat(send(request, false).header("X-Content-Type-Options")).as(request).isEqualTo("nosniff");
        }
        assertThat(send("PUT /v1/kv/a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n", false).header("X-Content-Type-Options"))
                .as("408").isEqualTo("nosniff");
    }

    @Test
    void shouldStillLogServerFaultsAtErrorWithoutShowingThemToTheClient() throws Exception {
        RawHttp.Answer answer = send("GET /boom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false);

        assertJsonError(answer, 500, "internal");
        assertThat(answer.body()).doesNotContain("a server fault", "IllegalStateException");
        assertThat(logs.errorsOrStackTraces()).anySatisfy(line -> assertThat(line).contains("GET /boom"));
    }

    private RawHttp.Answer send(String request, boolean closeOutput) throws IOException {
        return RawHttp.exchange(InetAddress.getLoopbackAddress(), server.port(), request.getBytes(ISO_8859_1), closeOutput,
                Duration.ofSeconds(10));
    }

    static void assertJsonError(RawHttp.Answer answer, int status, String code) throws IOException {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).as(answer.toString()).startsWith("application/json");
        JsonNode body = Json.mapper().readTree(answer.body());
        assertThat(body.get("error").asText()).as(answer.toString()).isEqualTo(code);
        assertThat(body.get("message").asText()).as(answer.toString()).isNotBlank().doesNotContain("Exception", "\tat ");
    }

    static String message(RawHttp.Answer answer) throws IOException {
        return Json.mapper().readTree(answer.body()).get("message").asText();
    }
}
