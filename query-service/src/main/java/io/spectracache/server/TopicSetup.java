package io.spectracache.server;

import io.spectracache.topics.TopicSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the contract topics that do not exist yet and remembers how many partitions each has. Existing
 * topics are never altered: their partition count is the operator's decision.
 */
final class TopicSetup {
    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
    private static final long TIMEOUT_SECONDS = 60;

    private final String prefix;
    private final Map<String, Integer> partitions;

    private TopicSetup(String prefix, Map<String, Integer> partitions) {
        this.prefix = prefix;
        this.partitions = Map.copyOf(partitions);
    }

    static TopicSetup ensure(List<TopicSpec<?, ?>> topics, String bootstrapServers, Map<String, Object> clientOverrides,
                             String prefix, int partitionCount, short replicationFactor) {
        Map<String, Object> props = new HashMap<>(clientOverrides);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "spectracache-topic-setup");
        try (Admin admin = Admin.create(props)) {
            List<NewTopic> wanted = new ArrayList<>();
            for (TopicSpec<?, ?> spec : topics) {
                NewTopic topic = new NewTopic(spec.name(prefix), Optional.of(partitionCount),
                        replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor));
                if (spec.compacted()) {
                    topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                }
                wanted.add(topic);
            }
            admin.createTopics(wanted).values().forEach((name, future) -> {
                try {
                    future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    LOG.info("created topic {} with {} partitions", name, partitionCount);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("cannot create topic " + name + ": " + e, e);
                }
            });
            Map<String, Integer> counts = new HashMap<>();
            Map<String, TopicDescription> described = describe(admin, wanted.stream().map(NewTopic::name).toList());
            described.forEach((name, description) -> counts.put(name, description.partitions().size()));
            return new TopicSetup(prefix, counts);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting up topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe the SpectraCache topics on " + bootstrapServers + ": " + e, e);
        }
    }

    /**
     * Describes topics that may have been created a moment ago: a broker answers "unknown topic" until the new
     * topic reached its metadata cache (Kafka 4.4 answers sooner than that), so that answer is retried for a while.
     */
    private static Map<String, TopicDescription> describe(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /** Every topic of this deployment (full name) and its partition count. */
    Map<String, Integer> partitionCounts() {
        return partitions;
    }

    /** The partition count of a contract topic. */
    int partitionsOf(TopicSpec<?, ?> spec) {
        Integer count = partitions.get(spec.name(prefix));
        if (count == null) {
            throw new IllegalArgumentException("not a topic of this deployment: " + spec.name(prefix));
        }
        return count;
    }
}
