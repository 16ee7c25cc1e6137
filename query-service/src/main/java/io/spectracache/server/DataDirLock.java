package io.spectracache.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The exclusive claim of one process on a data directory, held from the first thing an instance does until
 * the last thing it does on close. A second instance on the same directory fails in {@link #acquire(Path)},
 * before it opens the broker's log or a state store, so it can never damage the instance that runs there.
 *
 * <pre>{@code
 * try (DataDirLock lock = DataDirLock.acquire(Path.of("data"))) {
 *     // the broker log and the state stores under data/ are ours until close()
 * }
 * }</pre>
 *
 * <p>The lock is an operating-system file lock ({@link FileChannel#tryLock()}) on {@value #FILE_NAME}: the
 * operating system releases it when the process dies, however it dies, so a {@code kill -9} never leaves a
 * stale lock behind. The file itself stays, holding the PID of the last owner for the message of a refused
 * start.
 */
public final class DataDirLock implements AutoCloseable {
    /** The lock file's name inside the data directory. */
    public static final String FILE_NAME = "spectracache.lock";

    /** Directories (real paths) locked by this JVM; see {@link #acquire(Path)} for why the file lock is not enough. */
    private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final AtomicBoolean released = new AtomicBoolean();

    private DataDirLock(Path dir, Path file, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates {@code dataDir} if needed and locks it for this process.
     *
     * @throws DataDirectoryInUseException if another process, or another instance in this JVM, holds it
     * @throws UncheckedIOException        if the directory or the lock file cannot be created
     */
    public static DataDirLock acquire(Path dataDir) {
        requireNonNull(dataDir, "dataDir");
        Path dir = dataDir.toAbsolutePath().normalize();
        Path real;
        try {
            Files.createDirectories(dir);
            real = dir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dir, e);
        }
        // Checked before any channel is opened: on Linux, closing ANY channel on the file drops every lock this JVM
        // holds on it, so a refused second instance in the same JVM must never open (and close) one.
        if (!HELD_IN_THIS_JVM.add(real)) {
            throw new DataDirectoryInUseException(dir, OptionalLong.of(ProcessHandle.current().pid()));
        }
        Path file = real.resolve(FILE_NAME);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                OptionalLong owner = ownerPid(channel);
                channel.close(); // holds no lock of ours: another process has it
                HELD_IN_THIS_JVM.remove(real);
                throw new DataDirectoryInUseException(dir, owner);
            }
            String owner = ProcessHandle.current().pid() + " " + Instant.now() + "\n";
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(owner.getBytes(UTF_8)), 0);
            channel.force(false);
            return new DataDirLock(real, file, channel, lock);
        } catch (IOException | RuntimeException e) {
            if (!(e instanceof DataDirectoryInUseException)) {
                closeQuietly(channel);
                HELD_IN_THIS_JVM.remove(real);
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot lock the data directory " + dir, io);
            }
            throw (RuntimeException) e;
        }
    }

    // Locks on Linux are advisory: the holder's PID stays readable while it holds the lock.
    private static OptionalLong ownerPid(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(256);
            channel.read(buffer, 0);
            String text = new String(buffer.array(), 0, buffer.position(), UTF_8).trim();
            String first = text.isEmpty() ? "" : text.split("\\s+")[0];
            return OptionalLong.of(Long.parseLong(first));
        } catch (IOException | NumberFormatException unreadable) {
            return OptionalLong.empty();
        }
    }

    /** The lock file, inside the data directory. */
    public Path file() {
        return file;
    }

    /** Releases the directory for the next instance. Idempotent. */
    @Override
    public void close() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock on " + file, e);
        } finally {
            HELD_IN_THIS_JVM.remove(dir);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                // The error being reported is the one that matters; the channel is gone with the process anyway.
            }
        }
    }
}
