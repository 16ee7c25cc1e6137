package io.spectracache.spatial;

import io.spectracache.serialization.JsonSerde;
import io.spectracache.topics.TopicSpec;
import org.apache.kafka.common.serialization.Serdes;

/** The contract topics of the spatial capability (v1), relative to the deployment prefix. */
public final class SpatialTopics {
    /**
     * {@code spectra.geofences}, compacted: key = fence id, value = the fence as a GeoJSON Feature (or a bare Polygon
     * or MultiPolygon), a null value deletes it. {@code PUT /v1/geofences/{id}} writes it; any producer may. Every
     * instance reads all of it (a global store), so every stream task checks positions against every fence.
     */
    public static final TopicSpec<String, byte[]> GEOFENCES =
            new TopicSpec<>("geofences", Serdes.String(), Serdes.ByteArray(), true);

    /** {@code spectra.geofence.transitions}: {@link GeofenceTransition}s in JSON, keyed by device id. */
    public static final TopicSpec<String, GeofenceTransition> GEOFENCE_TRANSITIONS =
            new TopicSpec<>("geofence.transitions", Serdes.String(), JsonSerde.of(GeofenceTransition.class), false);

    private SpatialTopics() {
    }
}
