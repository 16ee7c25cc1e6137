package io.spectracache.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScanBoundsTest {

    @Test
    void shouldAdmitOnlyKeysWithThePrefixAfterTheCursor() {
        ScanBounds bounds = ScanBounds.of("user:", null, null, "user:10");
        assertThat(bounds.admits("user:11")).isTrue();
        assertThat(bounds.admits("user:10")).isFalse();
        assertThat(bounds.admits("users")).isFalse();
        assertThat(bounds.lowerInclusive()).isEqualTo("user:10");
        assertThat(bounds.isPastEnd("user;")).isTrue();
        assertThat(bounds.isPastEnd("user:99")).isFalse();
    }

    @Test
    void shouldTreatFromAsInclusiveAndToAsExclusive() {
        ScanBounds bounds = ScanBounds.of("", "b", "d", "");
        assertThat(bounds.admits("a")).isFalse();
        assertThat(bounds.admits("b")).isTrue();
        assertThat(bounds.admits("c")).isTrue();
        assertThat(bounds.admits("d")).isFalse();
        assertThat(bounds.isPastEnd("d")).isTrue();
    }

    @Test
    void shouldOrderKeysAsTheirUtf8BytesNotAsUtf16() {
        String supplementary = new String(Character.toChars(0x1F600)); // 4 bytes in UTF-8, a surrogate pair in UTF-16
        String privateUse = "\uE000";                                  // 3 bytes in UTF-8, one UTF-16 unit above surrogates
        assertThat(supplementary.compareTo(privateUse)).isNegative();  // what String would say...
        assertThat(KeyOrder.UTF8.compare(supplementary, privateUse)).isPositive(); // ...and what RocksDB does
        List<String> keys = new ArrayList<>(List.of("b", "a", "ab", "", "a\u00e9"));
        keys.sort(KeyOrder.UTF8);
        assertThat(keys).containsExactly("", "a", "ab", "a\u00e9", "b");
    }
}
