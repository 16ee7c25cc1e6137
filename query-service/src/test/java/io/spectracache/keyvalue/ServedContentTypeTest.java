package io.spectracache.keyvalue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Stored content types are never rendered as active content on our origin (issue 6, item 8). */
class ServedContentTypeTest {
    @Test
    void shouldServeTheShortSafeListInline() {
        for (String type : new String[] {"text/plain", "text/plain; charset=utf-8", "application/json", "Application/JSON",
                "application/octet-stream", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain;charset=\"utf-8\""}) {
            ServedContentType served = ServedContentType.of(type);
            assertThat(served.attachment()).as(type).isFalse();
            assertThat(served.contentType()).isEqualTo(type);
        }
    }

    @Test
    void shouldServeActiveAndUnknownTypesAsAttachments() {
        for (String type : new String[] {"text/html", "TEXT/HTML; charset=utf-8", "image/svg+xml", "application/xml", "text/xml",
                "application/xhtml+xml", "application/javascript", "text/javascript", "application/pdf", "text/css",
                "application/x-shockwave-flash", "multipart/x-mixed-replace; boundary=x", "text/vnd.wap.wml", "x/unknown"}) {
            ServedContentType served = ServedContentType.of(type);
            assertThat(served.attachment()).as(type).isTrue();
            assertThat(served.contentType()).as("kept as stored, since it is well-formed").isEqualTo(type);
        }
    }

    @Test
    void shouldNeverEchoAMalformedContentTypeVerbatim() {
        ServedContentType script = ServedContentType.of("text/html; <script>alert(1)</script>");
        assertThat(script.contentType()).isEqualTo("text/html");
        assertThat(script.attachment()).isTrue();

        ServedContentType plainWithJunk = ServedContentType.of("text/plain; <b>");
        assertThat(plainWithJunk.contentType()).isEqualTo("text/plain");
        assertThat(plainWithJunk.attachment()).as("malformed: attachment whatever the type").isTrue();

        for (String type : new String[] {"<script>", "text/html\r\nSet-Cookie: a=b", "text", "/html", "text/h tml", "t\u00e9xt/plain"}) {
            ServedContentType served = ServedContentType.of(type);
            assertThat(served.contentType()).as(type).isEqualTo("application/octet-stream");
            assertThat(served.attachment()).as(type).isTrue();
        }
    }

    @Test
    void shouldServeAValueWithoutAContentTypeAsBytes() {
        assertThat(ServedContentType.of(null)).isEqualTo(new ServedContentType("application/octet-stream", false));
        assertThat(ServedContentType.of("  ")).isEqualTo(new ServedContentType("application/octet-stream", false));
    }
}
