package io.spectracache.bench;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;

/**
 * A minimal HTTP/1.1 client over one keep-alive socket: writes a pre-built request in one {@code write}, reads the
 * status line, the headers it needs ({@code Content-Length}, {@code Transfer-Encoding: chunked},
 * {@code Connection: close}) and the body into a reused buffer. Made for benchmarks on loopback, where
 * {@code java.net.http.HttpClient}'s own cost (selector thread, futures, header maps) would be a large part of a
 * 100 µs answer. Not thread-safe: one per client thread. Reconnects once when the server closed an idle connection.
 *
 * <pre>{@code
 * try (HttpConnection http = HttpConnection.open("127.0.0.1", 7070)) {
 *     int status = http.exchange(HttpConnection.get("127.0.0.1", 7070, "/v1/devices/truck-0042"));
 *     String body = http.bodyText();
 * }
 * }</pre>
 */
final class HttpConnection implements AutoCloseable {
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(ISO_8859_1);
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding:".getBytes(ISO_8859_1);
    private static final byte[] CONNECTION = "connection:".getBytes(ISO_8859_1);
    private static final byte[] CHUNKED = "chunked".getBytes(ISO_8859_1);
    private static final byte[] CLOSE = "close".getBytes(ISO_8859_1);
    private static final int TIMEOUT_MS = 30_000;

    private final String host;
    private final int port;
    private Socket socket;
    private OutputStream out;
    private ByteReader reader;
    private final ResponseParser parser = new ResponseParser();

    private HttpConnection(String host, int port) {
        this.host = host;
        this.port = port;
    }

    static HttpConnection open(String host, int port) throws IOException {
        HttpConnection connection = new HttpConnection(host, port);
        connection.connect();
        return connection;
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(TIMEOUT_MS);
        s.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
        socket = s;
        out = s.getOutputStream();
        reader = new ByteReader(s.getInputStream(), 64 * 1024);
    }

    /** The bytes of {@code GET path HTTP/1.1} with a Host header. */
    static byte[] get(String host, int port, String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: " + host + ':' + port + "\r\n\r\n").getBytes(ISO_8859_1);
    }

    /** The bytes of {@code PUT path HTTP/1.1} with the body. */
    static byte[] put(String host, int port, String path, String contentType, byte[] body) {
        byte[] head = ("PUT " + path + " HTTP/1.1\r\nHost: " + host + ':' + port + "\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(ISO_8859_1);
        byte[] request = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        return request;
    }

    /**
     * Sends one request and reads the whole answer.
     *
     * @return the HTTP status; the body is then in {@link #body()} until the next exchange
     */
    int exchange(byte[] request) throws IOException {
        if (socket == null) {
            connect();
        }
        boolean fresh = false;
        while (true) {
            try {
                out.write(request);
                out.flush();
                if (!parser.read(reader)) {
                    throw new java.io.EOFException("connection closed before the response");
                }
                if (parser.connectionClose()) {
                    closeSocket();
                }
                return parser.status();
            } catch (IOException e) {
                closeSocket();
                if (fresh) {
                    throw e;
                }
                connect(); // a keep-alive connection the server timed out: retry once on a new one
                fresh = true;
            }
        }
    }

    /** The body of the last response (a copy). */
    byte[] body() {
        return parser.body();
    }

    String bodyText() {
        return new String(parser.bodyBytes(), 0, parser.bodyLength(), UTF_8);
    }

    int bodyLength() {
        return parser.bodyLength();
    }

    /** The buffer holding the last body (its first {@link #bodyLength()} bytes), not a copy: valid until the next exchange. */
    byte[] bodyBytes() {
        return parser.bodyBytes();
    }

    /**
     * The value of the first {@code "name":<integer>} in the last body, or -1 if there is none: enough to read
     * {@code eventCount} from a device state without a JSON library on the hot path.
     */
    long jsonLong(String name) {
        byte[] needle = ('"' + name + "\":").getBytes(UTF_8);
        byte[] bytes = parser.bodyBytes();
        int length = parser.bodyLength();
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            long value = 0;
            int k = i + needle.length;
            while (k < length && bytes[k] == ' ') {
                k++;
            }
            int start = k;
            while (k < length && bytes[k] >= '0' && bytes[k] <= '9') {
                value = value * 10 + (bytes[k] - '0');
                k++;
            }
            return k == start ? -1 : value;
        }
        return -1;
    }

