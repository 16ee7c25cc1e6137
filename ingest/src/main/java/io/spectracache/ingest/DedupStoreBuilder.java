package io.spectracache.ingest;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Builds one {@link DedupStore} per task over Kafka Streams' own persistent window store (metered, changelogged,
 * RocksDB, no record cache), all sharing one memory {@link DedupStore.Budget}.
 *
 * <p>The changelog is configured as Kafka Streams configures a window store's ({@code compact,delete}, retention
 * the store's plus a day): Kafka Streams only recognises its own window-store builders, and without this the
 * changelog would be compacted only and keep every batch forever.
 */
final class DedupStoreBuilder implements StoreBuilder<DedupStore> {
    /** How long the changelog keeps a batch beyond the store's retention, as Kafka Streams' default for windows. */
    static final Duration CHANGELOG_EXTRA_RETENTION = Duration.ofDays(1);

    private final String name;
    private final long windowMs;
    private final long retentionMs;
    private final DedupStore.Budget budget;
    private boolean logging = true;
    private Map<String, String> logConfig;

    DedupStoreBuilder(String name, Duration window, long maxIds) {
        this.name = requireNonNull(name, "name");
        this.windowMs = window.toMillis();
        // Two windows: a batch's window start is the newest receipt in it (or a little later), and every id in it
        // must stay for a full window after the newest receipt of the partition.
        this.retentionMs = 2 * windowMs + 1;
        this.budget = new DedupStore.Budget(maxIds);
        this.logConfig = defaultLogConfig();
    }

    long retentionMs() {
        return retentionMs;
    }

    private Map<String, String> defaultLogConfig() {
        Map<String, String> config = new HashMap<>();
        config.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE);
        config.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs + CHANGELOG_EXTRA_RETENTION.toMillis()));
        return config;
    }

    @Override
    public StoreBuilder<DedupStore> withCachingEnabled() {
        throw new UnsupportedOperationException("the de-duplication store is its own cache; Kafka Streams' record cache "
                + "below it would only copy every batch once more");
    }

    @Override
    public StoreBuilder<DedupStore> withCachingDisabled() {
        return this;
    }

    @Override
    public StoreBuilder<DedupStore> withLoggingEnabled(Map<String, String> config) {
        logging = true;
        logConfig = defaultLogConfig();
        logConfig.putAll(requireNonNull(config, "config"));
        return this;
    }

    @Override
    public StoreBuilder<DedupStore> withLoggingDisabled() {
        logging = false;
        logConfig = new HashMap<>();
        return this;
    }

    @Override
    public DedupStore build() {
        StoreBuilder<WindowStore<String, IdBatch>> inner = Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(name, Duration.ofMillis(retentionMs), Duration.ofMillis(windowMs), false),
                        Serdes.String(), IdBatch.Serde.INSTANCE)
                .withCachingDisabled();
        inner = logging ? inner.withLoggingEnabled(logConfig) : inner.withLoggingDisabled();
        return new DedupStore(inner.build(), windowMs, budget);
    }

    @Override
    public Map<String, String> logConfig() {
        return logConfig;
    }

    @Override
    public boolean loggingEnabled() {
        return logging;
    }

    @Override
    public String name() {
        return name;
    }
}
