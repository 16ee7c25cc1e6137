package io.spectracache.sketches;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A distinct count: how many different values of {@link #field()} were seen per window, for every group of
 * {@link #groupBy()} and for all groups together. Kept as Apache DataSketches HLL sketches (lgK
 * {@value DistinctWindow#LG_K}, HLL_4: 0.81% relative standard error in at most 8.3 KB per window), one per
 * partition, group, window size and window start.
 *
 * <p>An event without the field is not counted; an event without the group value is counted in the all-groups
 * sketch only, so the all-groups count always covers every event that has the field.
 *
 * <pre>{@code new DistinctDefinition("devices", SketchField.DEVICE_ID, Optional.of(SketchField.TENANT),
 *         WindowSpec.parseList("1m:2d,1h:30d,1d:365d"));}</pre>
 *
 * @param name    unique among all sketches, filters and watches (see {@link SketchSettings})
 * @param field   the value counted
 * @param groupBy the value grouped by, if any
 * @param windows the window sizes, finest first (see {@link WindowSpec#checked})
 */
public record DistinctDefinition(String name, SketchField field, Optional<SketchField> groupBy,
                                 List<WindowSpec> windows) {
    public DistinctDefinition {
        SketchNames.checked(name);
        requireNonNull(field, "field");
        requireNonNull(groupBy, "groupBy");
        windows = WindowSpec.checked(windows);
    }
}
