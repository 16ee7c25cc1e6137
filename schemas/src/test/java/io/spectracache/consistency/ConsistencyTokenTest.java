package io.spectracache.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConsistencyTokenTest {

    @Test
    void shouldDecodeWhatItEncodes() {
        ConsistencyToken token = ConsistencyToken.of("spectra.kv.writes", 3, 1_234_567_890_123L);
        assertThat(ConsistencyToken.decode(token.encode())).isEqualTo(token);
    }

    @Test
    void shouldBeUrlSafeWithoutPadding() {
        String text = ConsistencyToken.of("a.b-c_d", 0, 0).encode();
        assertThat(text).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void shouldKeepTopicsWithColonsIntact() {
        ConsistencyToken token = ConsistencyToken.of("odd:topic", 1, 2);
        assertThat(ConsistencyToken.decode(token.encode()).topic()).isEqualTo("odd:topic");
    }

    @Test
    void shouldRejectTextThatIsNotAToken() {
        assertThatThrownBy(() -> ConsistencyToken.decode("garbage!")).isInstanceOf(IllegalArgumentException.class);
        String wrongVersion = Base64.getUrlEncoder().encodeToString("v9:1:2:t".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ConsistencyToken.decode(wrongVersion)).isInstanceOf(IllegalArgumentException.class);
        String negative = Base64.getUrlEncoder().encodeToString("v1:-1:2:t".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ConsistencyToken.decode(negative)).isInstanceOf(IllegalArgumentException.class);
    }
}
