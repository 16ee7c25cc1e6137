package io.spectracache.rest;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A client that sends exact bytes, for requests no well-behaved HTTP client would send (a body shorter than its
 * Content-Length, broken chunking, a garbage request line), and reads the final answer (1xx interim answers skipped).
 */
public final class RawHttp {
    /** One answer: status, headers (names lower case) and body. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {
    }

    public static Answer exchange(int port, String request) throws IOException {
        return exchange(InetAddress.getLoopbackAddress(), port, request.getBytes(ISO_8859_1), false, Duration.ofSeconds(10));
    }

    /**
     * Sends {@code request} to {@code address:port}, optionally closing the sending side (the client says "no more
     * bytes"), and reads one final answer.
     */
    public static Answer exchange(InetAddress address, int port, byte[] request, boolean closeOutput, Duration timeout) throws IOException {
        try (Socket socket = new Socket(address, port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            try {
                socket.getOutputStream().write(request);
                if (closeOutput) {
                    socket.shutdownOutput();
                }
            } catch (SocketException e) {
                // the server may answer and close before reading everything (a header too large): read its answer
            }
            return read(socket.getInputStream());
        }
    }

    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (true) {
            String text = received.toString(ISO_8859_1);
            Optional<Answer> answer = parse(text);
            if (answer.isPresent()) {
                return answer.get();
            }
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                throw new IOException("no complete answer in time; received: " + text, e);
            } catch (SocketException e) {
                n = -1;
            }
            if (n < 0) {
                return parse(received.toString(ISO_8859_1) + "\u0000eof").orElseThrow(
                        () -> new IOException("connection closed without a complete answer: " + received.toString(ISO_8859_1)));
            }
            received.write(buffer, 0, n);
        }
    }

    // An answer once its head and Content-Length bytes of body are there (or the connection ended: "\0eof").
    private static Optional<Answer> parse(String text) {
        boolean ended = text.endsWith("\u0000eof");
        String rest = ended ? text.substring(0, text.length() - 4) : text;
        while (true) {
            int headEnd = rest.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                return Optional.empty();
            }
            String[] lines = rest.substring(0, headEnd).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            String after = rest.substring(headEnd + 4);
            if (status >= 100 && status < 200) {
                rest = after;
                continue;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            String length = headers.get("content-length");
            if (length != null) {
                int bytes = Integer.parseInt(length);
                if (after.length() < bytes) {
                    return Optional.empty();
                }
                return Optional.of(new Answer(status, headers, utf8(after.substring(0, bytes))));
            }
            return ended ? Optional.of(new Answer(status, headers, utf8(after))) : Optional.empty();
        }
    }

    // Received bytes are kept one char each (ISO-8859-1) to count them; bodies are UTF-8.
    private static String utf8(String bytes) {
        return new String(bytes.getBytes(ISO_8859_1), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** An address of this machine that is not loopback, if it has one (the test then comes from another "host"). */
    public static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof java.net.Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                    return Optional.of(address);
                }
            }
        }
        return Optional.empty();
    }
}
