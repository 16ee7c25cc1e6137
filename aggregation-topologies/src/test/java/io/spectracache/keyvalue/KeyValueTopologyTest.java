package io.spectracache.keyvalue;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.errors.DeadLetter;
import io.spectracache.testing.TopologyHarness;
import io.spectracache.topics.KvWriteHeaders;
import io.spectracache.topics.RecordLimits;
import io.spectracache.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyValueTopologyTest {
    private static final String TOPIC = "spectra.kv.writes";
    private static final Instant START = Instant.parse("2026-11-24T19:00:00Z");
    private static final long START_MS = START.toEpochMilli();

    @TempDir
    java.nio.file.Path stateDir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private TopologyHarness harness;
    private TopologyTestDriver driver;
    private Topology topology;
    private KeyValueStore<String, KvEntry> cache;
    private KeyValueStore<Bytes, byte[]> expiryIndex;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void startDriver() {
        start(KeyValueSettings.defaults().withPurgeInterval(Duration.ofSeconds(1)));
    }

    private void start(KeyValueSettings settings) {
        start(settings, 0, Map.of());
    }

    private void start(KeyValueSettings settings, int writesPartitions) {
        start(settings, writesPartitions, Map.of());
    }

    private void start(KeyValueSettings settings, int writesPartitions, Map<String, Object> extraProps) {
        if (harness != null) {
            harness.close();
        }
        harness = TopologyHarness.of(new KeyValueTopology(settings)).meters(meters)
                .partitionsOf(topic -> writesPartitions).startingAt(START).properties(extraProps).build();
        topology = harness.topology();
        driver = harness.driver();
        dlq = harness.output(Topics.KV_WRITES_DLQ);
        cache = driver.getKeyValueStore(KeyValueTopology.STORE.name());
        expiryIndex = driver.getKeyValueStore(KeyValueTopology.EXPIRY_INDEX.name());
    }

    @AfterEach
    void closeDriver() {
        harness.close();
    }

    private void write(String key, String value, long timestampMs, String... headers) {
        RecordHeaders recordHeaders = new RecordHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            recordHeaders.add(headers[i], headers[i + 1].getBytes(UTF_8));
        }
        driver.createInputTopic(TOPIC, new StringSerializer(), new ByteArraySerializer())
                .pipeInput(new TestRecord<>(key, value == null ? null : value.getBytes(UTF_8), recordHeaders,
                        Instant.ofEpochMilli(timestampMs)));
    }

    private void writeRaw(byte[] key, String value) {
        driver.createInputTopic(TOPIC, new ByteArraySerializer(), new ByteArraySerializer())
                .pipeInput(new TestRecord<>(key, value.getBytes(UTF_8), new RecordHeaders(), Instant.ofEpochMilli(START_MS)));
    }

    private List<TestRecord<byte[], byte[]>> deadLetters() {
        return dlq.readRecordsToList();
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), UTF_8);
    }

    private void put(String key, String value) {
        write(key, value, START_MS);
    }

    private void putWithTtl(String key, String value, long ttlSeconds) {
        write(key, value, START_MS, KvWriteHeaders.TTL_SECONDS, Long.toString(ttlSeconds));
    }

    private String valueOf(String key) {
        KvEntry entry = cache.get(key);
        return entry == null ? null : new String(entry.value(), UTF_8);
    }

    private List<KeyValue<Bytes, byte[]>> indexRows() {
        List<KeyValue<Bytes, byte[]>> rows = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = expiryIndex.all()) {
            all.forEachRemaining(rows::add);
        }
        return rows;
    }

    private double skipped(String reason) {
        return meters.get(KeyValueMeters.WRITES_SKIPPED.meterName())
                .tag(KeyValueMeters.REASON_TAG, reason).counter().count();
    }

    @Test
    void shouldStoreAPutWithItsContentTypeAndRecordTimestamp() {
        write("greeting", "hello", START_MS - 5, KvWriteHeaders.CONTENT_TYPE, "text/plain");

        assertThat(cache.get("greeting"))
                .isEqualTo(KvEntry.of("hello".getBytes(UTF_8), "text/plain", START_MS - 5, KvEntry.NEVER));
        assertThat(indexRows()).isEmpty();
    }

    @Test
    void shouldReplaceAnEntryOnOverwrite() {
        put("greeting", "hello");
        write("greeting", "bonjour", START_MS + 1);

        assertThat(valueOf("greeting")).isEqualTo("bonjour");
        assertThat(cache.get("greeting").contentType()).isNull();
        assertThat(cache.get("greeting").writtenAt()).isEqualTo(START_MS + 1);
    }

    @Test
    void shouldDeleteAnEntryOnTombstone() {
        putWithTtl("greeting", "hello", 60);
        put("other", "kept");
        write("greeting", null, START_MS);

        assertThat(cache.get("greeting")).isNull();
        assertThat(valueOf("other")).isEqualTo("kept");
        assertThat(indexRows()).isEmpty();
    }

    @Test
    void shouldIgnoreATombstoneForAnAbsentKey() {
        write("never-written", null, START_MS);

        assertThat(cache.approximateNumEntries()).isZero();
        assertThat(indexRows()).isEmpty();
    }

    @Test
    void shouldNeverReturnEntryAfterItsTtl() {
        putWithTtl("session", "abc", 10);
        put("forever", "x");

        assertThat(cache.get("session").expiresAt()).isEqualTo(START_MS + 10_000);
        assertThat(cache.get("session").isExpiredAt(START_MS + 9_999)).isFalse();
        assertThat(cache.get("session").isExpiredAt(START_MS + 10_000)).isTrue();

        driver.advanceWallClockTime(Duration.ofSeconds(5));
        assertThat(valueOf("session")).isEqualTo("abc");

        driver.advanceWallClockTime(Duration.ofSeconds(5));
        assertThat(cache.get("session")).isNull();
        assertThat(valueOf("forever")).isEqualTo("x");
        assertThat(indexRows()).isEmpty();
        assertThat(meters.get(KeyValueMeters.ENTRIES_EXPIRED.meterName()).counter().count()).isEqualTo(1.0);
    }

    @Test
    void shouldCountTtlFromTheRecordTimestampNotFromArrival() {
        write("early", "v", START_MS - 8_000, KvWriteHeaders.TTL_SECONDS, "10");

        driver.advanceWallClockTime(Duration.ofSeconds(2));

        assertThat(cache.get("early")).isNull();
    }

    @Test
    void shouldDeleteTheKeyWhenAPutArrivesAlreadyExpired() {
        put("stale", "old");
        write("stale", "new", START_MS - 20_000, KvWriteHeaders.TTL_SECONDS, "10");

        assertThat(cache.get("stale")).isNull();
        assertThat(indexRows()).isEmpty();
    }

    @Test
    void shouldMoveTheExpiryWhenOverwrittenWithANewTtl() {
        putWithTtl("session", "v1", 10);
        putWithTtl("session", "v2", 60);

        assertThat(indexRows()).singleElement()
                .satisfies(row -> assertThat(ExpiryIndex.expiresAt(row.key)).isEqualTo(START_MS + 60_000));

        driver.advanceWallClockTime(Duration.ofSeconds(30));
        assertThat(valueOf("session")).isEqualTo("v2");

        driver.advanceWallClockTime(Duration.ofSeconds(30));
        assertThat(cache.get("session")).isNull();
    }

    @Test
    void shouldKeepOneIndexRowWhenOverwrittenWithTheSameExpiry() {
        putWithTtl("session", "v1", 10);
        putWithTtl("session", "v2", 10);

        assertThat(indexRows()).hasSize(1);
        assertThat(valueOf("session")).isEqualTo("v2");
    }

    @Test
    void shouldRemoveTheTtlWhenOverwrittenWithoutOne() {
        putWithTtl("session", "v1", 10);
        put("session", "v2");

        assertThat(indexRows()).isEmpty();
        driver.advanceWallClockTime(Duration.ofSeconds(20));
        assertThat(valueOf("session")).isEqualTo("v2");
        assertThat(cache.get("session").hasExpiry()).isFalse();
    }

    @Test
    void shouldDeadLetterAndCountWritesWithAnInvalidTtlHeader() {
        put("key", "before");
        List<String> invalid = List.of("", "0", "-5", " 5", "5s", "1.5", "+5", "9999999999999999",
                Long.toString(KvWriteRules.MAX_TTL_SECONDS + 1));
        for (String ttl : invalid) {
            write("key", "after " + ttl, START_MS, KvWriteHeaders.TTL_SECONDS, ttl);
        }

        assertThat(valueOf("key")).isEqualTo("before");
        assertThat(indexRows()).isEmpty();
        assertThat(skipped("invalid-ttl")).isEqualTo(invalid.size());
        List<TestRecord<byte[], byte[]>> letters = deadLetters();
        assertThat(letters).hasSize(invalid.size()).allSatisfy(letter -> {
            assertThat(header(letter, DeadLetter.REASON)).isEqualTo("invalid-ttl");
            assertThat(header(letter, DeadLetter.DETAIL)).contains("from 1 to 315360000");
            assertThat(new String(letter.key(), UTF_8)).isEqualTo("key");
        });
        assertThat(new String(letters.get(0).value(), UTF_8)).isEqualTo("after ");
        assertThat(header(letters.get(0), DeadLetter.SOURCE_TOPIC)).isEqualTo(TOPIC);
        assertThat(header(letters.get(0), KvWriteHeaders.TTL_SECONDS)).isEmpty();
    }

    @Test
    void shouldAcceptTheSameTtlBoundsAsRest() {
        putWithTtl("shortest", "v", KvWriteRules.MIN_TTL_SECONDS);
        putWithTtl("longest", "v", KvWriteRules.MAX_TTL_SECONDS);

        assertThat(cache.get("shortest").expiresAt()).isEqualTo(START_MS + 1_000);
        assertThat(cache.get("longest").expiresAt()).isEqualTo(START_MS + KvWriteRules.MAX_TTL_SECONDS * 1_000);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void shouldDeadLetterValuesLargerThanTheLimitAndNullKeys() {
        start(KeyValueSettings.defaults().withMaxValueBytes(4));
        put("small", "1234");
        put("large", "12345");
        write(null, "orphan", START_MS);

        assertThat(valueOf("small")).isEqualTo("1234");
        assertThat(cache.get("large")).isNull();
        assertThat(cache.approximateNumEntries()).isEqualTo(1);
        assertThat(skipped("value-too-large")).isEqualTo(1.0);
        assertThat(skipped("null-key")).isEqualTo(1.0);
        assertThat(deadLetters()).extracting(letter -> header(letter, DeadLetter.REASON))
                .containsExactly("oversized", "invalid-key");
    }

    @Test
    void shouldDeadLetterKeysThatRestCouldNeverAddress() {
        String longest = "k".repeat(KvWriteRules.MAX_KEY_CHARS);
        put(longest, "fits");
        put("", "empty key");
        put("k".repeat(KvWriteRules.MAX_KEY_CHARS + 1), "too long");
        // Two different byte strings that a lenient decoder would both turn into "caf\uFFFD".
        byte[] latin1 = {'c', 'a', 'f', (byte) 0xE9};
        byte[] truncated = {'c', 'a', 'f', (byte) 0xC3};
        writeRaw(latin1, "latin-1");
        writeRaw(truncated, "cut");
        write("caf\u00e9", "proper", START_MS);

        assertThat(valueOf(longest)).isEqualTo("fits");
        assertThat(cache.get("")).isNull();
        assertThat(cache.get("caf\uFFFD")).isNull();
        assertThat(valueOf("caf\u00e9")).isEqualTo("proper");
        assertThat(cache.approximateNumEntries()).isEqualTo(2);
        assertThat(skipped("invalid-key")).isEqualTo(4.0);
        List<TestRecord<byte[], byte[]>> letters = deadLetters();
        assertThat(letters).extracting(letter -> header(letter, DeadLetter.REASON)).containsOnly("invalid-key");
        assertThat(letters.get(2).key()).isEqualTo(latin1);
        assertThat(header(letters.get(2), DeadLetter.DETAIL)).contains("not valid UTF-8");
        assertThat(letters.get(3).key()).isEqualTo(truncated);
    }

    @Test
    void shouldDeadLetterTheIssue6HugeKeyWriteWithoutItsValueAndKeepServing() {
        // Issue 6, item 3: a 512 KB key with a 512 KB value passed the value limit and stopped the partition.
        String key = "H".repeat(524_250);
        put(key, "v".repeat(524_250));
        put("after", "still served");

        assertThat(cache.get(key)).isNull();
        assertThat(valueOf("after")).isEqualTo("still served");
        TestRecord<byte[], byte[]> letter = deadLetters().get(0);
        assertThat(header(letter, DeadLetter.REASON)).isEqualTo("invalid-key");
        assertThat(header(letter, DeadLetter.DETAIL)).contains("1 to 1024 characters, this one has 524250")
                .contains("original value (524250 bytes) is left out");
        assertThat(letter.key()).hasSize(524_250);
        assertThat(letter.value()).isNull();
    }

    @Test
    void shouldDeadLetterAnEntryWhoseKeyAndValueTogetherPassWhatTheChangelogAccepts() {
        int maxRequestSize = 8 * 1024;
        start(KeyValueSettings.defaults(), 0, Map.of(StreamsConfig.producerPrefix("max.request.size"), maxRequestSize));
        int room = maxRequestSize - RecordLimits.FRAMING_BYTES;
        String key = "k".repeat(1000);
        // 18 bytes of entry header: an entry of exactly `room` bytes fits, one byte more does not.
        put(key, "v".repeat(room - 1000 - 18));
        write(key, "v".repeat(room - 1000 - 18 + 1), START_MS + 1);
        write(key, "v".repeat(room - 1000 - 18 - 10), START_MS + 2, KvWriteHeaders.CONTENT_TYPE, "text/plain; charset=utf-8");

        assertThat(cache.get(key).valueSize()).isEqualTo(room - 1000 - 18);
        assertThat(cache.get(key).writtenAt()).isEqualTo(START_MS);
        assertThat(skipped("entry-too-large")).isEqualTo(1.0);
        // With its content-type header the third write is larger than one record already, before it is an entry.
        assertThat(skipped("record-too-large")).isEqualTo(1.0);
        List<TestRecord<byte[], byte[]>> letters = deadLetters();
        assertThat(letters).extracting(letter -> header(letter, DeadLetter.REASON)).containsExactly("oversized", "oversized");
        assertThat(header(letters.get(0), DeadLetter.DETAIL))
                .contains("would take " + (room + 1) + " bytes stored").contains("holds at most " + room);
        // Key, value and envelope together would not fit either: the value is left out.
        assertThat(letters.get(0).value()).isNull();
        assertThat(letters.get(0).key()).hasSize(1000);
    }

    @Test
    void shouldPurgeAtMostTheConfiguredNumberOfEntriesPerRun() {
        start(KeyValueSettings.defaults().withMaxPurgePerRun(2));
        for (int i = 0; i < 5; i++) {
            putWithTtl("k" + i, "v", 1 + i);
        }

        driver.advanceWallClockTime(Duration.ofSeconds(10));
        assertThat(cache.approximateNumEntries()).isEqualTo(3);
        assertThat(cache.get("k0")).isNull();
        assertThat(cache.get("k1")).isNull();

        driver.advanceWallClockTime(Duration.ofSeconds(1));
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(cache.approximateNumEntries()).isZero();
        assertThat(indexRows()).isEmpty();
    }

    @Test
    void shouldPurgeEntriesExpiringAtTheSameMillisecondWithEmptyAndLongKeys() {
        putWithTtl("", "empty key", 1);
        putWithTtl("b", "v", 1);
        putWithTtl("a-much-longer-key", "v", 1);
        putWithTtl("later", "v", 2);

        driver.advanceWallClockTime(Duration.ofSeconds(1));

        assertThat(cache.get("")).isNull();
        assertThat(cache.get("b")).isNull();
        assertThat(cache.get("a-much-longer-key")).isNull();
        assertThat(valueOf("later")).isEqualTo("v");
    }

    @Test
    void shouldIterateRangesInKeyOrder() {
        for (String key : List.of("user:3", "device:1", "user:1", "user:2", "zeta")) {
            put(key, key);
        }

        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, KvEntry> range = cache.range("user:", "user:\uffff")) {
            range.forEachRemaining(kv -> keys.add(kv.key));
        }
        assertThat(keys).containsExactly("user:1", "user:2", "user:3");
    }

    @Test
    void shouldAnswerIqv2QueriesWithEntriesAndKvWritesPositions() {
        put("a", "1");
        put("b", "2");
        write("a", null, START_MS);
        put("c", "3");
        StateStore store = driver.getAllStateStores().get(KeyValueTopology.STORE.name());

        QueryResult<KvEntry> hit = store.query(KeyQuery.<String, KvEntry>withKey("b"),
                PositionBound.unbounded(), new QueryConfig(false));
        assertThat(hit.isSuccess()).isTrue();
        assertThat(new String(hit.getResult().value(), UTF_8)).isEqualTo("2");
        assertThat(hit.getPosition()).isEqualTo(Position.emptyPosition().withComponent(TOPIC, 0, 3));

        QueryResult<KvEntry> deleted = store.query(KeyQuery.<String, KvEntry>withKey("a"),
                PositionBound.at(Position.emptyPosition().withComponent(TOPIC, 0, 2)), new QueryConfig(false));
        assertThat(deleted.isSuccess()).isTrue();
        assertThat(deleted.getResult()).isNull();

        QueryResult<KvEntry> ahead = store.query(KeyQuery.<String, KvEntry>withKey("b"),
                PositionBound.at(Position.emptyPosition().withComponent(TOPIC, 0, 4)), new QueryConfig(false));
        assertThat(ahead.isFailure()).isTrue();
        assertThat(ahead.getFailureReason()).isEqualTo(FailureReason.NOT_UP_TO_BOUND);

        QueryResult<KeyValueIterator<String, KvEntry>> range = store.query(
                RangeQuery.<String, KvEntry>withRange("a", "z"), PositionBound.unbounded(), new QueryConfig(false));
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, KvEntry> entries = range.getResult()) {
            entries.forEachRemaining(kv -> keys.add(kv.key));
        }
        assertThat(keys).containsExactly("b", "c");
    }

    @Test
    void shouldDeadLetterAWriteWhoseHeadersWouldCarryItPastWhatKafkaStreamsWrites() {
        int maxRequestSize = 8 * 1024;
        start(KeyValueSettings.defaults(), 4, Map.of(StreamsConfig.producerPrefix("max.request.size"), maxRequestSize));
        String headers = "h".repeat(maxRequestSize);

        write("key", "small value", START_MS, "trace", headers);
        put("key-2", "fine");

        assertThat(cache.get("key")).isNull();
        assertThat(valueOf("key-2")).isEqualTo("fine");
        assertThat(skipped("record-too-large")).isEqualTo(1.0);
        TestRecord<byte[], byte[]> letter = deadLetters().get(0);
        assertThat(header(letter, DeadLetter.REASON)).isEqualTo("oversized");
        assertThat(letter.headers().lastHeader("trace")).as("too large to copy into the dead letter").isNull();
    }

    @Test
    void shouldReadKvWritesWithoutRepartitioningAndWithStableNames() {
        TopologyDescription description = topology.describe();

        assertThat(description.subtopologies()).singleElement().satisfies(sub -> {
            assertThat(sub.nodes()).extracting(TopologyDescription.Node::name)
                    .contains(KeyValueTopology.SOURCE_NAME, KeyValueTopology.CHECK_NAME, KeyValueTopology.PROCESSOR_NAME,
                            KeyValueTopology.DLQ_SINK_NAME);
            assertThat(sub.nodes()).filteredOn(node -> node instanceof TopologyDescription.Sink).singleElement()
                    .satisfies(sink -> assertThat(((TopologyDescription.Sink) sink).topic())
                            .isEqualTo(Topics.KV_WRITES_DLQ.name("spectra.")));
        });
        TopologyDescription.Source source = (TopologyDescription.Source) description.subtopologies().iterator().next()
                .nodes().stream().filter(node -> node.name().equals(KeyValueTopology.SOURCE_NAME)).findFirst()
                .orElseThrow();
        assertThat(source.topicSet()).containsExactly(Topics.KV_WRITES.name("spectra."));
        assertThat(source.successors()).extracting(TopologyDescription.Node::name)
                .containsExactly(KeyValueTopology.CHECK_NAME);
        TopologyDescription.Processor processor = (TopologyDescription.Processor) description.subtopologies().iterator()
                .next().nodes().stream().filter(node -> node.name().equals(KeyValueTopology.PROCESSOR_NAME))
                .findFirst().orElseThrow();
        assertThat(processor.stores()).containsExactlyInAnyOrder("kv-cache", "kv-expiry");
        assertThat(description.toString()).doesNotContain("repartition");
    }

    @Test
    void shouldRerouteWritesThatAProducerPutOnAnotherPartitionThanMurmur2() {
        start(KeyValueSettings.defaults(), 4);
        // The test driver feeds everything into partition 0: keys that murmur2 places elsewhere are misplaced.
        String inPlace = null;
        String misplaced = null;
        for (int i = 0; inPlace == null || misplaced == null; i++) {
            String key = "key-" + i;
            if (KvWriteCheck.partitionOf(key.getBytes(UTF_8), 4) == 0) {
                inPlace = inPlace == null ? key : inPlace;
            } else {
                misplaced = misplaced == null ? key : misplaced;
            }
        }
        put(inPlace, "stays");
        put(misplaced, "travels");
        write(misplaced, null, START_MS + 1);
        put(misplaced, "travels again");

        assertThat(valueOf(inPlace)).isEqualTo("stays");
        assertThat(valueOf(misplaced)).isEqualTo("travels again");
        assertThat(topology.describe().toString()).contains("kv-writes-rerouted-repartition");
    }
}
