package io.spectracache.keyvalue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KvEntryTest {
    @Test
    void shouldBeExpiredFromItsExpiryMillisecondOn() {
        KvEntry entry = KvEntry.of(new byte[] {1}, null, 1_000, 2_000);

        assertThat(entry.isExpiredAt(1_999)).isFalse();
        assertThat(entry.isExpiredAt(2_000)).isTrue();
        assertThat(entry.isExpiredAt(Long.MAX_VALUE)).isTrue();
    }

    @Test
    void shouldNeverExpireWithoutTtl() {
        KvEntry entry = KvEntry.of(new byte[] {1}, null, 1_000, KvEntry.NEVER);

        assertThat(entry.hasExpiry()).isFalse();
        assertThat(entry.isExpiredAt(Long.MAX_VALUE)).isFalse();
    }

    @Test
    void shouldCompareByContent() {
        assertThat(KvEntry.of(new byte[] {1, 2}, "a", 1, 2))
                .isEqualTo(KvEntry.of(new byte[] {1, 2}, "a", 1, 2))
                .hasSameHashCodeAs(KvEntry.of(new byte[] {1, 2}, "a", 1, 2))
                .isNotEqualTo(KvEntry.of(new byte[] {1, 3}, "a", 1, 2))
                .isNotEqualTo(KvEntry.of(new byte[] {1, 2}, null, 1, 2));
    }

    @Test
    void shouldRejectNegativeTimesAndNullValues() {
        assertThatThrownBy(() -> KvEntry.of(null, null, 1, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> KvEntry.of(new byte[0], null, -1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KvEntry.of(new byte[0], null, 1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNotPrintTheValueInToString() {
        assertThat(KvEntry.of("secret".getBytes(java.nio.charset.StandardCharsets.UTF_8), null, 1, 0).toString())
                .contains("valueSize=6").doesNotContain("secret");
    }
}
