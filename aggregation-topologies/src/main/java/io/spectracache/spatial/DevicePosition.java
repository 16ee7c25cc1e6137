package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A device as the spatial capability knows it: its newest position (by event time), the index cell that position is
 * filed under, and where it stands with the fences it is in or entering. Kept in two stores: the position in
 * {@code spatial-index} (under the cell), the cell and memberships in {@code spatial-devices} ({@link DeviceEntry}).
 * From it every key the device has in the spatial stores is found ({@link SpatialTopology#keysOf}).
 *
 * @param lat         degrees
 * @param lon         degrees
 * @param ts          event time of the position, epoch ms; a position with an older time never replaces it
 * @param cell        the index cell of the position ({@link CellKeys#cellOf})
 * @param memberships the fences the device is in, entering or leaving, ordered by fence id; never null
 */
public record DevicePosition(double lat, double lon, long ts, long cell, List<FenceMembership> memberships) {
    public DevicePosition {
        requireNonNull(memberships, "memberships");
        memberships = List.copyOf(memberships);
    }

    /** A device from its two stored parts. */
    public static DevicePosition of(DeviceEntry entry, IndexedPosition position) {
        return new DevicePosition(position.lat(), position.lon(), position.ts(), entry.cell(), entry.memberships());
    }

    /** The position as the index holds it. */
    public IndexedPosition indexed() {
        return new IndexedPosition(lat, lon, ts);
    }

    /** The entry as {@code spatial-devices} holds it. */
    public DeviceEntry entry() {
        return new DeviceEntry(cell, memberships);
    }

    /** The membership of one fence, or null. */
    public FenceMembership membership(String fenceId) {
        for (FenceMembership membership : memberships) {
            if (membership.fenceId().equals(fenceId)) {
                return membership;
            }
        }
        return null;
    }
}
