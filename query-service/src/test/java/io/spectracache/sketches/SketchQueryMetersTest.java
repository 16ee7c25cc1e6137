package io.spectracache.sketches;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class SketchQueryMetersTest {

    private static DistinctWindow dense(String prefix) {
        DistinctWindow window = DistinctWindow.empty();
        for (int i = 0; i < 3_000; i++) {
            window.update((prefix + i).getBytes(StandardCharsets.UTF_8));
        }
        return DistinctWindow.fromImage(window.image());
    }

    @Test
    void shouldReportTheMergeCachesHitsMissesEvictionsAndBytes() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DenseWindowCache cache = new DenseWindowCache(64L << 20);
        SketchQueryMeters.bindMergeCache(registry, cache);
        Bytes lane = Bytes.wrap(new byte[] {1});
        DenseWindowCache.Key day = new DenseWindowCache.Key("scope", lane, 86_400_000L, 0, 0);
        DenseWindowCache.Key other = new DenseWindowCache.Key("scope", lane, 86_400_000L, 86_400_000L, 86_400_000L);

        cache.copies(day, List.of(dense("a-"), dense("b-")));
        cache.copies(day, List.of(dense("a-"), dense("b-")));
        cache.copies(day, List.of(dense("a-"), dense("b-")));
        cache.bound(cache.bytes());
        cache.copies(other, List.of(dense("c-")));

        assertThat(registry.get("spectra.sketches.merge.cache.lookups").tag("outcome", "hit").functionCounter().count())
                .isEqualTo(2);
        assertThat(registry.get("spectra.sketches.merge.cache.lookups").tag("outcome", "miss").functionCounter().count())
                .isEqualTo(2);
        assertThat(registry.get("spectra.sketches.merge.cache.evictions").functionCounter().count())
                .as("the day made room for the other").isEqualTo(1);
        assertThat(registry.get("spectra.sketches.merge.cache.bytes").gauge().value())
                .isEqualTo(cache.bytes()).isPositive();
    }
}
