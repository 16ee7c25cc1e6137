package io.spectracache.ingest;

import static java.util.Objects.requireNonNull;

import io.spectracache.events.DeviceEvent;
import io.spectracache.topics.StoreSpec;
import io.spectracache.topics.Topics;
import io.spectracache.topology.CapabilityTopology;
import io.spectracache.topology.TopologyContext;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The ingest capability: {@code events.raw} → validate → dead-letter or re-key by device → repartition →
 * de-duplicate → {@code events}.
 *
 * <pre>{@code
 * TopologyContext context = TopologyContext.builder(new StreamsBuilder()).meters(registry).build();
 * new IngestTopology(IngestSettings.defaults()).addTo(context);
 * // capability topologies attach to context.events(): same sub-topology, no second read of spectra.events
 * }</pre>
 *
 * <p><b>Shape and names.</b> Every node, the repartition topic and the store are named, so internal topic names
 * never shift when this or another capability changes: source {@code ingest-read-raw}, processor
 * {@code ingest-validate}, split {@code ingest-rejected} / {@code ingest-valid-in-place} /
 * {@code ingest-valid-misplaced}, DLQ sink {@code ingest-write-dlq},
 * repartition topic {@code <application.id>-ingest-by-device-repartition}, merge {@code ingest-by-device-merge},
 * processor {@code ingest-dedup} with store
 * {@link #DEDUP_STORE} (changelog {@code <application.id>-ingest-dedup-changelog}), sink {@code ingest-write-events}
 * (absent when {@code spectra.events} is off).
 * Rejected records are written by this topology, not by a side producer, so under {@code exactly_once_v2} a record
 * lands either in {@code events} or in {@code events.dlq}, once.
 *
 * <p><b>Valid events</b> are keyed by {@code deviceId} and their record timestamp is the event time. The
 * repartition makes de-duplication exact even when producers key by something else (or nothing). Everything
 * after it keeps the key, so the returned stream is known to be partitioned by device: {@code groupByKey()} on it
 * adds no repartition topic.
 *
 * <p><b>De-duplication</b> drops an event whose device sent the same {@code eventId} within
 * {@link IngestSettings#dedupWindow()}. The window is measured on the timestamp of the raw records in
 * {@code events.raw} (the producer's send time, or the broker's if the topic uses {@code LogAppendTime}), not on
 * event time: a resend carries the same event time however late it comes, and a gateway replaying an hour-old
 * backlog must still be de-duplicated. It is not the processing wall clock either, so replays after a crash decide
 * the same way. Ids are remembered by {@link DedupStore}: in memory per device (hashes and receipt times, a bounded
 * number per instance, confirmed exactly before a drop), written behind as one record per device per commit into a
 * window store, which forgets by dropping whole time segments (no scan, no tombstone per id). After a restart a
 * device's ids load from its key range on its first event.
 * Known limit: if the raw timestamps of one partition run backwards by more than a few seconds (producers with
 * skewed clocks), an original older than the newest receipt minus the window may be forgotten early.
 *
 * <p><b>{@code spectra.events}</b> ({@link IngestSettings#eventsTopic()}, on by default) carries each kept event in
 * its canonical JSON (defined by {@link EventValidator}): the raw record's own bytes when they are already in that
 * form, else the event encoded once. Capabilities never read the topic: they get the parsed events in-process.
 *
 * <p><b>Metrics</b> ({@link IngestMeters}) are registered, at zero, by {@link #addTo}.
 */
public final class IngestTopology implements CapabilityTopology {
    /**
     * Ids already seen, per device: a window store keyed by device id whose records are batches of ids (one per
     * device per commit), under {@link DedupStore}. The value serde is ingest's own; outside ingest, only the name
     * and the key are meant to be used.
     */
    public static final StoreSpec<String, ?> DEDUP_STORE =
            new StoreSpec<>("ingest-dedup", Serdes.String(), IdBatch.Serde.INSTANCE);

    /** The name of the repartition step; Kafka Streams names the topic {@code <application.id>-<this>-repartition}. */
    public static final String REPARTITION_NAME = "ingest-by-device";

    private final IngestSettings settings;
    private final EventValidator validator;

    /** @param settings limits and the de-duplication window */
    public IngestTopology(IngestSettings settings) {
        this(settings, Clock.systemUTC());
    }

    /** With the clock timestamps are checked against: tests pin it. */
    IngestTopology(IngestSettings settings, Clock clock) {
        this.settings = requireNonNull(settings, "settings");
        this.validator = new EventValidator(settings, clock);
    }

    /**
     * Adds ingest: reads {@code <prefix>events.raw}, writes {@code <prefix>events} and {@code <prefix>events.dlq},
     * and {@linkplain TopologyContext#provideEvents provides} the validated, de-duplicated events keyed by device id
     * (exactly what is written to {@code <prefix>events}) for the capabilities that follow.
     */
    @Override
    public void addTo(TopologyContext context) {
        requireNonNull(context, "context");
        StreamsBuilder builder = context.streams();
        IngestMetrics metrics = new IngestMetrics(context.meters());
        int rawPartitions = context.partitionsOf(Topics.EVENTS_RAW);
        Consumed<byte[], byte[]> raw = Consumed.with(Topics.EVENTS_RAW.keySerde(), Topics.EVENTS_RAW.valueSerde())
                .withTimestampExtractor(new RawTimestampExtractor())
                .withName("ingest-read-raw");

        // One split: rejected records to the DLQ; valid events already on their device's partition (the common case:
        // producers key by device id) straight on; the others over the repartition hop. Both meet again before
        // de-duplication, in one task per partition, so de-duplication and every store stay exact either way.
        Map<String, KStream<String, Checked>> branches = builder
                .stream(context.topicName(Topics.EVENTS_RAW), raw)
                .process(() -> new ValidateProcessor(validator, metrics, rawPartitions), Named.as("ingest-validate"))
                .split(Named.as("ingest-"))
                .branch((key, checked) -> !checked.isValid(), Branched.as("rejected"))
                .branch((key, checked) -> checked.inPlace(), Branched.as("valid-in-place"))
                .defaultBranch(Branched.as("valid-misplaced"));

        branches.get("ingest-rejected")
                .map((key, checked) -> KeyValue.pair(checked.rawKey(), checked.rawValue()), Named.as("ingest-unwrap-rejected"))
                .to(context.topicName(Topics.EVENTS_DLQ),
                        Produced.with(Topics.EVENTS_DLQ.keySerde(), Topics.EVENTS_DLQ.valueSerde()).withName("ingest-write-dlq"));

        builder.addStateStore(new DedupStoreBuilder(DEDUP_STORE.name(), settings.dedupWindow(), settings.dedupMemoryMaxIds()));
        Repartitioned<String, Checked> byDevice = Repartitioned.with(Topics.EVENTS.keySerde(), Checked.RepartitionSerde.INSTANCE)
                .withName(REPARTITION_NAME);
        KStream<String, Checked> repartitioned = branches.get("ingest-valid-misplaced")
                .repartition(rawPartitions == 0 ? byDevice : byDevice.withNumberOfPartitions(rawPartitions));
        // With the raw topic's partition count unknown, no event counts as in place (ValidateProcessor): every valid
        // event takes the hop, and the stream after it is known to be partitioned by device.
        KStream<String, Checked> placed = rawPartitions == 0 ? repartitioned : branches.get("ingest-valid-in-place")
                .merge(repartitioned, Named.as("ingest-by-device-merge"));
        KStream<String, Validated> kept = placed
                .processValues(() -> new DedupProcessor(metrics), Named.as("ingest-dedup"), DEDUP_STORE.name());
        if (settings.eventsTopic()) {
            // The raw bytes when they are already canonical (the common case), so most events are not encoded again.
            kept.to(context.topicName(Topics.EVENTS),
                    Produced.with(Topics.EVENTS.keySerde(), Validated.JsonSerde.INSTANCE).withName("ingest-write-events"));
        }
        KStream<String, DeviceEvent> events = kept.mapValues(Validated::event, Named.as("ingest-unwrap-kept"));
        context.provideEvents(events);
    }
}
