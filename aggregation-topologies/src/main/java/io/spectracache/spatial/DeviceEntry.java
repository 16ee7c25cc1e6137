package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A device's entry in {@code spatial-devices}: the index cell its position is filed under (so its index entry, which
 * holds the position itself, is found from its id) and where it stands with the fences it is in, entering or leaving.
 * Written only when one of them changes: a device moving within its cell writes its index entry alone.
 *
 * @param cell        the index cell of its position ({@link CellKeys#cellOf})
 * @param memberships sorted by fence id; never null
 */
public record DeviceEntry(long cell, List<FenceMembership> memberships) {
    public DeviceEntry {
        requireNonNull(memberships, "memberships");
        memberships = List.copyOf(memberships);
    }
}
