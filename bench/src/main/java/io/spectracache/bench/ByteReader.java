package io.spectracache.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A small, unsynchronised buffered reader of protocol bytes (HTTP/1.1, RESP): CRLF-terminated lines and bodies of
 * known length, without creating a String per line. Not thread-safe: one per connection.
 */
final class ByteReader {
    private final InputStream in;
    private final byte[] buffer;
    private int position;
    private int limit;
    private byte[] line = new byte[256];
    private int lineLength;

    ByteReader(InputStream in, int bufferSize) {
        this.in = in;
        this.buffer = new byte[bufferSize];
    }

    /** False if the stream ended before any byte was available. */
    boolean fill() throws IOException {
        if (position < limit) {
            return true;
        }
        int read = in.read(buffer, 0, buffer.length);
        if (read <= 0) {
            return false;
        }
        position = 0;
        limit = read;
        return true;
    }

    /**
     * Reads one line up to LF; the line (without CR LF) is then in {@link #line()} / {@link #lineLength()}.
     *
     * @return false if the stream ended before the first byte of the line
     * @throws EOFException if it ended inside the line
     */
    boolean readLine() throws IOException {
        lineLength = 0;
        boolean any = false;
        while (true) {
            if (!fill()) {
                if (!any) {
                    return false;
                }
                throw new EOFException("stream ended inside a line");
            }
            any = true;
            int start = position;
            while (position < limit) {
                if (buffer[position] == '\n') {
                    append(start, position - start);
                    position++;
                    if (lineLength > 0 && line[lineLength - 1] == '\r') {
                        lineLength--;
                    }
                    return true;
                }
                position++;
            }
            append(start, position - start);
        }
    }

    private void append(int start, int length) {
        if (lineLength + length > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
        }
        System.arraycopy(buffer, start, line, lineLength, length);
        lineLength += length;
    }

    byte[] line() {
        return line;
    }

    int lineLength() {
        return lineLength;
    }

    /** Copies exactly {@code length} bytes into {@code target} at {@code offset}. */
    void readFully(byte[] target, int offset, int length) throws IOException {
        int done = 0;
        while (done < length) {
            if (!fill()) {
                throw new EOFException("stream ended after " + done + " of " + length + " bytes");
            }
            int n = Math.min(length - done, limit - position);
            System.arraycopy(buffer, position, target, offset + done, n);
            position += n;
            done += n;
        }
    }

    /** Reads until the stream ends, appending to {@code target} from {@code offset}; returns the new length. */
    int readToEnd(Body target, int offset) throws IOException {
        int length = offset;
        while (fill()) {
            int n = limit - position;
            target.ensure(length + n);
            System.arraycopy(buffer, position, target.bytes, length, n);
            position = limit;
            length += n;
        }
        return length;
    }

    /** Skips an expected CR LF. */
    void expectCrlf() throws IOException {
        if (!readLine() || lineLength != 0) {
            throw new IOException("protocol error: expected CRLF");
        }
    }

    /** A growable byte array for response bodies, reused across requests. */
    static final class Body {
        byte[] bytes = new byte[4096];

        void ensure(int capacity) {
            if (capacity > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, capacity));
            }
        }
    }

    /** The line as ASCII text (for error messages and tests, not the hot path). */
    String lineText() {
        return new String(line, 0, lineLength, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** True if the current line starts with {@code prefix}, ignoring ASCII case. */
    boolean lineStartsWithIgnoreCase(byte[] prefix) {
        if (lineLength < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (lower(line[i]) != lower(prefix[i])) {
                return false;
            }
        }
        return true;
    }

    /** True if the current line contains {@code token} anywhere after {@code from}, ignoring ASCII case. */
    boolean lineContainsIgnoreCase(byte[] token, int from) {
        outer:
        for (int i = from; i + token.length <= lineLength; i++) {
            for (int j = 0; j < token.length; j++) {
                if (lower(line[i + j]) != lower(token[j])) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Parses a non-negative decimal (or, with radix 16, hex) number from {@code from}, skipping blanks around it. */
    long lineNumber(int from, int radix) throws IOException {
        int i = from;
        while (i < lineLength && (line[i] == ' ' || line[i] == '\t')) {
            i++;
        }
        long value = 0;
        int digits = 0;
        for (; i < lineLength; i++) {
            int digit = Character.digit(line[i], radix);
            if (digit < 0) {
                break;
            }
            value = value * radix + digit;
            digits++;
        }
        if (digits == 0) {
            throw new IOException("protocol error: no number in '" + lineText() + "'");
        }
        return value;
    }

    private static int lower(byte b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
    }
}