    private void closeSocket() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // already broken; a new connection follows
            }
            socket = null;
        }
    }

    @Override
    public void close() {
        closeSocket();
    }

    /** Parses one HTTP/1.1 response from a {@link ByteReader}; separate from the socket so tests can feed it bytes. */
    static final class ResponseParser {
        private final ByteReader.Body body = new ByteReader.Body();
        private int status;
        private int bodyLength;
        private boolean connectionClose;

        /**
         * Reads the status line, headers and body.
         *
         * @return false if the stream ended before the status line (the server closed the connection)
         */
        boolean read(ByteReader in) throws IOException {
            if (!in.readLine()) {
                return false;
            }
            // "HTTP/1.1 200 OK": the status is the three digits after the first space
            byte[] line = in.line();
            int space = -1;
            for (int i = 0; i < in.lineLength(); i++) {
                if (line[i] == ' ') {
                    space = i;
                    break;
                }
            }
            if (space < 0 || space + 4 > in.lineLength() || !in.lineStartsWithIgnoreCase("HTTP/".getBytes(ISO_8859_1))) {
                throw new IOException("not an HTTP status line: '" + in.lineText() + "'");
            }
            status = (int) in.lineNumber(space + 1, 10);
            long contentLength = -1;
            boolean chunked = false;
            connectionClose = false;
            while (true) {
                if (!in.readLine()) {
                    throw new java.io.EOFException("stream ended inside the headers");
                }
                if (in.lineLength() == 0) {
                    break;
                }
                if (in.lineStartsWithIgnoreCase(CONTENT_LENGTH)) {
                    contentLength = in.lineNumber(CONTENT_LENGTH.length, 10);
                } else if (in.lineStartsWithIgnoreCase(TRANSFER_ENCODING)) {
                    chunked = in.lineContainsIgnoreCase(CHUNKED, TRANSFER_ENCODING.length);
                } else if (in.lineStartsWithIgnoreCase(CONNECTION)) {
                    connectionClose = in.lineContainsIgnoreCase(CLOSE, CONNECTION.length);
                }
            }
            if (status / 100 == 1 || status == 204 || status == 304) {
                bodyLength = 0;
            } else if (chunked) {
                bodyLength = readChunked(in);
            } else if (contentLength >= 0) {
                if (contentLength > Integer.MAX_VALUE - 8) {
                    throw new IOException("body too large: " + contentLength);
                }
                body.ensure((int) contentLength);
                in.readFully(body.bytes, 0, (int) contentLength);
                bodyLength = (int) contentLength;
            } else {
                bodyLength = in.readToEnd(body, 0); // no length: the body runs to the end of the connection
                connectionClose = true;
            }
            return true;
        }

        private int readChunked(ByteReader in) throws IOException {
            int length = 0;
            while (true) {
                if (!in.readLine()) {
                    throw new java.io.EOFException("stream ended before a chunk size");
                }
                long size = in.lineNumber(0, 16); // extensions after ';' are ignored
                if (size == 0) {
                    while (in.readLine() && in.lineLength() > 0) {
                        // trailer fields: not needed
                    }
                    return length;
                }
                body.ensure((int) (length + size));
                in.readFully(body.bytes, length, (int) size);
                length += (int) size;
                in.expectCrlf();
            }
        }

        int status() {
            return status;
        }

        boolean connectionClose() {
            return connectionClose;
        }

        int bodyLength() {
            return bodyLength;
        }

        byte[] bodyBytes() {
            return body.bytes;
        }

        byte[] body() {
            return Arrays.copyOf(body.bytes, bodyLength);
        }
    }

    /** For tests: a parser over any input stream. */
    static ByteReader readerOf(InputStream in) {
        return new ByteReader(in, 16);
    }
}
