package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.spectracache.query.TopicTail;
import io.spectracache.serialization.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The newest matches of a watch list: the copies of events {@link SketchesTopology} wrote to
 * {@link SketchesTopology#WATCH_MATCHES} with header {@value SketchesTopology#WATCH_HEADER} = the list's name, read
 * committed from the topic's tail ({@link TopicTail}: each partition backwards until it gave {@code limit} of this
 * list's matches, at most {@value TopicTail#MAX_SCANNED_PER_PARTITION} records and two seconds per read).
 */
final class WatchMatches {
    /** Matches one read answers at most. */
    static final int MAX_LIMIT = 1_000;
    /** Matches one read answers unless asked otherwise. */
    static final int DEFAULT_LIMIT = 20;

    /**
     * One match.
     *
     * @param timestamp when the event was copied (the record's timestamp), ISO-8601
     * @param deviceId  the record's key
     * @param event     the event as it was validated ({@code spectra.events}' JSON); null if it does not parse
     */
    record Match(String timestamp, String deviceId, int partition, long offset, JsonNode event) {
    }

    /**
     * The newest matches of one list, newest first.
     *
     * @param complete false when the read stopped at its time or scan budget (older matches may exist unread)
     */
    record Answer(String watch, String topic, List<Match> matches, long scanned, boolean complete) {
        Answer {
            requireNonNull(watch, "watch");
            requireNonNull(topic, "topic");
            matches = List.copyOf(matches);
        }
    }

    private final TopicTail tail;
    private final String topic;

    /** @param tail the reader, the caller's to close */
    WatchMatches(TopicTail tail, String topicPrefix) {
        this.tail = requireNonNull(tail, "tail");
        this.topic = SketchesTopology.WATCH_MATCHES.name(requireNonNull(topicPrefix, "topicPrefix"));
    }

    /** At most {@code limit} of the newest matches of {@code watch}, newest first. */
    Answer latest(WatchDefinition watch, int limit) {
        byte[] name = watch.name().getBytes(StandardCharsets.UTF_8);
        TopicTail.Tail read = tail.latest(topic, limit, record -> {
            Header header = record.headers().lastHeader(SketchesTopology.WATCH_HEADER);
            return header != null && Arrays.equals(header.value(), name);
        });
        List<Match> matches = new ArrayList<>(read.records().size());
        for (ConsumerRecord<byte[], byte[]> record : read.records()) {
            matches.add(new Match(Instant.ofEpochMilli(record.timestamp()).toString(),
                    record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                    record.partition(), record.offset(), event(record.value())));
        }
        return new Answer(watch.name(), topic, matches, read.scanned(), read.complete());
    }

    private static JsonNode event(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return Json.mapper().readTree(value);
        } catch (IOException e) {
            return null; // written by our own serde; a foreign record on the topic is shown without its event
        }
    }
}
