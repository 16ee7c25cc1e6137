package io.spectracache.chaos;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * One Kafka KRaft node (controller or broker) as an OS process of its own, so that a test can {@code kill -9} it:
 * {@code java -cp <test classpath> io.spectracache.chaos.KafkaNode <server.properties> <cluster id>}.
 *
 * <p>Formats its log directory on first start only (formatting again would make the log unreadable), starts,
 * prints {@value #READY} on stdout, and runs until the process ends; SIGTERM shuts it down cleanly.
 */
public final class KafkaNode {
    /** Printed once the node has started (for a broker: registered and unfenced). */
    public static final String READY = "KAFKA NODE READY";

    private KafkaNode() {
    }

    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            props.load(in);
        }
        String clusterId = args[1];
        Path logDir = Path.of(props.getProperty("log.dirs"));
        Files.createDirectories(logDir);
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(Integer.parseInt(props.getProperty("node.id")))
                    .setClusterId(clusterId)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logDir.toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "kafka-node-shutdown"));
        server.startup();
        System.out.println(READY);
        System.out.flush();
        server.awaitShutdown();
    }
}
