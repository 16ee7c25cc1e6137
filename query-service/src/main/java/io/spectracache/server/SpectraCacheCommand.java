package io.spectracache.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code spectracache} command: parses flags, layers the configuration, starts one instance and runs it
 * until the process is asked to stop (SIGTERM or Ctrl-C), then stops it cleanly.
 */
@Command(name = "spectracache", mixinStandardHelpOptions = true, version = "SpectraCache 0.1.0",
        description = "Runs a SpectraCache instance: an embedded Kafka broker (unless --bootstrap-servers is given), "
                + "the ingest and aggregation topologies, and the REST API.",
        sortOptions = false)
public final class SpectraCacheCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with spectracache.* settings.")
    Path configFile;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Use this Kafka cluster; no embedded broker is started.")
    String bootstrapServers;

    @Option(names = "--simulate", paramLabel = "DEVICES", description = "Run the built-in fleet simulator with this many devices.")
    Integer simulateDevices;

    @Option(names = "--simulate-rate", paramLabel = "EVENTS_PER_S", description = "Events per second of the simulated fleet.")
    Integer simulateRate;

    @Option(names = "--rest-port", paramLabel = "PORT", description = "Port of the REST API.")
    Integer restPort;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory of the broker log and the local state.")
    Path dataDir;

    @Option(names = "--advertised-host", paramLabel = "HOST", description = "Host name other instances reach this one by.")
    String advertisedHost;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Any setting below, e.g. --set spectracache.stream.threads=2.")
    Map<String, String> settings = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        SpectraConfig config = SpectraConfig.layered(load(configFile), System.getenv(), flags());
        config.unknownKeys().forEach(key -> System.err.println("warning: unknown setting " + key + " (ignored)"));
        Duration shutdownTimeout = ReliabilitySettings.from(config.originals()).shutdownTimeout();
        CountDownLatch stopped = new CountDownLatch(1);
        SpectraCache cache = SpectraCache.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ShutdownDeadline.start(shutdownTimeout);
            cache.close();
            stopped.countDown();
        }, "spectracache-shutdown"));
        if (cache.awaitReady(Duration.ofMinutes(5))) {
            System.out.printf(Locale.ROOT, "SpectraCache is ready: http://127.0.0.1:%d/ (the dashboard; Kafka at %s)%n",
                    cache.restPort(), cache.bootstrapServers());
        }
        stopped.await();
        return 0;
    }

    private Map<String, String> flags() {
        Map<String, String> flags = new HashMap<>(settings);
        putIfSet(flags, SpectraConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        putIfSet(flags, SpectraConfig.SIMULATE_DEVICES_CONFIG, simulateDevices);
        putIfSet(flags, SpectraConfig.SIMULATE_RATE_CONFIG, simulateRate);
        putIfSet(flags, SpectraConfig.REST_PORT_CONFIG, restPort);
        putIfSet(flags, SpectraConfig.DATA_DIR_CONFIG, dataDir);
        putIfSet(flags, SpectraConfig.ADVERTISED_HOST_CONFIG, advertisedHost);
        return flags;
    }

    private static void putIfSet(Map<String, String> flags, String key, Object value) {
        if (value != null) {
            flags.put(key, value.toString());
        }
    }

    private static Properties load(Path file) {
        Properties properties = new Properties();
        if (file != null) {
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read config file " + file, e);
            }
        }
        return properties;
    }

    /** The settings table for {@code --help}, generated from {@link SpectraConfig#CONFIG}. */
    static String settingsHelp() {
        StringBuilder text = new StringBuilder("%nSettings (file, SPECTRACACHE_* environment variable, or --set):%n");
        for (ConfigDef.ConfigKey key : SpectraConfig.CONFIG.configKeys().values()) {
            text.append(String.format(Locale.ROOT, "  %-44s default: %s%n", key.name,
                    key.defaultValue == null || key.defaultValue.toString().isEmpty() ? "(empty)" : key.defaultValue));
            text.append(wrap(key.documentation.replace("%", "%%"), "      ", 78));
        }
        return text.toString();
    }

    // Wrapped here, with an indent, because the help printer would wrap it to the left margin.
    private static String wrap(String text, String indent, int width) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" ")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
                out.append(line).append("%n");
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        return out.append(line).append("%n").toString();
    }

    /** The incubating module DataSketches 7 needs on Java 17 (PLATFORM.md). */
    static final String FOREIGN_MEMORY_MODULE = "jdk.incubator.foreign";

    public static void main(String[] args) {
        if (ModuleLayer.boot().findModule(FOREIGN_MEMORY_MODULE).isEmpty()) {
            // Without it the first sketch serialised on a stream thread fails (NoClassDefFoundError), long after start.
            System.err.println("cannot start: the JVM needs --add-modules=" + FOREIGN_MEMORY_MODULE + " (Apache "
                    + "DataSketches uses it on Java 17 for the quantile sketches of time series); the ./spectracache "
                    + "launcher sets it, as must any other java command line");
            System.exit(2);
        }
        CommandLine command = new CommandLine(new SpectraCacheCommand());
        command.getCommandSpec().usageMessage().footer(settingsHelp());
        command.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException) {
                cmd.getErr().println("invalid configuration: " + e.getMessage());
                return 2;
            }
            if (e instanceof DataDirectoryInUseException) {
                cmd.getErr().println("cannot start: " + e.getMessage());
                return 3;
            }
            throw e;
        });
        System.exit(command.execute(args));
    }
}
