package io.spectracache.server;

import java.lang.reflect.Field;
import java.util.Arrays;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Under {@code -Pcontainers}, disables every test class that runs against a {@link TestCluster} when no Docker
 * engine answers, so the build reports them as skipped. Registered through {@code META-INF/services} and JUnit's
 * extension auto-detection, which the profile turns on; the test classes themselves carry nothing.
 */
public final class NeedsDockerForContainerKafka implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        boolean usesCluster = context.getTestClass()
                .map(type -> Arrays.stream(type.getDeclaredFields()).map(Field::getType).anyMatch(TestCluster.class::equals))
                .orElse(false);
        if (!usesCluster || context.getTestMethod().isPresent()) {
            return ConditionEvaluationResult.enabled("not a test class on the shared test cluster");
        }
        return DockerClientFactory.instance().isDockerAvailable()
                ? ConditionEvaluationResult.enabled("Docker answers: the test cluster is a Testcontainers Kafka")
                : ConditionEvaluationResult.disabled("no Docker engine here: skipped under -Pcontainers");
    }
}
