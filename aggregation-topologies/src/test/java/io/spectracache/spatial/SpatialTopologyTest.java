package io.spectracache.spatial;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spectracache.events.DeviceEvent;
import io.spectracache.events.GeoPoint;
import io.spectracache.testing.TopologyHarness;
import io.spectracache.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Scripted tracks through the spatial topology: the index, and exactly the expected enter/exit sequence. */
class SpatialTopologyTest {
    private static final long T0 = Instant.parse("2026-11-24T19:00:00Z").toEpochMilli();
    private static final long SECOND = 1000;
    /** Hamburg's port, roughly: lon 9.90–9.96, lat 53.52–53.55. */
    private static final String PORT = "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
            + "[[[9.90,53.52],[9.96,53.52],[9.96,53.55],[9.90,53.55],[9.90,53.52]]]},\"properties\":{\"name\":\"port\"%s}}";
    private static final GeoPoint INSIDE = new GeoPoint(53.535, 9.93);
    private static final GeoPoint OUTSIDE = new GeoPoint(53.60, 9.93);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private TopologyHarness harness;
    private TestInputTopic<String, DeviceEvent> events;
    private TestInputTopic<String, byte[]> fences;
    private TestOutputTopic<String, GeofenceTransition> transitions;
    private FenceIndex index;

    private void start() {
        index = new FenceIndex(0);
        harness = TopologyHarness.of(TopologyHarness.validatedEventsFromTopic(),
                        new SpatialTopology(SpatialSettings.defaults(), index))
                .meters(meters).applicationId("spatial-test").startingAt(Instant.ofEpochMilli(T0)).build();
        events = harness.input(Topics.EVENTS);
        fences = harness.input(SpatialTopics.GEOFENCES);
        transitions = harness.output(SpatialTopics.GEOFENCE_TRANSITIONS);
    }

    @AfterEach
    void close() {
        if (harness != null) {
            harness.close();
        }
    }

    private void fence(String id, String extraProperties) {
        fences.pipeInput(id, String.format(PORT, extraProperties).getBytes(UTF_8));
    }

    private void move(String device, long at, GeoPoint where) {
        events.pipeInput(device, new DeviceEvent(device, Instant.ofEpochMilli(at), null, null, Map.of(), where, Map.of()));
    }

    /** "transition fence @ seconds after T0 (cause)", as read from the transitions topic. */
    private List<String> written() {
        List<String> seen = new ArrayList<>();
        for (GeofenceTransition t : transitions.readValuesToList()) {
            seen.add(t.deviceId() + " " + t.transition() + " " + t.fenceId() + " @" + (t.ts().toEpochMilli() - T0) / SECOND
                    + (t.cause().equals(GeofenceTransition.CAUSE_POSITION) ? "" : " (" + t.cause() + ")"));
        }
        return seen;
    }

    private KeyValueStore<Bytes, IndexedPosition> indexStore() {
        return harness.driver().getKeyValueStore(SpatialTopology.INDEX_STORE.name());
    }

    private KeyValueStore<String, DeviceEntry> devices() {
        return harness.driver().getKeyValueStore(SpatialTopology.DEVICES_STORE.name());
    }

    private KeyValueStore<Bytes, FenceMember> members() {
        return harness.driver().getKeyValueStore(SpatialTopology.MEMBERS_STORE.name());
    }

    private <K, V> List<KeyValue<K, V>> all(KeyValueStore<K, V> store) {
        List<KeyValue<K, V>> entries = new ArrayList<>();
        try (KeyValueIterator<K, V> all = store.all()) {
            all.forEachRemaining(entries::add);
        }
        return entries;
    }

