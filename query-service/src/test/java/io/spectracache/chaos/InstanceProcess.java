package io.spectracache.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A SpectraCache instance as an OS process, started from the module's runnable jar exactly as an operator starts
 * it, and started again on the same data directory and port after a {@code kill -9}.
 */
public final class InstanceProcess implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final List<String> JVM = List.of("-Xmx512m", "-XX:+UseSerialGC", "--add-modules=jdk.incubator.foreign");

    private final String name;
    private final Path dataDir;
    private final int restPort;
    private final List<String> args;
    private final Path log;
    private volatile ManagedProcess process;

    private InstanceProcess(String name, Path dataDir, int restPort, List<String> args, Path log) {
        this.name = name;
        this.dataDir = dataDir;
        this.restPort = restPort;
        this.args = args;
        this.log = log;
    }

    /** An instance against {@code bootstrapServers}, not started yet; {@code settings} go in as {@code --set}. */
    public static InstanceProcess of(String name, Path root, String bootstrapServers, Map<String, String> settings) {
        int port = KafkaCluster.freePort();
        Path dataDir = root.resolve(name);
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", bootstrapServers, "--data-dir", dataDir.toString(),
                "--rest-port", Integer.toString(port), "--advertised-host", "127.0.0.1",
                "--set", "spectracache.rest.host=127.0.0.1", "--set", "spectracache.flight.port=0"));
        settings.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
        return new InstanceProcess(name, dataDir, port, args, root.resolve(name + ".log"));
    }

    /**
     * Starts the process (again, after a kill: same data directory, same port), its temporary files beside its data
     * ({@link ManagedProcess#tmpdirUnder}).
     */
    public void start() {
        List<String> jvm = new ArrayList<>(JVM);
        jvm.add(ManagedProcess.tmpdirUnder(dataDir.resolveSibling(name + "-tmp")));
        List<String> command = ManagedProcess.java(jvm, "-jar", ManagedProcess.spectracacheJar().toString());
        command.addAll(args);
        process = ManagedProcess.start(name, command, log);
    }

    /** {@code kill -9}. */
    public void kill() {
        process.kill();
    }

    /** SIGTERM; how long the process took to end, or null if it had to be killed after {@code timeout}. */
    public Duration terminate(Duration timeout) {
        return process.terminate(timeout);
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Whether {@code /health/ready} answers 200 right now. */
    public boolean ready() {
        return status("/health/ready") == 200;
    }

    /** The status of a GET, or -1 if the instance does not answer. */
    public int status(String pathAndQuery) {
        HttpResponse<String> response = get(pathAndQuery);
        return response == null ? -1 : response.statusCode();
    }

    /** A GET, or null if the instance does not answer within a few seconds. */
    public HttpResponse<String> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET());
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + restPort + pathAndQuery);
    }

    /** Waits until ready; false if the process died or {@code timeout} passed first. */
    public boolean awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!isAlive()) {
                return false;
            }
            if (ready()) {
                return true;
            }
            KafkaCluster.sleep(50);
        }
        return false;
    }

    public String name() {
        return name;
    }

    public Path dataDir() {
        return dataDir;
    }

    public int restPort() {
        return restPort;
    }

    public String logTail() {
        return KafkaCluster.tail(process == null ? "" : process.logText());
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }

    @Override
    public String toString() {
        return name + (process == null ? "" : "(pid " + process.pid() + ")");
    }
}
