package io.spectracache.chaos;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One child OS process of a test (a SpectraCache instance, a Kafka node), with its output in a log file. Ended
 * only by its own PID: {@link #kill()} is a {@code kill -9}, {@link #terminate(Duration)} a SIGTERM.
 *
 * <pre>{@code
 * try (ManagedProcess p = ManagedProcess.start("a", ManagedProcess.java(List.of("-Xmx256m"), "-jar", jar), log)) {
 *     p.kill();
 * }
 * }</pre>
 */
public final class ManagedProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private ManagedProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command}, its stdout and stderr appended to {@code log}. */
    public static ManagedProcess start(String name, List<String> command, Path log) {
        requireNonNull(name, "name");
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Files.writeString(log, "=== " + java.time.LocalTime.now() + " " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            return new ManagedProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /**
     * The option giving a child JVM {@code dir} (made here) as its temporary directory. A killed JVM never deletes what
     * it extracted there (RocksDB's native library, 15 MB a start; lz4's), so a test keeps it under its own root,
     * removed with it, rather than in {@code /tmp}, where every kill of every run would leave one behind.
     */
    public static String tmpdirUnder(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "-Djava.io.tmpdir=" + dir;
    }

    /** The command line of a JVM like this one: {@code java <jvmArgs> <rest>}. */
    public static List<String> java(List<String> jvmArgs, String... rest) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(List.of(rest));
        return command;
    }

    /**
     * The runnable jar the module builds in {@code package} (failsafe runs after it), with its {@code lib/}.
     *
     * @throws IllegalStateException if it was not built
     */
    public static Path spectracacheJar() {
        Path jar = Path.of("target", "spectracache.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar) || !Files.isDirectory(jar.resolveSibling("lib"))) {
            throw new IllegalStateException(jar + " (and lib/) is missing: run the integration tests with "
                    + "`mvn verify`, which builds it in the package phase first");
        }
        return jar;
    }

    /** The test classes plus the runnable jar (whose manifest names every runtime library): for test-side mains. */
    public static String testClasspath() {
        return Path.of("target", "test-classes").toAbsolutePath() + java.io.File.pathSeparator + spectracacheJar();
    }

    /** Whether the log's last run (after its last {@code ===} start line) printed {@code text}. */
    public boolean lastRunPrinted(String text) {
        String all = logText();
        int start = all.lastIndexOf("=== ");
        return all.indexOf(text, Math.max(start, 0)) >= 0;
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** The log so far, for assertions and failure messages. */
    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** {@code kill -9}, then waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        waitQuietly(Duration.ofSeconds(30));
    }

    /**
     * SIGTERM, then waits up to {@code timeout} for the process to end; kills it if it did not.
     *
     * @return how long it took to end after the signal; {@code null} if it had to be killed
     */
    public Duration terminate(Duration timeout) {
        long start = System.nanoTime();
        process.destroy();
        if (waitQuietly(timeout)) {
            return Duration.ofNanos(System.nanoTime() - start);
        }
        kill();
        return null;
    }

    /** Waits up to {@code timeout} for the process to end on its own; its exit status, or null if still running. */
    public Integer awaitExit(Duration timeout) {
        return waitQuietly(timeout) ? process.exitValue() : null;
    }

    private boolean waitQuietly(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return name + "(pid " + pid() + ")";
    }
}
