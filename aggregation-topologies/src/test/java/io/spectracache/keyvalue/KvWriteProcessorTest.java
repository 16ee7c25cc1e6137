package io.spectracache.keyvalue;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.errors.DeadLetter;
import io.spectracache.topics.KvWriteHeaders;
import io.spectracache.topics.RecordLimits;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The apply step on its own: what it does with a write the check upstream would have refused, and its purge. */
class KvWriteProcessorTest {
    private static final long NOW = 1_795_000_000_000L;
    private static final int MAX_REQUEST_SIZE = 4 * 1024;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private final MockProcessorContext<byte[], byte[]> context = context();
    private final KeyValueStore<String, KvEntry> cache = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(
            KeyValueTopology.STORE.name()), Serdes.String(), new KvEntrySerde()).withLoggingDisabled().build();
    private final KeyValueStore<Bytes, byte[]> index = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(
            KeyValueTopology.EXPIRY_INDEX.name()), Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();

    private static MockProcessorContext<byte[], byte[]> context() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "kv-apply-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.producerPrefix("max.request.size"), MAX_REQUEST_SIZE);
        MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>(props);
        context.setCurrentSystemTimeMs(NOW);
        return context;
    }

    private KvWriteProcessor processor(KeyValueSettings settings) {
        cache.init(context.getStateStoreContext(), cache);
        index.init(context.getStateStoreContext(), index);
        context.addStateStore(cache);
        context.addStateStore(index);
        KvWriteProcessor processor = new KvWriteProcessor(settings, new KvRejections(meters), meters);
        processor.init(context);
        return processor;
    }

    private static Record<String, byte[]> withTtl(String key, long timestamp, long ttlSeconds) {
        Record<String, byte[]> write = new Record<>(key, "v".getBytes(UTF_8), timestamp);
        write.headers().add(KvWriteHeaders.TTL_SECONDS, Long.toString(ttlSeconds).getBytes(UTF_8));
        return write;
    }

    @Test
    void shouldPurgeAnEntryIndexedBelowWhereThePurgeStoppedWhenTheWallClockWentBack() {
        KvWriteProcessor processor = processor(KeyValueSettings.defaults());
        processor.process(withTtl("early", NOW, 1));
        context.setCurrentSystemTimeMs(NOW + 10_000);
        processor.purgeExpired(NOW + 10_000);
        assertThat(cache.get("early")).isNull();

        // The clock set back 10 s: a write due in 2 s lies below where the last purge stopped.
        context.setCurrentSystemTimeMs(NOW);
        processor.process(withTtl("after-clock-jump", NOW, 2));
        assertThat(cache.get("after-clock-jump")).isNotNull();
        processor.purgeExpired(NOW + 3_000);

        assertThat(cache.get("after-clock-jump")).isNull();
        try (KeyValueIterator<Bytes, byte[]> rows = index.all()) {
            assertThat(rows.hasNext()).isFalse();
        }
    }

    @Test
    void shouldResumeACappedPurgeAtTheExpiryItStoppedAtWhenMoreRowsShareIt() {
        KvWriteProcessor processor = processor(KeyValueSettings.defaults().withMaxPurgePerRun(2));
        for (int i = 0; i < 5; i++) {
            processor.process(withTtl("same-" + i, NOW, 1));
        }
        processor.process(withTtl("later", NOW, 5));

        for (int run = 0; run < 3; run++) {
            processor.purgeExpired(NOW + 2_000);
        }

        assertThat(cache.approximateNumEntries()).as("only the later entry is left").isEqualTo(1);
        assertThat(cache.get("later")).isNotNull();
        processor.purgeExpired(NOW + 5_000);
        assertThat(cache.approximateNumEntries()).isZero();
    }

    @Test
    void shouldDeadLetterInsteadOfStoringAnEntryLargerThanTheChangelogAccepts() {
        KvWriteProcessor processor = processor(KeyValueSettings.defaults());
        int room = MAX_REQUEST_SIZE - RecordLimits.FRAMING_BYTES;

        processor.process(new Record<>("fits", new byte[room - 4 - 18], NOW));
        processor.process(new Record<>("big", new byte[room - 3 - 18 + 1], NOW));

        assertThat(cache.get("fits")).isNotNull();
        assertThat(cache.get("big")).isNull();
        assertThat(context.forwarded()).singleElement().satisfies(forwarded -> {
            Record<? extends byte[], ? extends byte[]> letter = forwarded.record();
            assertThat(new String(letter.headers().lastHeader(DeadLetter.REASON).value(), UTF_8)).isEqualTo("oversized");
            assertThat(new String(letter.key(), UTF_8)).isEqualTo("big");
        });
        assertThat(meters.get(KeyValueMeters.WRITES_SKIPPED.meterName())
                .tag(KeyValueMeters.REASON_TAG, "entry-too-large").counter().count()).isEqualTo(1.0);
    }
}
