package io.spectracache.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The stable identity of an instance in the Kafka Streams consumer group ({@code group.instance.id}): the same
 * across restarts on the same data directory, so that an instance restarted after a crash is recognised as the
 * member that died and gets its partitions back without a rebalance, instead of waiting for the dead member's
 * session to time out.
 *
 * <pre>{@code
 * String id = InstanceId.resolve(Path.of("data"), "");   // "spectracache-3f9c0a1e2b4d" on first start, the same ever after
 * }</pre>
 *
 * <p>Call it only while holding the directory's {@link DataDirLock}: two processes must never share an id.
 */
public final class InstanceId {
    /** The file inside the data directory that keeps a generated id. */
    public static final String FILE_NAME = "instance.id";

    // Kafka's group.instance.id allows letters, digits, '.', '_' and '-' up to 249 characters; Streams adds "-<n>".
    static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    static final String VALID_DESCRIPTION = "1 to 200 letters, digits, '.', '_' or '-'";

    private InstanceId() {
    }

    /**
     * {@code configured} if not empty; otherwise the id kept in {@code dataDir}, generated and kept there on first
     * use.
     *
     * @throws IllegalStateException if the id found in the file is not a valid group.instance.id
     * @throws UncheckedIOException     if the file cannot be read or written
     */
    public static String resolve(Path dataDir, String configured) {
        requireNonNull(dataDir, "dataDir");
        requireNonNull(configured, "configured");
        if (!configured.isBlank()) {
            return configured.strip(); // validated by ReliabilitySettings
        }
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                return validated(Files.readString(file, UTF_8).strip(), "file " + file.toAbsolutePath());
            }
            String generated = "spectracache-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            Files.createDirectories(dataDir);
            // Written whole or not at all: a crash while writing must never leave a half id behind.
            Path temporary = Files.createTempFile(dataDir, FILE_NAME, ".tmp");
            Files.writeString(temporary, generated + "\n", UTF_8);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return generated;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep this instance's id in " + file.toAbsolutePath(), e);
        }
    }

    private static String validated(String id, String source) {
        if (!VALID.matcher(id).matches()) {
            throw new IllegalStateException("the instance id '" + id + "' in " + source + " is not valid ("
                    + VALID_DESCRIPTION + "): fix the file, or delete it to get a new id");
        }
        return id;
    }
}