    @Test
    void shouldWriteOneEnterAndOneExitPerCrossingAndNothingWhileInsideOrOutside() {
        start();
        fence("port", "");

        move("truck-1", T0, OUTSIDE);
        move("truck-1", T0 + 10 * SECOND, INSIDE);
        move("truck-1", T0 + 20 * SECOND, new GeoPoint(53.54, 9.95));
        move("truck-1", T0 + 30 * SECOND, OUTSIDE);
        move("truck-1", T0 + 40 * SECOND, new GeoPoint(53.61, 9.94));
        move("truck-1", T0 + 50 * SECOND, INSIDE);

        assertThat(written()).containsExactly("truck-1 enter port @10", "truck-1 exit port @30", "truck-1 enter port @50");
        assertThat(meters.get(SpatialMeters.TRANSITIONS.meterName()).tag("transition", "enter").tag("cause", "position")
                .counter().count()).isEqualTo(2);
    }

    @Test
    void shouldEnterOnTheFirstEventWhenADeviceIsFirstSeenInside() {
        start();
        fence("port", "");

        move("truck-1", T0, INSIDE);

        assertThat(written()).containsExactly("truck-1 enter port @0");
    }

    @Test
    void shouldNeitherMoveADeviceBackNorDecideATransitionForALateEvent() {
        start();
        fence("port", "");
        move("truck-1", T0 + 10 * SECOND, INSIDE);

        move("truck-1", T0 + 5 * SECOND, OUTSIDE); // late: older than the device's position

        assertThat(written()).containsExactly("truck-1 enter port @10");
        assertThat(indexStore().get(CellKeys.indexKey(devices().get("truck-1").cell(), "truck-1")).ts())
                .isEqualTo(T0 + 10 * SECOND);
        assertThat(all(indexStore())).singleElement().satisfies(entry -> assertThat(entry.value.lat()).isEqualTo(INSIDE.lat()));
        assertThat(meters.get(SpatialMeters.POSITIONS_LATE.meterName()).counter().count()).isEqualTo(1);
    }

    @Test
    void shouldKeepExactlyOneIndexEntryPerDeviceUnderItsCurrentCell() {
        start();

        move("truck-1", T0, new GeoPoint(52.52, 13.405));
        move("truck-1", T0 + SECOND, new GeoPoint(48.8566, 2.3522));
        move("truck-2", T0 + SECOND, new GeoPoint(52.52, 13.405));
        move("truck-1", T0 + 2 * SECOND, new GeoPoint(-33.87, 151.21));

        List<KeyValue<Bytes, IndexedPosition>> entries = all(indexStore());
        assertThat(entries).extracting(entry -> CellKeys.deviceOfKey(entry.key)).containsExactlyInAnyOrder("truck-1", "truck-2");
        KeyValue<Bytes, IndexedPosition> truck1 = entries.stream()
                .filter(entry -> CellKeys.deviceOfKey(entry.key).equals("truck-1")).findFirst().orElseThrow();
        assertThat(CellKeys.cellOfKey(truck1.key)).isEqualTo(CellKeys.cellOf(-33.87, 151.21));
        assertThat(truck1.value).isEqualTo(new IndexedPosition(-33.87, 151.21, T0 + 2 * SECOND));
    }

    @Test
    void shouldLeaveNoTraceOfAnEventWithoutALocation() {
        start();
        fence("port", "");

        events.pipeInput("meter-1", DeviceEvent.of("meter-1", Instant.ofEpochMilli(T0), Map.of("temp", 21.5)));

        assertThat(all(devices())).isEmpty();
        assertThat(all(indexStore())).isEmpty();
        assertThat(written()).isEmpty();
    }

    @Test
    void shouldNotFlapWhileAJitteringDeviceStaysWithinTheHysteresisDistance() {
        start();
        fence("port", ",\"hysteresisM\":50");

        move("truck-1", T0, new GeoPoint(53.5499, 9.93));             // ~11 m inside the north edge
        move("truck-1", T0 + SECOND, new GeoPoint(53.5501, 9.93));    // ~11 m outside
        move("truck-1", T0 + 2 * SECOND, new GeoPoint(53.5499, 9.93));
        move("truck-1", T0 + 3 * SECOND, new GeoPoint(53.5503, 9.93)); // ~33 m outside
        move("truck-1", T0 + 4 * SECOND, new GeoPoint(53.5510, 9.93)); // ~111 m outside: gone

        assertThat(written()).containsExactly("truck-1 enter port @0", "truck-1 exit port @4");
    }

