package io.spectracache.spatial;

import static org.assertj.core.api.Assertions.assertThat;

import io.spectracache.testing.GoldenFormatContract;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Nested;

/** The stored formats of the spatial stores, held to golden files written from {@link SpatialSerdes}' documentation. */
class SpatialSerdesTest {
    @Nested
    class IndexedPositions implements GoldenFormatContract<IndexedPosition> {
        @Override
        public Serde<IndexedPosition> serde() {
            return new SpatialSerdes.IndexedPositionSerde();
        }

        @Override
        public Map<String, IndexedPosition> goldenFiles() {
            return Map.of("spatial-indexed-position-v1-bare.bin", new IndexedPosition(53.5431, 9.9612, 1795946531003L),
                    "spatial-indexed-position-v1-tenant-attributes.bin", new IndexedPosition(-33.87, 151.21, -5L, "acme",
                            Map.of("region", "apac", "fw", "1.2.3")));
        }
    }

    @Nested
    class FenceMembers implements GoldenFormatContract<FenceMember> {
        @Override
        public Serde<FenceMember> serde() {
            return new SpatialSerdes.FenceMemberSerde();
        }

        @Override
        public Map<String, FenceMember> goldenFiles() {
            return Map.of("spatial-fence-member-v1.bin", new FenceMember(1795946531003L, -6066120914355427193L));
        }
    }

    @Nested
    class DeviceEntries implements GoldenFormatContract<DeviceEntry> {
        @Override
        public Serde<DeviceEntry> serde() {
            return new SpatialSerdes.DeviceEntrySerde();
        }

        @Override
        public Map<String, DeviceEntry> goldenFiles() {
            return Map.of(
                    "spatial-device-entry-v1-two-fences.bin", new DeviceEntry(5136500327290224389L, List.of(
                            new FenceMembership("depot", 42, FenceMembership.Status.EXITING, 1795946530000L, 1795946500000L),
                            new FenceMembership("port-hamburg", -7, FenceMembership.Status.INSIDE, 1795946531003L,
                                    1795946531003L))),
                    "spatial-device-entry-v1-no-fences.bin", new DeviceEntry(-1, List.of()));
        }
    }

    @Property(tries = 200)
    void shouldReadEveryPositionBack(@ForAll @DoubleRange(min = -90, max = 90) double lat,
                                     @ForAll @DoubleRange(min = -180, max = 180) double lon, @ForAll long ts,
                                     @ForAll @StringLength(max = 20) String tenant,
                                     @ForAll @Size(max = 4) Map<@StringLength(max = 10) String, @StringLength(max = 10) String> attributes) {
        IndexedPosition position = new IndexedPosition(lat, lon, ts, tenant.isEmpty() ? null : tenant, Map.copyOf(attributes));
        SpatialSerdes.IndexedPositionSerde serde = new SpatialSerdes.IndexedPositionSerde();

        assertThat(serde.deserialize("t", serde.serialize("t", position))).isEqualTo(position);
    }

    @Property(tries = 200)
    void shouldReadEveryDeviceEntryBack(@ForAll @DoubleRange(min = -90, max = 90) double lat,
                                        @ForAll @DoubleRange(min = -180, max = 180) double lon, @ForAll long ts,
                                        @ForAll @Size(max = 5) List<@StringLength(min = 1, max = 40) String> fences) {
        List<FenceMembership> memberships = fences.stream().distinct().sorted()
                .map(id -> new FenceMembership(id, id.hashCode(), FenceMembership.Status.values()[Math.abs(id.hashCode() % 3)],
                        ts, ts - 1)).toList();
        DeviceEntry entry = new DeviceEntry(CellKeys.cellOf(lat, lon), memberships);
        SpatialSerdes.DeviceEntrySerde serde = new SpatialSerdes.DeviceEntrySerde();

        assertThat(serde.deserialize("t", serde.serialize("t", entry))).isEqualTo(entry);
    }
}
