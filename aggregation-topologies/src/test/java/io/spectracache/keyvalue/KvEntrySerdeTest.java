package io.spectracache.keyvalue;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spectracache.testing.GoldenFormatContract;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/** The stored format of {@link KvEntry}: golden files were written from the format's Javadoc, not by the encoder. */
class KvEntrySerdeTest implements GoldenFormatContract<KvEntry> {
    private static final long WRITTEN_AT = 1_795_546_800_123L; // 2026-11-24T19:00:00.123Z
    private static final KvEntry WITH_CONTENT_TYPE =
            KvEntry.of("héllo".getBytes(UTF_8), "text/plain; charset=utf-8", WRITTEN_AT, WRITTEN_AT + 60_000);
    private static final KvEntry WITHOUT_CONTENT_TYPE =
            KvEntry.of(new byte[] {0x00, (byte) 0xff, 0x10}, null, WRITTEN_AT, KvEntry.NEVER);

    private final KvEntrySerde serde = new KvEntrySerde();

    @Override
    public Serde<KvEntry> serde() {
        return serde;
    }

    @Override
    public int requiredPrefix(String name) {
        // The value runs to the end of the record: a cut inside it is a shorter value, not a broken record.
        return golden(name).length - serde.deserialize("t", golden(name)).value().length;
    }

    @Override
    public Map<String, KvEntry> goldenFiles() {
        return Map.of("kv-entry-v1-content-type.bin", WITH_CONTENT_TYPE, "kv-entry-v1-no-content-type.bin", WITHOUT_CONTENT_TYPE);
    }




    @Test
    void shouldRoundTripEmptyAndLargeValuesAndLongContentTypes() {
        byte[] large = new byte[100_000];
        Arrays.fill(large, (byte) 7);
        for (KvEntry entry : new KvEntry[] {
                KvEntry.of(new byte[0], null, 0, KvEntry.NEVER),
                KvEntry.of(new byte[0], "", 1, 2),
                KvEntry.of(large, "application/x-" + "y".repeat(300), Long.MAX_VALUE - 1, Long.MAX_VALUE)}) {
            assertThat(serde.deserialize("t", serde.serialize("t", entry))).isEqualTo(entry);
        }
    }

    @Test
    void shouldKeepNullAsNullBothWays() {
        assertThat(serde.serialize("t", null)).isNull();
        assertThat(serde.deserialize("t", null)).isNull();
    }

    @Test
    void shouldRejectUnknownVersionsAndFlagsInsteadOfMisreadingThem() throws IOException {
        byte[] newerVersion = golden("kv-entry-v1-content-type.bin");
        newerVersion[0] = 2;
        byte[] unknownFlag = golden("kv-entry-v1-content-type.bin");
        unknownFlag[1] = 3;

        assertThatThrownBy(() -> serde.deserialize("t", newerVersion))
                .isInstanceOf(SerializationException.class).hasMessageContaining("version 2");
        assertThatThrownBy(() -> serde.deserialize("t", unknownFlag))
                .isInstanceOf(SerializationException.class).hasMessageContaining("flags");
    }

    @Test
    void shouldRejectTruncatedBytes() throws IOException {
        byte[] golden = golden("kv-entry-v1-content-type.bin");
        for (int length : new int[] {0, 1, 9, 17, 19}) {
            byte[] truncated = Arrays.copyOf(golden, length);
            assertThatThrownBy(() -> serde.deserialize("t", truncated))
                    .as("first %d bytes", length).isInstanceOf(SerializationException.class);
        }
    }

    @Test
    void shouldNotShareItsBytesWithCallers() {
        byte[] bytes = "abc".getBytes(UTF_8);
        KvEntry entry = KvEntry.of(bytes, null, 1, KvEntry.NEVER);
        bytes[0] = 'x';
        entry.value()[1] = 'x';

        assertThat(entry.value()).isEqualTo("abc".getBytes(UTF_8));
        assertThat(entry.valueBuffer().isReadOnly()).isTrue();
    }
}
