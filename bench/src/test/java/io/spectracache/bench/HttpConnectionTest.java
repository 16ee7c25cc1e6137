package io.spectracache.bench;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class HttpConnectionTest {

    private static ByteReader reader(String wire) {
        // a 16-byte buffer makes lines and bodies straddle buffer boundaries
        return HttpConnection.readerOf(new ByteArrayInputStream(wire.getBytes(ISO_8859_1)));
    }

    @Test
    void shouldReadStatusAndContentLengthBodyOfKeepAliveResponses() throws IOException {
        String body = "{\"deviceId\":\"a\",\"eventCount\":1000}";
        ByteReader in = reader("HTTP/1.1 200 OK\r\nDate: Tue, 24 Nov 2026 19:00:00 GMT\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body
                + "HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\n{}");
        HttpConnection.ResponseParser parser = new HttpConnection.ResponseParser();

        assertThat(parser.read(in)).isTrue();
        assertThat(parser.status()).isEqualTo(200);
        assertThat(new String(parser.body(), ISO_8859_1)).isEqualTo(body);
        assertThat(parser.connectionClose()).isFalse();

        assertThat(parser.read(in)).isTrue();
        assertThat(parser.status()).isEqualTo(404);
        assertThat(new String(parser.body(), ISO_8859_1)).isEqualTo("{}");

        assertThat(parser.read(in)).as("end of stream between responses").isFalse();
    }

    @Test
    void shouldJoinChunkedBodiesAndSkipTrailers() throws IOException {
        ByteReader in = reader("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n1;ext=1\r\n \r\n0000000a\r\nworld, 10!\r\n0\r\nX-Trailer: y\r\n\r\n");
        HttpConnection.ResponseParser parser = new HttpConnection.ResponseParser();

        assertThat(parser.read(in)).isTrue();
        assertThat(new String(parser.body(), ISO_8859_1)).isEqualTo("hello world, 10!");
    }

    @Test
    void shouldReadToTheEndWhenThereIsNoLengthAndMarkTheConnectionClosed() throws IOException {
        ByteReader in = reader("HTTP/1.0 200 OK\r\nConnection: close\r\n\r\nthe rest of the stream");
        HttpConnection.ResponseParser parser = new HttpConnection.ResponseParser();

        assertThat(parser.read(in)).isTrue();
        assertThat(parser.connectionClose()).isTrue();
        assertThat(new String(parser.body(), ISO_8859_1)).isEqualTo("the rest of the stream");
    }

    @Test
    void shouldNotExpectABodyOn204() throws IOException {
        ByteReader in = reader("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
        HttpConnection.ResponseParser parser = new HttpConnection.ResponseParser();

        assertThat(parser.read(in)).isTrue();
        assertThat(parser.status()).isEqualTo(204);
        assertThat(parser.read(in)).isTrue();
        assertThat(parser.status()).isEqualTo(503);
        assertThat(parser.bodyLength()).isZero();
    }

    @Test
    void shouldRejectWhatIsNotHttpAndTruncatedBodies() {
        HttpConnection.ResponseParser parser = new HttpConnection.ResponseParser();
        assertThatThrownBy(() -> parser.read(reader("SSH-2.0-OpenSSH_9.2\r\n\r\n")))
                .isInstanceOf(IOException.class).hasMessageContaining("not an HTTP status line");
        assertThatThrownBy(() -> parser.read(reader("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void shouldBuildRequestsWithHostAndLength() {
        assertThat(new String(HttpConnection.get("127.0.0.1", 7070, "/v1/devices/d1"), ISO_8859_1))
                .isEqualTo("GET /v1/devices/d1 HTTP/1.1\r\nHost: 127.0.0.1:7070\r\n\r\n");
        assertThat(new String(HttpConnection.put("h", 1, "/v1/kv/k", "application/json", "{}".getBytes(ISO_8859_1)), ISO_8859_1))
                .isEqualTo("PUT /v1/kv/k HTTP/1.1\r\nHost: h:1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    }
}
