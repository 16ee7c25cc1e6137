package io.spectracache.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * The tests every binary format we own must pass, against committed golden files written from the format's
 * documentation (not by the encoder): decode each golden file to its value, encode each value to exactly its
 * golden bytes, refuse a newer version (first byte) and every truncation with Kafka's
 * {@link SerializationException}. A serde test implements this and adds what is particular to its format.
 *
 * <pre>{@code
 * class KvEntrySerdeTest implements GoldenFormatContract<KvEntry> {
 *     public Serde<KvEntry> serde() { return new KvEntrySerde(); }
 *     public Map<String, KvEntry> goldenFiles() { return Map.of("kv-entry-v1-content-type.bin", WITH_CONTENT_TYPE); }
 * }
 * }</pre>
 *
 * @param <T> the stored type
 */
public interface GoldenFormatContract<T> {
    /** The serde under test. */
    Serde<T> serde();

    /** Golden file name (under {@code /golden/} on the test classpath) → the value it holds. */
    Map<String, T> goldenFiles();

    /** Reads a golden file from the test classpath. */
    default byte[] golden(String name) {
        try (InputStream in = getClass().getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("golden file %s", name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * How many leading bytes of a golden file a reader needs before the record may end: every shorter cut must be
     * refused. The whole file by default; a format whose last field runs to the end of the record (no length)
     * answers where that field starts.
     */
    default int requiredPrefix(String name) {
        return golden(name).length;
    }

    @Test
    default void shouldDecodeEveryGoldenFile() {
        goldenFiles().forEach((name, value) ->
                assertThat(serde().deserializer().deserialize("t", golden(name))).as(name).isEqualTo(value));
    }

    @Test
    default void shouldEncodeExactlyTheGoldenBytes() {
        goldenFiles().forEach((name, value) ->
                assertThat(serde().serializer().serialize("t", value)).as(name).isEqualTo(golden(name)));
    }

    @Test
    default void shouldRefuseANewerVersionInsteadOfMisreadingIt() {
        goldenFiles().keySet().forEach(name -> {
            byte[] newer = golden(name);
            newer[0] = (byte) (newer[0] + 1);
            assertThatThrownBy(() -> serde().deserializer().deserialize("t", newer)).as(name)
                    .isInstanceOf(SerializationException.class);
        });
    }

    @Test
    default void shouldRefuseEveryTruncation() {
        goldenFiles().keySet().forEach(name -> {
            byte[] whole = golden(name);
            for (int length = 0; length < requiredPrefix(name); length++) {
                byte[] truncated = Arrays.copyOf(whole, length);
                int shown = length;
                assertThatThrownBy(() -> serde().deserializer().deserialize("t", truncated))
                        .as("%s cut to %d bytes", name, shown).isInstanceOf(SerializationException.class);
            }
        });
    }
}
