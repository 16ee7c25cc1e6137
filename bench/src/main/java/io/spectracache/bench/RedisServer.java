package io.spectracache.bench;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} child process on a free loopback port, persistence off, for the side-by-side reads.
 * {@link #close()} stops exactly that process (by its PID: SIGTERM, then SIGKILL after 10 s).
 */
final class RedisServer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final String version;

    private RedisServer(Process process, int port, String version) {
        this.process = process;
        this.port = port;
        this.version = version;
    }

    /** The {@code redis-server} on the PATH, if there is one. */
    static Optional<Path> find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static RedisServer start(Path executable, Path workDir, Duration timeout) throws IOException, InterruptedException {
        int port = freePort();
        Files.createDirectories(workDir);
        Process process = new ProcessBuilder(List.of(executable.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", workDir.toString(),
                "--logfile", workDir.resolve("redis.log").toString()))
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("redis.out").toFile())
                .start();
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue() + "; see " + workDir.resolve("redis.log"));
            }
            try (RespConnection redis = RespConnection.open("127.0.0.1", port)) {
                redis.call(RespConnection.command("PING"));
                redis.call(RespConnection.command("INFO", "server"));
                String version = "?";
                // the INFO bulk holds "redis_version:7.0.15"
                String info = redis.type() == '$' ? infoText(redis) : "";
                int at = info.indexOf("redis_version:");
                if (at >= 0) {
                    int end = info.indexOf('\r', at);
                    version = info.substring(at + "redis_version:".length(), end < 0 ? info.length() : end);
                }
                return new RedisServer(process, port, version);
            } catch (IOException e) {
                last = e;
                Thread.sleep(50);
            }
        }
        process.destroyForcibly();
        throw new IOException("redis-server did not answer on port " + port + " within " + timeout, last);
    }

    private static String infoText(RespConnection redis) {
        return redis.bulkText();
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    String version() {
        return version;
    }

    @Override
    public void close() {
        ProcessHandle handle = process.toHandle();
        handle.destroy(); // SIGTERM to this PID only
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                handle.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            handle.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
