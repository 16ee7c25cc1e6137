package io.spectracache.chaos;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * A KRaft cluster of real processes: one controller and {@code n} brokers, each a {@link KafkaNode} JVM, so that
 * any broker can be {@code kill -9}ed and started again on its own log directory. Replication factor 3 and
 * {@code min.insync.replicas} 2 by default (fewer with fewer brokers), for every topic including the internal ones.
 *
 * <pre>{@code
 * try (KafkaCluster kafka = KafkaCluster.start(dir, 3)) {
 *     kafka.killBroker(2);
 *     kafka.startBroker(2);
 * }
 * }</pre>
 */
public final class KafkaCluster implements AutoCloseable {
    private static final int CONTROLLER_ID = 3000;
    private static final List<String> JVM = List.of("-Xmx256m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final Path root;
    private final String clusterId = Uuid.randomUuid().toString();
    private final int controllerPort;
    private final Map<Integer, Integer> brokerPorts = new TreeMap<>();
    private final Map<Integer, ManagedProcess> brokers = new HashMap<>();
    private ManagedProcess controller;

    private KafkaCluster(Path root, int brokerCount) {
        this.root = root;
        this.controllerPort = freePort();
        for (int id = 1; id <= brokerCount; id++) {
            brokerPorts.put(id, freePort());
        }
    }

    /** Starts the controller and every broker, and returns once all brokers are registered. */
    public static KafkaCluster start(Path root, int brokerCount) {
        KafkaCluster cluster = new KafkaCluster(root, brokerCount);
        try {
            cluster.controller = cluster.launch("controller", cluster.controllerProperties());
            for (int id : cluster.brokerPorts.keySet()) {
                cluster.brokers.put(id, cluster.launch("broker-" + id, cluster.brokerProperties(id)));
            }
            cluster.awaitReady(cluster.controller, Duration.ofSeconds(90));
            for (ManagedProcess broker : cluster.brokers.values()) {
                cluster.awaitReady(broker, Duration.ofSeconds(90));
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return brokerPorts.values().stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    public Collection<Integer> brokerIds() {
        return brokerPorts.keySet();
    }

    /** {@code kill -9} of one broker. */
    public void killBroker(int id) {
        brokers.get(id).kill();
    }

    /** Starts a broker again on its own log directory and returns once it has registered. */
    public void startBroker(int id) {
        ManagedProcess broker = launch("broker-" + id, brokerProperties(id));
        brokers.put(id, broker);
        awaitReady(broker, Duration.ofSeconds(120));
    }

    /** The broker that leads the most partitions of {@code topics} (ties: the lowest id). */
    public int brokerLeadingMost(Admin admin, Collection<String> topics) throws Exception {
        Map<Integer, Integer> led = new TreeMap<>();
        brokerPorts.keySet().forEach(id -> led.put(id, 0));
        for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
            for (TopicPartitionInfo partition : topic.partitions()) {
                if (partition.leader() != null) {
                    led.merge(partition.leader().id(), 1, Integer::sum);
                }
            }
        }
        return led.entrySet().stream().max(Map.Entry.<Integer, Integer>comparingByValue()
                .thenComparing(Map.Entry.<Integer, Integer>comparingByKey().reversed())).orElseThrow().getKey();
    }

    /** Whether every partition of {@code topics} has all its replicas in sync. */
    public static boolean fullyReplicated(Admin admin, Collection<String> topics) throws Exception {
        for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
            for (TopicPartitionInfo partition : topic.partitions()) {
                if (partition.isr().size() < partition.replicas().size()) {
                    return false;
                }
            }
        }
        return true;
    }

    public Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return Admin.create(props);
    }

    private Map<String, String> controllerProperties() {
        Map<String, String> p = new TreeMap<>();
        p.put("process.roles", "controller");
        p.put("node.id", Integer.toString(CONTROLLER_ID));
        p.put("controller.quorum.voters", CONTROLLER_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", "CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT");
        p.put("log.dirs", root.resolve("controller").toAbsolutePath().toString());
        // A broker that stops heartbeating is fenced, and its partitions get new leaders, after this long.
        p.put("broker.session.timeout.ms", "4000");
        return p;
    }

    private Map<String, String> brokerProperties(int id) {
        int port = brokerPorts.get(id);
        Map<String, String> p = new TreeMap<>();
        p.put("process.roles", "broker");
        p.put("node.id", Integer.toString(id));
        p.put("controller.quorum.voters", CONTROLLER_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", root.resolve("broker-" + id).toAbsolutePath().toString());
        p.put("broker.heartbeat.interval.ms", "1000");
        p.put("num.partitions", "4");
        String replicas = Integer.toString(Math.min(3, brokerPorts.size()));
        String minIsr = Integer.toString(Math.min(2, brokerPorts.size()));
        p.put("default.replication.factor", replicas);
        p.put("min.insync.replicas", minIsr);
        p.put("unclean.leader.election.enable", "false");
        p.put("auto.create.topics.enable", "false");
        p.put("offsets.topic.replication.factor", replicas);
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", replicas);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", replicas);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("num.replica.fetchers", "1");
        return p;
    }

    private ManagedProcess launch(String name, Map<String, String> properties) {
        Path file = root.resolve(name + ".properties");
        try {
            Files.createDirectories(root);
            try (Writer out = Files.newBufferedWriter(file, UTF_8)) {
                Properties props = new Properties();
                props.putAll(properties);
                props.store(out, name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> jvm = new ArrayList<>(JVM);
        jvm.add(ManagedProcess.tmpdirUnder(root.resolve(name + "-tmp")));
        List<String> command = ManagedProcess.java(jvm, "-cp", ManagedProcess.testClasspath(),
                KafkaNode.class.getName(), file.toString(), clusterId);
        return ManagedProcess.start(name, command, root.resolve(name + ".log"));
    }

    private void awaitReady(ManagedProcess node, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!node.lastRunPrinted(KafkaNode.READY)) {
            if (!node.isAlive()) {
                throw new IllegalStateException(node + " died while starting:\n" + tail(node.logText()));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(node + " did not start within " + timeout + ":\n" + tail(node.logText()));
            }
            sleep(100);
        }
    }

    /** {@code kill -9} of every node: the cluster is gone. */
    public void killAll() {
        brokers.values().forEach(ManagedProcess::kill);
        controller.kill();
    }

    /** Kills every node (the test's data goes with the directory). */
    @Override
    public void close() {
        brokers.values().forEach(ManagedProcess::close);
        if (controller != null) {
            controller.close();
        }
    }

    static String tail(String text) {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
