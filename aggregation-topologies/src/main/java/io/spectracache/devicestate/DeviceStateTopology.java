package io.spectracache.devicestate;

import static java.util.Objects.requireNonNull;

import io.spectracache.devices.DeviceState;
import io.spectracache.events.DeviceEvent;
import io.spectracache.topics.StoreSpec;
import io.spectracache.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The latest state of every device: folds the validated event stream into {@link #STORE}, one
 * {@link DeviceState} per device id, following {@link DeviceState#plus(DeviceEvent)} (a late event is counted but
 * never replaces newer state).
 *
 * <pre>{@code
 * KStream<String, DeviceEvent> events = ...; // from ingest: keyed by device id, validated, de-duplicated
 * new DeviceStateTopology().addTo(events);
 * // later, on the instance that owns the device:
 * StateQueryResult<DeviceState> result = streams.query(StateQueryRequest.inStore(DeviceStateTopology.STORE.name())
 *         .withQuery(KeyQuery.<String, DeviceState>withKey("truck-0042")).withPartitions(Set.of(partition)));
 * }</pre>
 *
 * <p>The store is a persistent, cached, timestamped key-value store (the DSL's), with changelog
 * {@code <application.id>-device-state-changelog}. For IQv2: {@code KeyQuery<String, DeviceState>} answers the
 * {@code DeviceState} (null for an unknown device), {@code TimestampedKeyQuery<String, DeviceState>} a
 * {@code ValueAndTimestamp<DeviceState>} whose timestamp is the greatest record timestamp folded in. The record
 * cache merges updates of busy devices before RocksDB and the changelog see them; a {@code KeyQuery} reads through
 * the cache, but a {@code RangeQuery} reads RocksDB only and may lag by up to one commit interval.
 *
 * <p>The stream must be partitioned by device id already: grouping by the existing key adds no repartition topic
 * for a stream read from {@code spectra.events}. If the stream handed over was re-keyed in the same topology,
 * Kafka Streams inserts a repartition topic named {@code <application.id>-device-state-repartition}, which is
 * correct but costs a second trip through Kafka on the hot path.
 */
public final class DeviceStateTopology {
    /** Latest state per device id. Values are stored in a compact binary form, not JSON. */
    public static final StoreSpec<String, DeviceState> STORE =
            new StoreSpec<>("device-state", Serdes.String(), new DeviceStateSerde());

    static final String GROUPED_NAME = "device-state";
    static final String AGGREGATE_NAME = "device-state-aggregate";

    /** Adds the aggregation of {@code events} into {@link #STORE} to the topology {@code events} belongs to. */
    public void addTo(KStream<String, DeviceEvent> events) {
        requireNonNull(events, "events")
                .groupByKey(Grouped.with(GROUPED_NAME, Serdes.String(), Topics.EVENTS.valueSerde()))
                .aggregate(
                        () -> null,
                        (deviceId, event, state) -> state == null ? DeviceState.first(event) : state.plus(event),
                        Named.as(AGGREGATE_NAME),
                        Materialized.<String, DeviceState, KeyValueStore<Bytes, byte[]>>as(STORE.name())
                                .withKeySerde(STORE.keySerde())
                                .withValueSerde(STORE.valueSerde())
                                // Merges the many updates of a busy device into one RocksDB write and one
                                // changelog record per commit; point queries read through it.
                                .withCachingEnabled());
    }
}
