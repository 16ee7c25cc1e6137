package io.spectracache.keyvalue;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KvWriteRulesTest {
    @Test
    void shouldAcceptKeysOfOneTo1024CharactersLikeRest() {
        assertThat(KvWriteRules.keyProblem("k")).isNull();
        assertThat(KvWriteRules.keyProblem("\u6f22".repeat(1024))).isNull();
        assertThat(KvWriteRules.keyProblem("")).contains("1 to 1024 characters");
        assertThat(KvWriteRules.keyProblem("k".repeat(1025))).contains("this one has 1025");
        assertThat(KvWriteRules.keyProblem(null)).isEqualTo("a cache write needs a key");
    }

    @Test
    void shouldRefuseBytesThatAreNotUtf8InsteadOfReplacingThem() {
        assertThat(KvWriteRules.decodeKey("caf\u00e9 \uD83D\uDE9A".getBytes(UTF_8))).isEqualTo("caf\u00e9 \uD83D\uDE9A");
        assertThat(KvWriteRules.decodeKey(new byte[] {'c', (byte) 0xE9})).isNull();
        assertThat(KvWriteRules.decodeKey(new byte[] {(byte) 0xC3})).isNull();
        // An encoded surrogate (CESU-8) is not UTF-8 either.
        assertThat(KvWriteRules.decodeKey(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).isNull();
        assertThat(KvWriteRules.decodeKey(null)).isNull();
    }

    @Test
    void shouldReadTtlsFromOneSecondToTenYearsOnly() {
        assertThat(KvWriteRules.ttlSeconds("1".getBytes(US_ASCII))).isEqualTo(1);
        assertThat(KvWriteRules.ttlSeconds("315360000".getBytes(US_ASCII))).isEqualTo(315_360_000L);
        assertThat(KvWriteRules.ttlSeconds("0315360000".getBytes(US_ASCII))).isEqualTo(-1);
        assertThat(KvWriteRules.ttlSeconds("315360001".getBytes(US_ASCII))).isEqualTo(-1);
        assertThat(KvWriteRules.ttlSeconds("0".getBytes(US_ASCII))).isEqualTo(-1);
        assertThat(KvWriteRules.ttlSeconds("".getBytes(US_ASCII))).isEqualTo(-1);
        assertThat(KvWriteRules.ttlSeconds(null)).isEqualTo(-1);
    }

    @Test
    void shouldCountTheStoredBytesExactlyAsTheChangelogRecordHasThem() {
        KvEntrySerde serde = new KvEntrySerde();
        for (String contentType : new String[] {null, "text/plain", "x".repeat(300)}) {
            KvEntry entry = KvEntry.of(new byte[777], contentType, 1L, 2L);
            assertThat(KvWriteRules.storedBytes("caf\u00e9", 777, contentType))
                    .isEqualTo("caf\u00e9".getBytes(UTF_8).length + serde.serialize("t", entry).length);
        }
    }
}
