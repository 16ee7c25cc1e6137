package io.spectracache.server;

import io.spectracache.broker.EmbeddedKafka;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Kafka broker of the integration tests: the application's own {@link EmbeddedKafka} in this JVM, or, with
 * {@code mvn verify -Pcontainers}, an {@code apache/kafka} container started by Testcontainers (the class that does
 * it lives in {@code src/test-containers/java}, compiled only under that profile). Without Docker the profile's
 * tests are skipped, not failed.
 */
interface TestKafka extends AutoCloseable {
    /** The system property the {@code containers} profile sets to {@value #CONTAINERS}. */
    String KIND_PROPERTY = "spectracache.it.kafka";
    String CONTAINERS = "containers";

    String bootstrapServers();

    @Override
    void close();

    /** A broker for one test class; {@code dir} holds its log when it runs in this JVM. */
    static TestKafka start(Path dir) {
        if (CONTAINERS.equals(System.getProperty(KIND_PROPERTY))) {
            try {
                return (TestKafka) Class.forName("io.spectracache.server.ContainerKafka").getDeclaredMethod("start").invoke(null);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime; // an assumption that Docker is there, failed: the test is skipped
                }
                throw new IllegalStateException(e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the containers profile's test sources are missing: run with -Pcontainers", e);
            }
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0, 0, Map.of());
        return new TestKafka() {
            @Override
            public String bootstrapServers() {
                return kafka.bootstrapServers();
            }

            @Override
            public void close() {
                kafka.close();
            }
        };
    }
}
