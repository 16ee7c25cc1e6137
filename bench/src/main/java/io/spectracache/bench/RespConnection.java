package io.spectracache.bench;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A minimal Redis (RESP2) client over one socket, the counterpart of {@link HttpConnection}: pre-built commands,
 * one write, a reply parsed into a reused buffer. Supports what the benchmark needs (simple strings, errors,
 * integers, bulk strings, pipelining); not thread-safe.
 */
final class RespConnection implements AutoCloseable {
    private static final int TIMEOUT_MS = 30_000;

    private final Socket socket;
    private final OutputStream out;
    private final ByteReader reader;
    private final ReplyParser parser = new ReplyParser();

    private RespConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.reader = new ByteReader(socket.getInputStream(), 64 * 1024);
    }

    static RespConnection open(String host, int port) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(TIMEOUT_MS);
        socket.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
        return new RespConnection(socket);
    }

    /** A command as a RESP array of bulk strings, e.g. {@code command("GET", key)}. */
    static byte[] command(byte[]... parts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(("*" + parts.length + "\r\n").getBytes(ISO_8859_1));
        for (byte[] part : parts) {
            bytes.writeBytes(("$" + part.length + "\r\n").getBytes(ISO_8859_1));
            bytes.writeBytes(part);
            bytes.writeBytes("\r\n".getBytes(ISO_8859_1));
        }
        return bytes.toByteArray();
    }

    static byte[] command(String... parts) {
        byte[][] bytes = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            bytes[i] = parts[i].getBytes(UTF_8);
        }
        return command(bytes);
    }

    /** Sends one command and reads its reply; see {@link #type()} and {@link #bulkLength()}. */
    char call(byte[] command) throws IOException {
        out.write(command);
        out.flush();
        return parser.read(reader);
    }

    /** Sends many commands in one write and reads every reply; returns how many replies were errors. */
    int pipeline(byte[][] commands) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] command : commands) {
            all.writeBytes(command);
        }
        out.write(all.toByteArray());
        out.flush();
        int errors = 0;
        for (int i = 0; i < commands.length; i++) {
            if (parser.read(reader) == '-') {
                errors++;
            }
        }
        return errors;
    }

    char type() {
        return parser.type;
    }

    /** Length of the last bulk reply, -1 for a nil reply. */
    int bulkLength() {
        return parser.bulkLength;
    }

    /** Elements of the last array reply (its top level), -1 for a nil array. */
    long arrayLength() {
        return parser.arrayLength;
    }

    String text() {
        return parser.text;
    }

    /** The last bulk reply as UTF-8 text, null for nil. */
    String bulkText() {
        return parser.bulkText();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Parses one RESP2 reply; separate from the socket so tests can feed it bytes. */
    static final class ReplyParser {
        private final ByteReader.Body body = new ByteReader.Body();
        private char type;
        private int bulkLength;
        private long arrayLength;
        private String text;

        /** @return the reply type: '+', '-', ':', '$' or '*' */
        char read(ByteReader in) throws IOException {
            if (!in.readLine() || in.lineLength() == 0) {
                throw new java.io.EOFException("connection closed before the reply");
            }
            type = (char) in.line()[0];
            text = null;
            bulkLength = -1;
            arrayLength = -1;
            switch (type) {
                case '+', '-', ':' -> text = in.lineText().substring(1);
                case '$' -> {
                    if (in.lineLength() > 1 && in.line()[1] == '-') {
                        bulkLength = -1; // nil
                    } else {
                        bulkLength = (int) in.lineNumber(1, 10);
                        body.ensure(bulkLength);
                        in.readFully(body.bytes, 0, bulkLength);
                        in.expectCrlf();
                    }
                }
                case '*' -> {
                    if (in.lineLength() > 1 && in.line()[1] == '-') {
                        arrayLength = -1;
                        return type;
                    }
                    long elements = in.lineNumber(1, 10);
                    for (long i = 0; i < elements; i++) {
                        read(in);
                    }
                    type = '*';
                    arrayLength = elements; // after the elements, which are replies of their own
                }
                default -> throw new IOException("not a RESP reply: '" + in.lineText() + "'");
            }
            return type;
        }

        char type() {
            return type;
        }

        int bulkLength() {
            return bulkLength;
        }

        long arrayLength() {
            return arrayLength;
        }

        String bulkText() {
            return bulkLength < 0 ? null : new String(body.bytes, 0, bulkLength, UTF_8);
        }

        String text() {
            return text;
        }
    }
}
