package io.spectracache.bench;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class RespConnectionTest {

    @Test
    void shouldParseEveryReplyTypeTheBenchmarkMeets() throws IOException {
        ByteReader in = new ByteReader(new ByteArrayInputStream(
                ("+OK\r\n$12\r\nhello\r\nworld\r\n$-1\r\n:42\r\n-ERR wrong type\r\n*2\r\n$1\r\na\r\n$-1\r\n").getBytes(ISO_8859_1)), 8);
        RespConnection.ReplyParser parser = new RespConnection.ReplyParser();

        assertThat(parser.read(in)).isEqualTo('+');
        assertThat(parser.text()).isEqualTo("OK");
        assertThat(parser.read(in)).isEqualTo('$');
        assertThat(parser.bulkText()).as("CR LF inside a bulk string is data").isEqualTo("hello\r\nworld");
        assertThat(parser.read(in)).isEqualTo('$');
        assertThat(parser.bulkLength()).as("nil").isEqualTo(-1);
        assertThat(parser.read(in)).isEqualTo(':');
        assertThat(parser.text()).isEqualTo("42");
        assertThat(parser.read(in)).isEqualTo('-');
        assertThat(parser.read(in)).isEqualTo('*');
    }

    @Test
    void shouldEncodeCommandsAsArraysOfBulkStrings() {
        assertThat(new String(RespConnection.command("GET", "bench-device-000001"), ISO_8859_1))
                .isEqualTo("*2\r\n$3\r\nGET\r\n$19\r\nbench-device-000001\r\n");
    }
}
