package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import io.spectracache.topics.TopicSpec;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A watch list: the items (keys) of its own compacted topic {@code <prefix>watch.<name>}, checked against
 * {@link #field()} of every validated event; a match is copied to {@code <prefix>watch.matches} (see
 * {@link SketchesTopology}). A record with a value adds its key, a tombstone removes it: a watch list is an exact
 * set, replicated to every instance (a Kafka Streams global store), not a Bloom filter, because a Bloom filter
 * cannot forget an item and a watch list must (an item no longer watched must stop being copied). A change applies to
 * events processed from one second after it reached the instance.
 *
 * <pre>{@code new WatchDefinition("stolen", SketchField.parse("attributes.mac"));}</pre>
 *
 * @param name  unique among all sketches, filters and watches
 * @param field the value looked up in the list
 */
public record WatchDefinition(String name, SketchField field) {
    public WatchDefinition {
        SketchNames.checked(name);
        requireNonNull(field, "field");
    }

    /** The compacted topic that feeds this list: key = item (UTF-8), any non-null value adds it, null removes it. */
    public TopicSpec<String, byte[]> topic() {
        return new TopicSpec<>("watch." + name, Serdes.String(), Serdes.ByteArray(), true);
    }
}
