package io.spectracache.spatial;

import static java.util.Objects.requireNonNull;

/**
 * Where one device stands with one fence, as its device entry keeps it between position updates.
 *
 * @param fenceId      the fence
 * @param fenceVersion the {@linkplain Geofence#version() version} of the fence this was decided against
 * @param status       {@link Status#ENTERING}: inside, waiting out the fence's dwell time before the enter counts;
 *                     {@link Status#INSIDE}: entered; {@link Status#EXITING}: entered, outside, waiting out the dwell
 *                     time before the exit counts
 * @param since        event time (ms) the current status began: the first update inside (ENTERING), the update
 *                     that entered (INSIDE), the first update outside (EXITING)
 * @param enteredAt    event time (ms) of the enter transition; meaningless while ENTERING
 */
public record FenceMembership(String fenceId, long fenceVersion, Status status, long since, long enteredAt) {
    /** The states of a device with a fence it is, or may be about to be, inside. */
    public enum Status {
        ENTERING, INSIDE, EXITING;

        /** Whether the device counts as inside the fence (for "who is inside now"). */
        public boolean entered() {
            return this != ENTERING;
        }
    }

    public FenceMembership {
        requireNonNull(fenceId, "fenceId");
        requireNonNull(status, "status");
    }
}