    @Test
    void shouldFlapOnTheBorderWithoutHysteresis() {
        start();
        fence("port", "");

        move("truck-1", T0, new GeoPoint(53.5499, 9.93));
        move("truck-1", T0 + SECOND, new GeoPoint(53.5501, 9.93));
        move("truck-1", T0 + 2 * SECOND, new GeoPoint(53.5499, 9.93));

        assertThat(written()).containsExactly("truck-1 enter port @0", "truck-1 exit port @1", "truck-1 enter port @2");
    }

    @Test
    void shouldCountAnEnterAndAnExitOnlyOnceTheDeviceStayedForTheDwellTime() {
        start();
        fence("port", ",\"dwellMs\":60000");

        move("truck-1", T0, INSIDE);
        move("truck-1", T0 + 30 * SECOND, INSIDE);
        move("truck-1", T0 + 40 * SECOND, OUTSIDE);          // a pass through: never entered
        move("truck-1", T0 + 100 * SECOND, INSIDE);
        move("truck-1", T0 + 130 * SECOND, INSIDE);
        move("truck-1", T0 + 160 * SECOND, INSIDE);          // inside since 100 s: entered, confirmed at 160 s
        move("truck-1", T0 + 200 * SECOND, OUTSIDE);
        move("truck-1", T0 + 230 * SECOND, INSIDE);          // back before the dwell time: still inside
        move("truck-1", T0 + 300 * SECOND, OUTSIDE);
        move("truck-1", T0 + 330 * SECOND, OUTSIDE);
        move("truck-1", T0 + 360 * SECOND, OUTSIDE);         // outside since 300 s: exit confirmed at 360 s

        assertThat(written()).containsExactly("truck-1 enter port @160", "truck-1 exit port @360");
    }

    @Test
    void shouldLetEveryMemberGoAtItsNewestPositionWhenTheFenceIsDeleted() {
        start();
        fence("port", "");
        move("truck-1", T0, INSIDE);
        move("truck-2", T0 + 5 * SECOND, new GeoPoint(53.53, 9.91));
        move("truck-3", T0 + 5 * SECOND, OUTSIDE);
        written();

        fences.pipeInput("port", (byte[]) null);
        harness.driver().advanceWallClockTime(Duration.ofSeconds(2));

        assertThat(written()).containsExactly("truck-1 exit port @0 (fence-deleted)", "truck-2 exit port @5 (fence-deleted)");
        assertThat(all(members())).isEmpty();
        assertThat(devices().get("truck-1").memberships()).isEmpty();
    }

    @Test
    void shouldLetOnlyTheMembersAChangedFenceNoLongerCoversGo() {
        start();
        fence("port", "");
        move("truck-1", T0, new GeoPoint(53.53, 9.91));   // west part
        move("truck-2", T0, new GeoPoint(53.53, 9.95));   // east part
        written();

        fences.pipeInput("port", ("{\"type\":\"Polygon\",\"coordinates\":[[[9.94,53.52],[9.96,53.52],[9.96,53.55],"
                + "[9.94,53.55],[9.94,53.52]]]}").getBytes(UTF_8)); // now only the east part
        move("truck-3", T0 + SECOND, OUTSIDE);              // any located event looks for changed fences

        assertThat(written()).containsExactly("truck-1 exit port @0 (fence-changed)");
        assertThat(all(members())).extracting(entry -> MemberKeys.decode(entry.key).deviceId()).containsExactly("truck-2");
    }

