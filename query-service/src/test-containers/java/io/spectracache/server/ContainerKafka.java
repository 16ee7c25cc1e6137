package io.spectracache.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The integration tests' broker as a Testcontainers Kafka ({@code mvn verify -Pcontainers}). Skips the calling test
 * class when no Docker engine answers.
 */
final class ContainerKafka implements TestKafka {
    /** The same Kafka release as every Kafka artifact of the build. */
    static final String IMAGE = "apache/kafka:" + System.getProperty("spectracache.it.kafka.version", "4.4.0");

    private final KafkaContainer container;

    private ContainerKafka(KafkaContainer container) {
        this.container = container;
    }

    static TestKafka start() {
        assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "no Docker engine here: the tests that need a Testcontainers Kafka are skipped");
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(IMAGE));
        container.start();
        return new ContainerKafka(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public void close() {
        container.stop();
    }
}
