package io.spectracache.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 6, "reads say what they saw": {@code consistency=latest} (the default) shows a write as soon as it is
 * applied, inside the transaction in flight; {@code consistency=committed} shows it only once that transaction
 * committed. A long commit interval makes the difference visible.
 */
@Tag("integration")
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class ReadConsistencyIT {
    private static TestCluster cluster;
    private static SpectraCache cache;

    @BeforeAll
    static void start() {
        cluster = new TestCluster("consistency-it");
        Map<String, Object> settings = cluster.instanceSettings("one");
        settings.put(SpectraConfig.COMMIT_INTERVAL_MS_CONFIG, 6_000L);
        cache = cluster.startInstance(settings);
    }

    @AfterAll
    static void stop() {
        if (cache != null) {
            cache.close();
        }
        cluster.close();
    }

    @Test
    void shouldShowAWriteToLatestReadsBeforeItsTransactionCommitsAndToCommittedReadsOnlyAfter() {
        int seenOnlyByLatest = 0;
        for (int attempt = 0; attempt < 5 && seenOnlyByLatest == 0; attempt++) {
            String key = "/v1/kv/pending-" + attempt;
            TestCluster.put(cache.restPort(), key, "v" + attempt, "text/plain");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                    .until(() -> TestCluster.get(cache.restPort(), key).statusCode() == 200);
            HttpResponse<String> committed = TestCluster.get(cache.restPort(), key + "?consistency=committed");
            if (committed.statusCode() == 404) {
                seenOnlyByLatest++;
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(TestCluster.get(cache.restPort(), key + "?consistency=committed").body()).isEqualTo("v" + key.charAt(key.length() - 1)));
        }
        assertThat(seenOnlyByLatest).as("a write seen by a latest read but not yet by a committed read").isPositive();
    }

    @Test
    void shouldRefuseAnUnknownConsistencyLevelWithASentence() {
        HttpResponse<String> answer = TestCluster.get(cache.restPort(), "/v1/kv/anything?consistency=eventual");
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("'latest'", "'committed'");
    }
}