    @Test
    void shouldEnterAFenceCreatedAroundADeviceAtItsNextUpdateNotBefore() {
        start();
        move("truck-1", T0, INSIDE);

        fence("port", "");
        harness.driver().advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(written()).isEmpty();

        move("truck-1", T0 + SECOND, INSIDE);
        assertThat(written()).containsExactly("truck-1 enter port @1");
    }

    @Test
    void shouldTreatAHoleAsOutsideAndEveryPartOfAMultiPolygonAsInside() {
        start();
        fences.pipeInput("ring", ("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[10,0],[10,10],[0,10],[0,0]],"
                + "[[4,4],[6,4],[6,6],[4,6],[4,4]]]}").getBytes(UTF_8));
        fences.pipeInput("dateline", ("{\"type\":\"MultiPolygon\",\"coordinates\":[[[[175,-5],[180,-5],[180,5],[175,5],"
                + "[175,-5]]],[[[-180,-5],[-175,-5],[-175,5],[-180,5],[-180,-5]]]]}").getBytes(UTF_8));

        move("in-hole", T0, new GeoPoint(5, 5));
        move("in-ring", T0, new GeoPoint(2, 2));
        move("east", T0, new GeoPoint(0, 179.5));
        move("west", T0, new GeoPoint(0, -179.5));
        move("between", T0, new GeoPoint(0, 170));

        assertThat(written()).containsExactlyInAnyOrder("in-ring enter ring @0", "east enter dateline @0",
                "west enter dateline @0");
    }

    @Test
    void shouldIgnoreAndCountARecordOnTheFencesTopicThatIsNotAValidFenceKeepingThePreviousOne() {
        start();
        fence("port", "");

        fences.pipeInput("port", ("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[10,10],[10,0],[0,10],[0,0]]]}")
                .getBytes(UTF_8)); // a bow tie
        fences.pipeInput("junk", "not json".getBytes(UTF_8));
        move("truck-1", T0, INSIDE);

        assertThat(written()).containsExactly("truck-1 enter port @0");
        assertThat(meters.get(SpatialMeters.FENCES_INVALID.meterName()).counter().count()).isEqualTo(2);
        assertThat(index.current().byId().keySet()).containsExactly("port");
    }

    @Test
    void shouldFindEveryKeyOfADeviceFromItsEntrySoItCanBeErasedWhole() {
        start();
        fence("port", "");
        fences.pipeInput("harbour", String.format(PORT, "").getBytes(UTF_8));
        move("truck-1", T0, INSIDE);
        move("truck-2", T0, INSIDE);

        SpatialTopology.DeviceKeys keys = SpatialTopology.keysOf("truck-1", devices().get("truck-1"));
        indexStore().delete(keys.indexKey());
        keys.memberKeys().forEach(members()::delete);
        devices().delete("truck-1");

        assertThat(all(indexStore())).extracting(entry -> CellKeys.deviceOfKey(entry.key)).containsExactly("truck-2");
        assertThat(all(members())).extracting(entry -> MemberKeys.decode(entry.key).deviceId())
                .containsOnly("truck-2").hasSize(2);
        assertThat(all(devices())).extracting(entry -> entry.key).containsExactly("truck-2");
    }

    @Test
    void shouldFindTheMembersOfAFenceAsOneKeyRange() {
        start();
        fence("port", "");
        fences.pipeInput("port-2", String.format(PORT, "").getBytes(UTF_8));
        move("b", T0, INSIDE);
        move("a", T0, INSIDE);
        move("c", T0, OUTSIDE);

        List<String> inPort = new ArrayList<>();
        try (KeyValueIterator<Bytes, FenceMember> range = members().range(MemberKeys.fencePrefix("port"),
                MemberKeys.fenceRangeEnd("port"))) {
            range.forEachRemaining(entry -> inPort.add(MemberKeys.decode(entry.key).deviceId()));
        }
        assertThat(inPort).containsExactly("a", "b");
    }
}
